"""A worker started after comments were produced moderates them (a new consumer group starts at
the earliest offset, on Tansu as on Kafka)."""

from __future__ import annotations

import json

import pytest

from civicmod.demo import generate_comments
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import IngestSettings, Settings
from tests.integration.helpers import isolated, read_topic, start

pytestmark = pytest.mark.integration

COMMENTS = 3000


def test_a_worker_started_after_the_comments_moderates_every_one(stack: Settings) -> None:
    settings = isolated(stack, "preloaded")
    # Small produce batches: the topic holds many record batches before the worker exists.
    producer = CommentProducer(settings.model_copy(update={
        "ingest": IngestSettings(producer_batch_bytes=16_384)}))
    counts = IngestCounts()
    for item in generate_comments(COMMENTS, seed=12):
        producer.accept_object(item, "preloaded", counts)
    producer.close()
    assert counts.accepted == COMMENTS

    worker = start("preloaded-worker", ["worker"], settings)
    try:
        verdicts = read_topic(settings, settings.topics.verdicts, COMMENTS, timeout=180)
    finally:
        worker.stop()
    ids = [json.loads(m.value)["comment"]["id"] for m in verdicts]
    assert len(ids) == COMMENTS
    assert len(set(ids)) == COMMENTS
