"""The Faust moderation worker.

Two agents share one repeat-violator book (category i):
- ``comments.raw`` → verdicts, flags (with the author's history), dead letters, and the
  author's standing on ``authors.sanctions`` when the policy hid a comment; it also keeps
  recent text fingerprints per author, in memory only, to flag repeated texts (category d);
- ``moderation.actions`` → the author's standing when an action changed it (a standing at the
  threshold carries the ban recommendation the review queue shows).

Each agent is supervised: an exception is logged (``topic[partition]@offset`` and its class,
never comment text) and the messages it concerned become dead letters, so the stream never
stops and nothing is lost (Faust would restart a crashed agent and commit past its batch).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import faust
from tenacity import AsyncRetrying, RetryCallState, before_sleep_log, wait_exponential

from pipeline import health, metrics
from pipeline.dispatch import AuthorTextRule, Dispatcher, Send
from pipeline.kafka_auth import aiokafka_options, faust_credentials
from pipeline.screening import RawMessage, Screener
from pipeline.settings import Settings
from pipeline.standings import StandingLoader
from pipeline.violators import ViolatorBook

log = logging.getLogger(__name__)


def app_options(settings: Settings) -> dict[str, Any]:
    """The Faust app settings of the worker (and of the benchmark's forward-only peer)."""
    join_seconds = settings.kafka.group_join_timeout_ms / 1000
    # Faust makes a table folder even for in-memory tables (only its last level): keep it in
    # the state dir, not in whatever directory the worker was started from.
    settings.embedded.state_dir.mkdir(parents=True, exist_ok=True)
    return {
        "broker": f"kafka://{settings.kafka.bootstrap_servers}",
        "broker_credentials": faust_credentials(settings.kafka),
        "store": "memory://",
        "datadir": str(settings.embedded.state_dir / "{conf.name}-data"),
        "web_enabled": False,
        "topic_partitions": settings.kafka.partitions,
        "topic_replication_factor": settings.kafka.replication_factor,
        "topic_allow_declare": False,
        "topic_disable_leader": True,
        "broker_rebalance_timeout": join_seconds,
        "broker_session_timeout": join_seconds,
        "broker_heartbeat_interval": join_seconds / 4,
        "producer_linger": 0.01,
        "producer_max_batch_size": settings.worker.producer_max_batch_size,
        "producer_acks": -1,
        "consumer_auto_offset_reset": "earliest",
        "broker_max_poll_records": settings.worker.batch_size,
        "broker_commit_interval": settings.worker.commit_interval_seconds,
        # Effects are idempotent: on shutdown, an event being handled is simply replayed.
        "stream_wait_empty": False,
    }


def build_app(
    settings: Settings, screener: Screener, repeats: AuthorTextRule | None = None
) -> faust.App:
    """The Faust app: the moderation agent and the moderator-action agent.

    Runs at-least-once (the broker has no transactions): outputs of a batch are awaited
    until the broker acknowledged them before the batch's offsets can be committed; every
    effect on the violator book is idempotent, so a replay after a crash counts nothing twice.
    """
    app = faust.App(settings.worker.app_id, **app_options(settings))
    topics = settings.topics
    book = ViolatorBook(settings.moderation.ban_threshold, settings.moderation.window_days,
                        settings.moderation.max_decisions_per_author)
    loader = StandingLoader(book, settings.kafka.bootstrap_servers, topics.sanctions,
                            aiokafka_options(settings.kafka))
    dispatcher = Dispatcher(topics, screener, book, repeats)
    metrics.set_versions(screener.policy.version, screener.model_version)
    outputs: dict[str, faust.TopicT] = {}

    def raw_topic(name: str) -> faust.TopicT:
        if name not in outputs:
            outputs[name] = app.topic(name, key_type=bytes, value_type=bytes,
                                      value_serializer="raw", key_serializer="raw")
        return outputs[name]

    async def publish(sends: Sequence[Send]) -> None:
        """Produce every message and wait for the broker's acknowledgements (retried)."""
        async for attempt in AsyncRetrying(
            wait=wait_exponential(max=30), before_sleep=_count_and_log
        ):
            with attempt:
                await asyncio.gather(*await _submit(app, sends))

    @app.on_partitions_assigned.connect
    def on_assigned(_app: Any, /, *args: Any, signal: Any, **_kwargs: Any) -> None:
        assigned: set[Any] = args[0]  # the whole new assignment, as Faust sends it
        loader.assign({tp.partition for tp in assigned
                       if tp.topic in (topics.raw, topics.actions)})
        health.STATE.set_ready()

    @app.timer(1.0)
    async def tick() -> None:
        health.STATE.beat()

    @app.agent(raw_topic(topics.raw))
    async def moderate(stream: faust.StreamT[bytes]) -> None:
        assert isinstance(stream, faust.Stream)  # take_events is not on the StreamT protocol
        async for events in stream.take_events(
            settings.worker.batch_size, within=settings.worker.batch_within_seconds
        ):
            messages = [RawMessage(key=e.message.key, value=e.message.value or b"",
                                   source=_source(e)) for e in events]
            partitions = [e.message.partition for e in events]
            metrics.SCREENED.inc(len(events))
            await loader.wait_ready(partitions)
            try:
                sends = dispatcher.comments(messages, partitions)
            except Exception as exc:  # a bug must neither stop the stream nor lose a comment
                log.error("moderation failed for %s .. %s: %s; dead-lettering %d messages",
                          messages[0].source, messages[-1].source, type(exc).__name__,
                          len(messages))
                error = f"not moderated: internal error {type(exc).__name__}"
                sends = [dispatcher.dead_letter(m.key, m.value, m.source, error)
                         for m in messages]
                metrics.DEAD_LETTERS.labels("internal").inc(len(messages))
            await publish(sends)
            metrics.observe_latency(e.message.timestamp for e in events)

    @app.agent(raw_topic(topics.actions))
    async def act(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            message = event.message
            await loader.wait_ready([message.partition])
            try:
                sends = dispatcher.action(message.key, message.value or b"", message.partition,
                                          _source(event))
            except Exception as exc:
                log.error("action at %s failed: %s; dead-lettering it", _source(event),
                          type(exc).__name__)
                sends = [dispatcher.dead_letter(
                    message.key, message.value or b"", _source(event),
                    f"action not applied: internal error {type(exc).__name__}")]
            await publish(sends)

    return app


async def _submit(app: faust.App, sends: Sequence[Send]) -> list[asyncio.Future[Any]]:
    """Hand every message to the producer as whole record batches, one future per batch.

    Awaiting ``send`` per message went through the accumulator and a future per message (the
    worker's largest cost after the detectors and Faust itself, docs/benchmarks.md); here the
    batches of each partition are built and submitted together, and the caller awaits all of
    their futures once. A keyed message goes where the producer's partitioner puts its key.
    """
    producer = app.producer
    client = producer._ensure_producer()  # type: ignore[attr-defined]  # Faust's aiokafka one
    for topic in {send.topic for send in sends}:
        await client.partitions_for(topic)  # metadata known before keys are partitioned
    batches: dict[tuple[str, int], Any] = {}
    futures: list[asyncio.Future[Any]] = []
    for send in sends:
        partition = send.partition
        if partition is None:
            partition = producer.key_partition(send.topic, send.key).partition  # type: ignore[arg-type]
        slot = (send.topic, partition)
        batch = batches.get(slot)
        if batch is None:
            batch = batches[slot] = client.create_batch()
        while batch.append(key=send.key, value=send.value, timestamp=None) is None:  # full
            futures.append(await client.send_batch(batch, send.topic, partition=partition))
            batch = batches[slot] = client.create_batch()
    for (topic, partition), batch in batches.items():
        futures.append(await client.send_batch(batch, topic, partition=partition))
    return futures


_log_retry = before_sleep_log(log, logging.WARNING)


def _count_and_log(state: RetryCallState) -> None:
    """Before a retried publish: count the Kafka error, log the retry."""
    if state.outcome is not None and state.outcome.exception() is not None:
        metrics.count_error(state.outcome.exception(), "produce")  # type: ignore[arg-type]
    _log_retry(state)


def _source(event: faust.EventT[Any]) -> str:
    message = event.message
    return f"{message.topic}[{message.partition}]@{message.offset}"


def run_worker(settings: Settings, screener: Screener, repeats: AuthorTextRule | None) -> None:
    """Run the moderation worker until SIGTERM or Ctrl-C."""
    app = build_app(settings, screener, repeats)
    health.serve_health(settings.metrics, "worker")
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
