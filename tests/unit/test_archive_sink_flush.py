"""The archive sink's flush and retry, without Kafka or S3: an in-memory consumer and bucket.

The invariant checked after every poll: a committed offset is always covered by objects
that have their manifest in the bucket; and in the end every record is archived once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata
from prometheus_client import REGISTRY

from pipeline.settings import SinkSettings
from sinks import archive_sink
from sinks.archive_sink import ArchiveSink
from sinks.series import RetentionSeries
from sinks.store import Store
from sinks.testing import FaultyStore, MemoryStore
from sinks.verify import Verifier
from tests.unit.archive_support import SETTINGS, T0, TOPIC, archived_offsets

BATCH = 5
TP0, TP1 = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)


@dataclass(frozen=True)
class Message:
    """The fields of a kafka-python ConsumerRecord the sink reads."""

    offset: int
    timestamp: int
    key: bytes | None
    value: bytes


class MemoryConsumer:
    """The KafkaConsumer calls the sink makes, over in-memory partition logs."""

    def __init__(self) -> None:
        self.logs: dict[TopicPartition, list[Message]] = {}
        self.positions: dict[TopicPartition, int] = {}
        self.paused: set[TopicPartition] = set()
        self.committed: dict[TopicPartition, int] = {}
        self.assigned: set[TopicPartition] = set()

    def produce(self, tp: TopicPartition, count: int) -> None:
        """Append ``count`` JSON records to the log of ``tp``."""
        log = self.logs.setdefault(tp, [])
        for _ in range(count):
            n = len(log)
            log.append(Message(n, T0 + n, f"k{n}".encode(),
                               json.dumps({"comment": {"id": f"{tp.partition}-{n}"}}).encode()))

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Own ``partitions`` from their committed offsets (a group join)."""
        self.assigned = set(partitions)
        self.positions = {tp: self.committed.get(tp, 0) for tp in self.assigned}

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    def poll(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Message]]:
        found: dict[TopicPartition, list[Message]] = {}
        for tp in sorted(self.assigned - self.paused):
            position = self.positions[tp]
            batch = self.logs.get(tp, [])[position:position + max_records]
            if batch:
                found[tp] = batch
                self.positions[tp] = position + len(batch)
        return found

    def highwater(self, tp: TopicPartition) -> int:
        return len(self.logs.get(tp, []))

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp] = offset

    def pause(self, *partitions: TopicPartition) -> None:
        self.paused.update(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.paused.difference_update(partitions)

    def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        self.committed.update({tp: meta.offset for tp, meta in offsets.items()})

    def close(self, autocommit: bool = False) -> None:
        self.assigned = set()


@pytest.fixture(autouse=True)
def _retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paused partition is due again at the next poll (no waiting in unit tests)."""
    monkeypatch.setattr(archive_sink, "RETRY_AFTER_SECONDS", 0.0)


def _sink(store: Store, consumer: MemoryConsumer) -> ArchiveSink:
    settings = SETTINGS.model_copy(update={
        "sink": SinkSettings(batch_max_records=BATCH, idle_flush_seconds=3600)})
    sink = ArchiveSink(settings, store, consumer=consumer)
    consumer.assign([TP0, TP1])
    sink.on_assigned([TP0, TP1])
    return sink


def _durable(store: Store, tp: TopicPartition) -> set[int]:
    return set(archived_offsets(store, tp.topic, tp.partition))


def _drain(sink: ArchiveSink, consumer: MemoryConsumer, store: Store) -> None:
    """Poll until every record is committed, checking the no-loss invariant at each step."""
    for _ in range(50):
        sink.poll_once()
        for tp, offset in consumer.committed.items():
            assert set(range(offset)) <= _durable(store, tp), f"{tp} committed past the archive"
        if all(consumer.committed.get(tp) == len(log) for tp, log in consumer.logs.items()):
            return
    raise AssertionError(f"not drained: committed {consumer.committed}")


def _exactly_once(store: Store, consumer: MemoryConsumer) -> None:
    for tp, log in consumer.logs.items():
        assert archived_offsets(store, tp.topic, tp.partition) == list(range(len(log)))
    assert Verifier(store, RetentionSeries(SETTINGS)).run().ok


def test_each_full_batch_is_archived_then_committed() -> None:
    store, consumer = MemoryStore(), MemoryConsumer()
    consumer.produce(TP0, 12)
    consumer.produce(TP1, 5)
    sink = _sink(store, consumer)

    sink.poll_once()
    assert consumer.committed == {TP0: 5, TP1: 5}
    assert archived_offsets(store) == list(range(5))
    sink.poll_once()
    sink.poll_once()  # offsets 10-11 are no full batch: they wait for the idle flush
    assert consumer.committed[TP0] == 10 and sink.batches[TP0].first_offset == 10
    sink.flush_all()
    assert consumer.committed == {TP0: 12, TP1: 5}
    assert sink.archived_records == 17
    _exactly_once(store, consumer)


FAULTS = [(fail_on, after_put) for fail_on in ((1,), (2,), (3,), (4,), (3, 4, 5))
          for after_put in (False, True)]


@pytest.mark.parametrize(("fail_on", "after_put"), FAULTS,
                         ids=[f"puts{'+'.join(map(str, f))}-{'after' if a else 'before'}"
                              for f, a in FAULTS])
def test_a_failed_put_leaves_the_offset_uncommitted_and_the_batch_is_retried(
    fail_on: tuple[int, ...], after_put: bool,
) -> None:
    memory = MemoryStore()
    store = FaultyStore(memory, fail_on=fail_on, code="SlowDown", after_put=after_put)
    consumer = MemoryConsumer()
    consumer.produce(TP0, 15)
    sink = _sink(store, consumer)

    while not store.failed:
        before = dict(consumer.committed)
        position = consumer.positions[TP0]
        sink.poll_once()
    batch_start = before.get(TP0, 0)
    assert consumer.committed == before, "a failed flush committed"
    assert TP0 in consumer.paused and sink.batches[TP0].first_offset == batch_start
    assert consumer.positions[TP0] == position + BATCH, "the failed batch was read again"

    _drain(sink, consumer, store)
    assert len(store.failed) == len(fail_on) or after_put  # after: a retry may meet ObjectExists
    assert consumer.committed == {TP0: 15}
    _exactly_once(memory, consumer)


def test_a_restarted_sink_resumes_after_the_archive_when_the_commit_was_lost() -> None:
    store, first = MemoryStore(), MemoryConsumer()
    first.produce(TP0, 10)
    _drain(_sink(store, first), first, store)

    second = MemoryConsumer()  # same log, but no committed offset survived
    second.logs = first.logs
    sink = _sink(store, second)
    assert second.positions[TP0] == 10
    second.produce(TP0, 5)
    _drain(sink, second, store)
    assert second.committed == {TP0: 15}
    _exactly_once(store, second)


def test_a_revoked_partition_drops_its_unwritten_batch() -> None:
    store, consumer = MemoryStore(), MemoryConsumer()
    consumer.produce(TP0, 3)
    sink = _sink(store, consumer)
    sink.poll_once()
    assert TP0 in sink.batches
    sink.on_revoked([TP0])
    sink.flush_all()
    assert consumer.committed == {} and archived_offsets(store) == []


def _lag(tp: TopicPartition) -> float | None:
    return REGISTRY.get_sample_value(
        "civicmod_archive_lag_records", {"topic": tp.topic, "partition": str(tp.partition)})


def _archived_total() -> float:
    return REGISTRY.get_sample_value("civicmod_archive_records_total", {"topic": TOPIC}) or 0.0


def test_archive_lag_counts_consumed_records_until_they_are_committed() -> None:
    store, consumer = MemoryStore(), MemoryConsumer()
    consumer.produce(TP0, 7)
    before = _archived_total()
    sink = _sink(store, consumer)

    sink.poll_once()  # one full batch of 5 archived and committed; the broker has 7
    assert _lag(TP0) == 2 and _archived_total() - before == 5
    sink.poll_once()  # the last 2: consumed, waiting for the idle flush
    assert _lag(TP0) == 2 and sink.batches[TP0].first_offset == 5
    lag_seconds = REGISTRY.get_sample_value("civicmod_archive_lag_seconds")
    assert lag_seconds is not None and lag_seconds > 0
    sink.flush_all()
    sink.poll_once()
    assert _lag(TP0) == 0 and _archived_total() - before == 7
    assert REGISTRY.get_sample_value("civicmod_archive_lag_seconds") == 0
    sink.on_revoked([TP0])
    assert _lag(TP0) is None, "a revoked partition is no longer reported"


def test_a_failed_put_counts_an_s3_error_and_keeps_the_lag() -> None:
    store = FaultyStore(MemoryStore(), fail_on=(1,), code="SlowDown", after_put=False)
    consumer = MemoryConsumer()
    consumer.produce(TP1, 5)
    labels = {"operation": "archive_write"}
    before = REGISTRY.get_sample_value("civicmod_s3_errors_total", labels) or 0.0
    sink = _sink(store, consumer)

    sink.poll_once()
    assert (REGISTRY.get_sample_value("civicmod_s3_errors_total", labels) or 0) - before == 1
    assert _lag(TP1) == 5
