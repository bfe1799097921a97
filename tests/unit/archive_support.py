"""Shared pieces of the archive unit tests: fixed time, verdict lines, readers of a store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipeline.settings import Settings, load_settings
from sinks import layout
from sinks.chain import ChainWriter
from sinks.jsonl import deserialize
from sinks.manifest import Manifest
from sinks.series import RetentionSeries
from sinks.store import Store
from sinks.testing import MemoryStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAY = NOW.date()
T0 = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp() * 1000)
SETTINGS: Settings = load_settings()
TOPIC = SETTINGS.topics.verdicts


def clock() -> datetime:
    """The fixed 'now' of these tests."""
    return NOW


def memory_store() -> MemoryStore:
    """An empty in-memory bucket whose clock is :data:`NOW`."""
    return MemoryStore(clock=clock)


def chain_writer(store: Store, writer_id: str = "unit") -> ChainWriter:
    """A chain writer as the sink builds one, on the fixed clock, chain heads only on demand."""
    return ChainWriter(store, RetentionSeries(SETTINGS), writer_id, every_objects=1000,
                       every_seconds=3600, clock=clock)


def lines(first: int, count: int, partition: int = 0) -> list[dict[str, Any]]:
    """Archive lines of ``count`` verdicts on synthetic comments from offset ``first``."""
    return [{"topic": TOPIC, "partition": partition, "offset": n, "timestamp_ms": T0 + n,
             "key": f"web:a{n % 3}",
             "record": {"action": "allow", "comment": {"id": f"c-{partition}-{n}"}}}
            for n in range(first, first + count)]


def manifests(store: Store, topic: str = TOPIC, partition: int = 0) -> list[Manifest]:
    """The partition's stored manifests, oldest first."""
    keys = (k for k in store.keys(f"{layout.MANIFEST_ROOT}{topic}/")
            if f"/p={partition:03d}/" in k)
    found = [Manifest.from_bytes(store.get(k)) for k in keys]
    return sorted(found, key=lambda m: m.first_offset)


def archived_offsets(store: Store, topic: str = TOPIC, partition: int = 0) -> list[int]:
    """Every offset of the partition in an object that has a manifest, with repeats."""
    return sorted(line["offset"] for m in manifests(store, topic, partition)
                  for line in deserialize(store.get(m.object_key)))
