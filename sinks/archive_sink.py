"""The archive sink: a plain Kafka consumer that writes batches to S3, then commits.

Guarantees (docs/archive.md):
- no loss: a partition's offset is committed only after the PUTs of the object holding its
  records and of that object's manifest succeeded;
- no duplicates: object keys derive from (topic, partition, first offset), PUTs are create-only
  and, when a partition is assigned, the sink resumes after the last offset found in S3 itself,
  so a crash between PUT and commit never archives a record twice;
- tamper evidence: every object gets a manifest chained to the partition's previous one; a
  manifest missing after a crash is written when the partition is next assigned;
- back-pressure: while S3 fails, a partition's batch is kept and the partition paused
  (nothing more is read from it); the batch is retried after 2 s, doubling to 16 s;
  :mod:`sinks.waiting` publishes why the sink waits.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata

from pipeline import health, metrics
from pipeline.kafka_auth import client_options
from pipeline.settings import Settings
from sinks import layout
from sinks.chain import ChainWriter
from sinks.jsonl import ArchivedRecord
from sinks.progress import ArchiveProgress
from sinks.series import RetentionSeries
from sinks.store import Store
from sinks.waiting import Waiting, retry_delay

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2.0
RETRY_AT_MOST_SECONDS = 16.0


@dataclass
class _Batch:
    records: list[ArchivedRecord] = field(default_factory=list)
    size: int = 0
    started: float = field(default_factory=time.monotonic)
    log_gap_from: int | None = None  # the broker's log has no records from here to the first

    @property
    def first_offset(self) -> int:
        return self.records[0].offset

    @property
    def last_offset(self) -> int:
        return self.records[-1].offset


class ArchiveSink:
    """Consumes the archived topics and writes each partition's batches to the bucket."""

    def __init__(self, settings: Settings, store: Store, consumer: Any = None) -> None:
        """``consumer`` replaces the Kafka consumer built from ``settings`` (tests)."""
        self.settings = settings
        self.store = store
        self.topics = [settings.topics.verdicts, settings.topics.deadletter,
                       settings.topics.actions, settings.topics.sanctions,
                       settings.topics.platform, settings.topics.audit]
        self.batches: dict[TopicPartition, _Batch] = {}
        self.next_offset: dict[TopicPartition, int] = {}  # just past what the archive holds
        self.last_day: dict[TopicPartition, date] = {}
        self.paused_until: dict[TopicPartition, float] = {}
        self.unrecovered: set[TopicPartition] = set()
        self.failures: dict[TopicPartition, int] = {}  # failed flushes in a row
        self.recovery_failures = 0
        self.next_recovery = 0.0
        self.waiting = Waiting()
        self.chain = ChainWriter(
            store, RetentionSeries(settings), f"{socket.gethostname()}-{os.getpid()}",
            settings.archive.chain_head_every_objects, settings.archive.chain_head_every_seconds,
        )
        self.archived_records = 0
        self.progress = ArchiveProgress()
        self.consumer = consumer if consumer is not None else KafkaConsumer(
            bootstrap_servers=settings.kafka.bootstrap_servers,
            **client_options(settings.kafka),
            group_id=settings.sink.group_id,
            client_id="civicmod-archive-sink",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_interval_ms=settings.kafka.group_join_timeout_ms,
            session_timeout_ms=settings.kafka.group_join_timeout_ms,
            heartbeat_interval_ms=max(settings.kafka.group_join_timeout_ms // 4, 500),
        )

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set; then flush what is batched and close."""
        self.consumer.subscribe(self.topics, listener=_Rebalance(self))
        try:
            while not stop.is_set():
                self.poll_once()
            self.flush_all()
            self._write_chain_head(force=True)
        finally:
            self.consumer.close(autocommit=False)

    def poll_once(self) -> None:
        """One poll: batch what arrived, flush full or idle batches, resume paused partitions."""
        health.STATE.beat()
        self._resume_due()
        self._retry_recovery()
        limit = self.settings.sink.batch_max_records
        polled = self.consumer.poll(timeout_ms=200, max_records=limit)
        for tp, messages in polled.items():
            for message in messages:
                self._add(tp, message)
        idle = self.settings.sink.idle_flush_seconds
        now = time.monotonic()
        for tp in [tp for tp, b in self.batches.items()
                   if now - b.started >= idle and tp not in self.paused_until]:
            self.flush(tp)
        self.progress.publish()

    def flush_all(self) -> None:
        """Flush every pending batch."""
        for tp in list(self.batches):
            self.flush(tp)

    def _add(self, tp: TopicPartition, message: Any) -> None:
        batch = self.batches.get(tp)
        if batch is None:
            batch = self.batches[tp] = _Batch(log_gap_from=self._hole_before(tp, message.offset))
        value = message.value or b""
        batch.records.append(
            ArchivedRecord(tp.topic, tp.partition, message.offset, message.timestamp,
                           message.key, value)
        )
        batch.size += len(value)
        self.progress.consumed(tp, message.offset, message.timestamp, self.consumer.highwater(tp))
        sink = self.settings.sink
        if len(batch.records) >= sink.batch_max_records or batch.size >= sink.batch_max_bytes:
            self.flush(tp)

    def flush(self, tp: TopicPartition) -> None:
        """PUT one partition's batch and its manifest, then commit; on failure retry later."""
        batch = self.batches.pop(tp, None)
        if batch is None or not batch.records:
            return
        day = max(layout.day_of(batch.records[0].timestamp_ms), self.last_day.get(tp, date.min))
        try:
            appended = self.chain.append(
                tp.topic, tp.partition, day, [r.to_line() for r in batch.records],
                log_gap_from=batch.log_gap_from,
            )
            if appended.written:
                self.archived_records += len(batch.records)
            else:
                log.warning("%s exists already; resuming %s at %d", appended.key, tp,
                            appended.next_offset)
                if appended.next_offset <= batch.last_offset:
                    self.consumer.seek(tp, appended.next_offset)
            self.last_day[tp] = day
            self.next_offset[tp] = appended.next_offset
            self.consumer.commit({tp: OffsetAndMetadata(appended.next_offset, "", -1)})
            self.progress.archived(tp, appended.next_offset, len(batch.records))
            self.failures.pop(tp, None)
            self._maybe_done_waiting()
        except Exception as exc:
            metrics.count_error(exc, "archive_write")
            self.waiting.failed(exc)
            failures = self.failures[tp] = self.failures.get(tp, 0) + 1
            delay = retry_delay(failures, RETRY_AFTER_SECONDS, RETRY_AT_MOST_SECONDS)
            log.error(
                "archive write failed for %s[%d]@%d: %s; retrying in %.0fs",
                tp.topic, tp.partition, batch.first_offset, type(exc).__name__, delay,
            )
            self._retry_later(tp, batch, delay)
            return
        self._write_chain_head()

    def _hole_before(self, tp: TopicPartition, offset: int) -> int | None:
        """Where a hole in the broker's log before ``offset`` begins, if there is one: the
        archive ends before ``offset`` yet the log still starts at or before that end (so the
        records were never there; records dropped by the broker's retention are not a hole).
        """
        expected = self.next_offset.get(tp)
        if expected is None or offset <= expected:
            return None
        try:
            start = self.consumer.beginning_offsets([tp])[tp]
        except Exception as exc:  # unknown: leave the gap for verify to report
            metrics.count_error(exc, "log_start")
            return None
        if start > expected:
            return None
        log.warning("%s[%d]: offsets %d-%d are not in the broker's log; archiving on at %d",
                    tp.topic, tp.partition, expected, offset - 1, offset)
        return expected

    def _write_chain_head(self, force: bool = False) -> None:
        try:
            key = self.chain.maybe_write_head(force)
        except Exception as exc:  # a missed chain head is retried at the next object
            metrics.count_error(exc, "chain_head")
            log.error("chain head not written: %s", type(exc).__name__)
            return
        if key:
            log.info("chain head archived at %s", key)

    def _maybe_done_waiting(self) -> None:
        """Ready again, and no longer waiting, once no partition is failing."""
        if not self.unrecovered and not self.failures:
            self.waiting.cleared()
        health.STATE.set_ready(not self.unrecovered and not self.failures)

    def _retry_later(self, tp: TopicPartition, batch: _Batch, delay: float) -> None:
        """Keep the batch and pause its partition until the retry is due.

        No seek back: with kafka-python 3 on Tansu, seeking back during a 30 s S3 outage
        moved the fetch position past 2,000 records per partition, which were then
        committed unarchived, or stalled the partition for good (docs/reliability.md).
        The position stays after the batch, so nothing is read twice or skipped.
        """
        if tp not in self.consumer.assignment():
            return
        self.batches[tp] = batch
        self.consumer.pause(tp)
        self.paused_until[tp] = time.monotonic() + delay
        health.STATE.set_ready(False)

    def _resume_due(self) -> None:
        now = time.monotonic()
        due = [tp for tp, until in self.paused_until.items() if until <= now]
        for tp in due:
            del self.paused_until[tp]
            if tp not in self.consumer.assignment():
                continue
            self.flush(tp)  # the kept batch first; a failure pauses the partition again
            if tp not in self.paused_until:
                self.consumer.resume(tp)

    def on_assigned(self, partitions: list[TopicPartition]) -> None:
        """Resume each assigned partition after the last offset archived in S3."""
        for tp in partitions:
            self._recover(tp)
        self._maybe_done_waiting()

    def _recover(self, tp: TopicPartition) -> None:
        """Read the partition's chain from S3 and seek past it; pause it while S3 fails."""
        try:
            link = self.chain.recover(tp.topic, tp.partition)
        except Exception as exc:
            metrics.count_error(exc, "recover")
            self.waiting.failed(exc)
            log.error("cannot read the archive of %s[%d]: %s; retrying", tp.topic,
                      tp.partition, type(exc).__name__)
            self.unrecovered.add(tp)
            self.consumer.pause(tp)
            self.paused_until.pop(tp, None)
            return
        self.unrecovered.discard(tp)
        if link is not None:
            self.next_offset[tp] = link.last_offset + 1
            self.progress.resumed(tp, link.last_offset + 1)
            self.consumer.seek(tp, link.last_offset + 1)
            self.last_day[tp] = layout.day_of_key(link.manifest_key)
            log.info("%s[%d] resumes at %d (from the archive)", tp.topic, tp.partition,
                     link.last_offset + 1)

    def _retry_recovery(self) -> None:
        now = time.monotonic()
        if not self.unrecovered or now < self.next_recovery:
            return
        self.recovery_failures += 1
        self.next_recovery = now + retry_delay(self.recovery_failures, RETRY_AFTER_SECONDS,
                                               RETRY_AT_MOST_SECONDS)
        for tp in list(self.unrecovered):
            if tp not in self.consumer.assignment():
                self.unrecovered.discard(tp)
                continue
            self._recover(tp)
            if tp not in self.unrecovered:
                self.consumer.resume(tp)
        if not self.unrecovered:
            self.recovery_failures = 0
            self._maybe_done_waiting()

    def on_revoked(self, partitions: list[TopicPartition]) -> None:
        """Drop unwritten batches of revoked partitions: their offsets were never committed."""
        for tp in partitions:
            self.batches.pop(tp, None)
            self.next_offset.pop(tp, None)
            self.paused_until.pop(tp, None)
            self.unrecovered.discard(tp)
            self.failures.pop(tp, None)
            self.chain.forget(tp.topic, tp.partition)
            self.progress.revoked(tp)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, sink: ArchiveSink) -> None:
        self.sink = sink

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self.sink.on_revoked(revoked)

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.sink.on_assigned(assigned)
