"""Recovering standings from ``authors.sanctions`` on the real broker, whose end-offset answer
is the start of the last record batch + 1 (Tansu), not the offset after the last record."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka import KafkaProducer

from pipeline.actions import ModerationAction
from pipeline.settings import Settings
from pipeline.standings import read_standings, true_end_offset
from pipeline.violators import ViolatorBook
from tests.integration.helpers import isolated

pytestmark = pytest.mark.integration

STANDINGS = 30


def test_the_last_standing_of_every_author_is_read_to_the_true_end(stack: Settings) -> None:
    settings = isolated(stack, "standings")
    topic, book = settings.topics.sanctions, ViolatorBook(threshold=3, window_days=90)
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all",
                             linger_ms=50)  # one batch: the end offset Tansu reports is 1
    for n in range(STANDINGS):
        standing = book.apply(0, ModerationAction(
            kind="remove", moderator="m", author_key=f"facebook:u{n % 3}", comment_id=f"c{n}",
            categories=("a",), reason="vulgar"))
        assert standing is not None
        producer.send(topic, key=standing.author_key.encode(), value=standing.to_json_bytes(),
                      partition=0)
    producer.flush()
    producer.close()
    tp = TopicPartition(topic, 0)

    async def ends() -> tuple[int, int]:
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
        await consumer.start()
        try:
            consumer.assign([tp])
            return (await consumer.end_offsets([tp]))[tp], await true_end_offset(consumer, tp)
        finally:
            await consumer.stop()

    reported, true_end = asyncio.run(ends())
    assert true_end == STANDINGS and reported <= STANDINGS
    standings = asyncio.run(read_standings(settings.kafka.bootstrap_servers, tp))
    assert {s.author_key: s.violations for s in standings} == {
        "facebook:u0": 10, "facebook:u1": 10, "facebook:u2": 10}
