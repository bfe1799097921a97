"""Reading the archive back: every archived line of a topic, object by object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sinks.jsonl import deserialize
from sinks.store import ArchiveStore


def archived_lines(store: ArchiveStore, topic: str) -> Iterator[dict[str, Any]]:
    """Every archive line of ``topic``, in key order (date, partition, first offset)."""
    for key in sorted(store.keys(f"{topic}/")):
        yield from deserialize(store.get(key))
