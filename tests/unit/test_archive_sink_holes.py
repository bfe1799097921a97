"""Holes in the broker's log: offsets that never held a record (Tansu leaves them when it is
killed mid-produce; measured in tests/chaos/test_cold_restart.py). The sink declares such a
hole in the next manifest and ``verify`` notes it; offsets the broker dropped (the log now
starts after them) are not declared, so ``verify`` still reports them as a gap."""

from __future__ import annotations

import json

from kafka import TopicPartition

from sinks.series import RetentionSeries
from sinks.testing import MemoryStore
from sinks.verify import Verifier
from tests.unit.archive_support import SETTINGS, T0, archived_offsets, manifests
from tests.unit.test_archive_sink_flush import BATCH, TP0, MemoryConsumer, Message, _sink


class HoleConsumer(MemoryConsumer):
    """Partition logs whose offsets may skip (``holes``) and whose start may move on."""

    def __init__(self) -> None:
        super().__init__()
        self.start: dict[TopicPartition, int] = {}

    def produce_offsets(self, tp: TopicPartition, offsets: list[int]) -> None:
        self.logs[tp] = [Message(n, T0 + n, f"k{n}".encode(),
                                 json.dumps({"comment": {"id": f"{tp.partition}-{n}"}}).encode())
                         for n in offsets]

    def poll(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Message]]:
        found: dict[TopicPartition, list[Message]] = {}
        for tp in sorted(self.assigned - self.paused):
            position = max(self.positions[tp], self.start.get(tp, 0))
            batch = [m for m in self.logs.get(tp, []) if m.offset >= position][:max_records]
            if batch:
                found[tp] = batch
                self.positions[tp] = batch[-1].offset + 1
        return found

    def highwater(self, tp: TopicPartition) -> int:
        log = self.logs.get(tp, [])
        return log[-1].offset + 1 if log else 0

    def beginning_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.start.get(tp, 0) for tp in partitions}


def _run(consumer: HoleConsumer, store: MemoryStore, polls: int = 6) -> None:
    sink = _sink(store, consumer)
    for _ in range(polls):
        sink.poll_once()
    sink.flush_all()


def test_a_hole_in_the_log_is_declared_and_verify_notes_it() -> None:
    store, consumer = MemoryStore(), HoleConsumer()
    consumer.produce_offsets(TP0, [*range(BATCH), *range(BATCH + 4, 2 * BATCH + 4)])
    _run(consumer, store)

    assert archived_offsets(store) == [*range(BATCH), *range(BATCH + 4, 2 * BATCH + 4)]
    assert [m.log_gap_from for m in manifests(store)] == [None, BATCH]
    report = Verifier(store, RetentionSeries(SETTINGS)).run()
    assert report.ok, report.problems
    assert any(f"offsets {BATCH}–{BATCH + 3} of " in note for note in report.notes)


def test_offsets_the_broker_dropped_are_not_a_hole_and_verify_reports_the_gap() -> None:
    store, consumer = MemoryStore(), HoleConsumer()
    consumer.produce_offsets(TP0, list(range(3 * BATCH)))
    sink = _sink(store, consumer)
    sink.poll_once()  # archives 0..4
    consumer.start[TP0] = 2 * BATCH  # retention dropped 5..9 before the sink read them
    for _ in range(4):
        sink.poll_once()
    sink.flush_all()

    assert [m.log_gap_from for m in manifests(store)] == [None, None]
    report = Verifier(store, RetentionSeries(SETTINGS)).run()
    assert [p.kind for p in report.problems] == ["gap"]


def test_a_manifest_without_a_hole_keeps_its_original_bytes() -> None:
    store, consumer = MemoryStore(), HoleConsumer()
    consumer.produce_offsets(TP0, list(range(BATCH)))
    _run(consumer, store, polls=1)
    (manifest,) = manifests(store)
    assert b"log_gap_from" not in manifest.to_bytes()
