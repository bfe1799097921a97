"""The Faust moderation worker: ``comments.raw`` in; verdicts, flags and dead letters out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import faust
from tenacity import AsyncRetrying, before_sleep_log, wait_exponential

from classifiers.registry import default_registry
from pipeline.moderation import Moderator, Outcome, RawMessage
from pipeline.policy import load_policy
from pipeline.settings import Settings

log = logging.getLogger(__name__)


def build_moderator(settings: Settings) -> Moderator:
    """The moderator with the default detectors and the configured policy."""
    return Moderator(
        registry=default_registry(),
        policy=load_policy(settings.policy_file),
        max_text_chars=settings.ingest.max_text_chars,
        score_window_chars=settings.worker.score_window_chars,
    )


def build_app(settings: Settings, moderator: Moderator) -> faust.App:
    """A Faust app whose one agent moderates ``comments.raw`` in batches.

    Runs at-least-once (the broker has no transactions): outputs of a batch are awaited
    until the broker acknowledged them before the batch's offsets can be committed.
    """
    app = faust.App(
        settings.worker.app_id,
        broker=f"kafka://{settings.kafka.bootstrap_servers}",
        store="memory://",
        web_enabled=False,
        topic_partitions=settings.kafka.partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        topic_allow_declare=False,
        topic_disable_leader=True,
        broker_rebalance_timeout=settings.kafka.group_join_timeout_ms / 1000,
        broker_session_timeout=settings.kafka.group_join_timeout_ms / 1000,
        broker_heartbeat_interval=settings.kafka.group_join_timeout_ms / 4000,
        producer_linger=0.01,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_max_poll_records=settings.worker.batch_size,
    )
    topics = settings.topics

    def raw_topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, value_serializer="raw",
                         key_serializer="raw")

    source = raw_topic(topics.raw)
    verdicts, flagged, deadletter = (
        raw_topic(topics.verdicts), raw_topic(topics.flagged), raw_topic(topics.deadletter)
    )

    async def publish(outcomes: list[Outcome]) -> None:
        sends: list[Awaitable[Any]] = []
        for outcome in outcomes:
            if outcome.deadletter is not None:
                sends.append(await deadletter.send(
                    key=outcome.key, value=outcome.deadletter.to_json_bytes()))
                continue
            assert outcome.verdict is not None
            body = outcome.verdict.to_json_bytes()
            sends.append(await verdicts.send(key=outcome.key, value=body))
            if outcome.flagged:
                sends.append(await flagged.send(key=outcome.key, value=body))
        await asyncio.gather(*sends)

    @app.agent(source)
    async def moderate(stream: faust.StreamT[bytes]) -> None:
        assert isinstance(stream, faust.Stream)  # take_events is not on the StreamT protocol
        async for events in stream.take_events(
            settings.worker.batch_size, within=settings.worker.batch_within_seconds
        ):
            messages = [
                RawMessage(
                    key=event.message.key,
                    value=event.message.value or b"",
                    source=f"{event.message.topic}[{event.message.partition}]"
                    f"@{event.message.offset}",
                )
                for event in events
            ]
            outcomes = moderator.moderate(messages)
            async for attempt in AsyncRetrying(
                wait=wait_exponential(max=30),
                before_sleep=before_sleep_log(log, logging.WARNING),
            ):
                with attempt:
                    await publish(outcomes)

    return app


def run_worker(settings: Settings) -> None:
    """Run the moderation worker until SIGTERM or Ctrl-C."""
    app = build_app(settings, build_moderator(settings))
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
