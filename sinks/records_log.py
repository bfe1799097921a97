"""Archive-native records (legal holds, their release, disposals), appended by civicmod itself.

They form their own series ``archive.records_topic`` with one partition and sequence numbers
as offsets, stored, manifested and chained exactly like the archived Kafka topics.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import Any

from pipeline.records import utc_now
from pipeline.settings import Settings
from sinks import layout
from sinks.chain import ChainWriter
from sinks.jsonl import deserialize
from sinks.series import RetentionSeries
from sinks.store import Store

ATTEMPTS = 5


def actor() -> str:
    """Who runs this command, for the records it writes (the operating-system user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def append_records(
    store: Store, settings: Settings, records: Sequence[dict[str, Any]]
) -> str:
    """Archive ``records`` as one new object of the records series; return its key.

    Create-only: if another writer took the same offsets first, re-read the chain and retry.
    """
    topic = settings.archive.records_topic
    chain = ChainWriter(store, RetentionSeries(settings), f"records-{actor()}", 1, 1.0)
    for _ in range(ATTEMPTS):
        link = chain.recover(topic, 0)
        start = link.last_offset + 1 if link else 0
        now = utc_now()
        day = max(now.astimezone(UTC).date(),
                  layout.day_of_key(link.manifest_key) if link else now.date())
        stamp = int(now.timestamp() * 1000)
        lines = [{"topic": topic, "partition": 0, "offset": start + n, "timestamp_ms": stamp,
                  "key": None, "record": dict(record)} for n, record in enumerate(records)]
        appended = chain.append(topic, 0, day, lines)
        if appended.written:
            chain.maybe_write_head(force=True)
            return appended.key
    raise RuntimeError(f"could not append to {topic} after {ATTEMPTS} attempts")


def archived_records(store: Store, topic: str) -> Iterator[dict[str, Any]]:
    """Every archive-native record of the series ``topic``, oldest first, with its object
    key (``_object``) and offset (``_offset``)."""
    for key in sorted(store.keys(layout.date_prefix(topic))):
        for line in deserialize(store.get(key)):
            yield {**(line.get("record") or {}), "_offset": line["offset"], "_object": key}
