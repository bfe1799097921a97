"""Recovering authors' standings from ``authors.sanctions`` when partitions are assigned.

The worker keeps repeat-violator state in memory and publishes every change to
``authors.sanctions``, keyed by author, on the partition of the author's comments. When a
partition is assigned, a plain aiokafka consumer reads that partition of the sanctions topic
from the beginning to its true end and the last standing per author becomes the state. The
agents wait for their partition's state before they process it. Why not a Faust table:
docs/decisions/0004-violator-state.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from pipeline.actions import Standing
from pipeline.violators import ViolatorBook

log = logging.getLogger(__name__)

FETCH_TIMEOUT_MS = 1000
RETRY_SECONDS = 2.0
LAST_BATCH_ATTEMPTS = 10


async def true_end_offset(consumer: AIOKafkaConsumer, tp: TopicPartition) -> int:
    """The offset after the partition's last record, on Kafka and on Tansu alike.

    Tansu answers an end-offset query with the start of the last record batch + 1, not the
    offset after its last record; the last batch is read to find where it really ends.
    """
    reported: int = (await consumer.end_offsets([tp]))[tp]
    if reported <= 0:
        return 0
    consumer.seek(tp, reported - 1)
    for _ in range(LAST_BATCH_ATTEMPTS):
        records = (await consumer.getmany(tp, timeout_ms=FETCH_TIMEOUT_MS)).get(tp, [])
        if records:
            return max(r.offset for r in records) + 1
    raise TimeoutError(f"no record at {tp.topic}[{tp.partition}]@{reported - 1}")


async def read_standings(bootstrap: str, tp: TopicPartition, **options: Any) -> list[Standing]:
    """The last standing of each author on one sanctions partition (no consumer group);
    ``options`` are further aiokafka arguments (security)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", **options)
    await consumer.start()
    try:
        consumer.assign([tp])
        end = await true_end_offset(consumer, tp)
        await consumer.seek_to_beginning(tp)
        latest: dict[bytes | None, tuple[int, bytes]] = {}
        while await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=FETCH_TIMEOUT_MS)
            for record in batch.get(tp, []):
                if record.offset < end:
                    latest[record.key] = (record.offset, record.value or b"")
    finally:
        await consumer.stop()
    standings: list[Standing] = []
    for offset, value in sorted(latest.values()):
        try:
            standings.append(Standing.model_validate_json(value))
        except ValidationError:
            log.warning("skipping an unreadable standing at %s[%d]@%d", tp.topic, tp.partition,
                        offset)
    return standings


class StandingLoader:
    """Loads the book's partitions as they are assigned; agents wait until theirs is ready."""

    def __init__(self, book: ViolatorBook, bootstrap: str, topic: str,
                 options: Mapping[str, Any] | None = None) -> None:
        self.book = book
        self.bootstrap = bootstrap
        self.topic = topic
        self.options = dict(options or {})
        self._ready: dict[int, asyncio.Event] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def assign(self, partitions: set[int]) -> None:
        """Start loading newly assigned partitions; forget those no longer assigned."""
        for partition in set(self._ready) - partitions:
            task = self._tasks.pop(partition, None)
            if task is not None:
                task.cancel()
            del self._ready[partition]
            self.book.drop(partition)
        for partition in partitions - set(self._ready):
            self._event(partition)
            self._tasks[partition] = asyncio.create_task(self._load(partition))

    async def wait_ready(self, partitions: Iterable[int]) -> None:
        """Return once every one of ``partitions`` has its standings loaded."""
        for partition in set(partitions):
            await self._event(partition).wait()

    def _event(self, partition: int) -> asyncio.Event:
        return self._ready.setdefault(partition, asyncio.Event())

    async def _load(self, partition: int) -> None:
        tp = TopicPartition(self.topic, partition)
        while True:
            try:
                standings = await read_standings(self.bootstrap, tp, **self.options)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker may be restarting: retry, never give up
                log.error("loading standings of %s[%d] failed: %s; retrying in %.0fs",
                          tp.topic, partition, type(exc).__name__, RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)
        self.book.load(partition, standings)
        log.info("standings of %s[%d] loaded: %d authors", tp.topic, partition,
                 len(standings))
        self._tasks.pop(partition, None)
        self._event(partition).set()
