"""Appending to the archive: the object, then its manifest, chained per partition.

Order of writes for one batch: the object (create-only, locked), then its manifest
(create-only, locked as long); only then may the caller commit offsets. A crash between the
two PUTs leaves an object without manifest at the end of its partition; :meth:`recover`,
which runs before anything is appended to a partition, finds it and writes the manifest.
Every ``every_objects`` objects or ``every_seconds`` seconds a chain-head record lists the
newest manifest of every partition this writer owns.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipeline.records import utc_now
from sinks import layout
from sinks.jsonl import deserialize, serialize_lines
from sinks.manifest import ChainLink, Manifest, describe, sha256_hex
from sinks.series import RetentionSeries
from sinks.store import ObjectExists, Store

log = logging.getLogger(__name__)

CHAIN_HEAD_FORMAT = "civicmod-chain-head/1"


class ChainConflict(RuntimeError):
    """A different manifest is already stored where this writer's manifest belongs."""


@dataclass(frozen=True)
class Appended:
    """The outcome of one append: the object's key and the partition's next offset."""

    key: str
    next_offset: int
    written: bool


class ChainWriter:
    """Writes objects and manifests for the partitions it owns, and periodic chain heads."""

    def __init__(
        self, store: Store, retention: RetentionSeries, writer_id: str,
        every_objects: int, every_seconds: float, clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.retention = retention
        self.writer_id = writer_id
        self.every_objects = every_objects
        self.every_seconds = every_seconds
        self.clock = clock
        self.links: dict[tuple[str, int], ChainLink | None] = {}
        self.since_head = 0
        self.last_head = time.monotonic()

    def recover(self, topic: str, partition: int) -> ChainLink | None:
        """Read the partition's newest manifest; first write any manifests missing at its end."""
        missing: list[str] = []
        link: ChainLink | None = None
        for key in self.store.partition_keys_desc(topic, partition):
            body = self.store.get_or_none(layout.manifest_key(key))
            if body is not None:
                manifest = Manifest.from_bytes(body)
                link = ChainLink(manifest.key, sha256_hex(body), manifest.last_offset)
                break
            missing.append(key)
        for key in reversed(missing):
            link = self._repair(key, link)
        self.links[(topic, partition)] = link
        return link

    def forget(self, topic: str, partition: int) -> None:
        """Stop tracking a partition (it was revoked); it is recovered again if reassigned."""
        self.links.pop((topic, partition), None)

    def append(
        self, topic: str, partition: int, day: date, lines: Sequence[dict[str, Any]],
        retain_until: datetime | None = None, log_gap_from: int | None = None,
    ) -> Appended:
        """Write ``lines`` as one object and its manifest; the object's key comes from its
        first offset and ``day``. ``retain_until`` overrides the series' retention;
        ``log_gap_from`` declares a hole in the broker's log before the first offset."""
        prev = (self.links[(topic, partition)] if (topic, partition) in self.links
                else self.recover(topic, partition))
        first, last = lines[0]["offset"], lines[-1]["offset"]
        key = layout.object_key(topic, partition, first, day)
        body = serialize_lines(lines)
        if retain_until is None:
            newest = max(line["timestamp_ms"] for line in lines)
            series = {self.retention.series(line) for line in lines}
            retain_until = self.retention.retain_until(series, newest, self.clock())
        try:
            self.store.put_create_only(key, body, first, last, len(lines), retain_until)
        except ObjectExists:
            link = self.recover(topic, partition)
            return Appended(key, link.last_offset + 1 if link else 0, written=False)
        manifest = describe(key, body, lines, retain_until, prev, self.retention, log_gap_from)
        self._put_manifest(manifest, retain_until)
        self.links[(topic, partition)] = manifest.link()
        self.since_head += 1
        return Appended(key, last + 1, written=True)

    def maybe_write_head(self, force: bool = False) -> str | None:
        """Archive a chain-head record when due (or, with ``force``, when anything changed)."""
        waited = time.monotonic() - self.last_head >= self.every_seconds
        if not self.since_head or not (force or waited or self.since_head >= self.every_objects):
            return None
        now = self.clock()
        heads = [
            {"topic": topic, "partition": partition, "manifest_key": link.manifest_key,
             "manifest_sha256": link.manifest_sha256, "last_offset": link.last_offset}
            for (topic, partition), link in sorted(self.links.items()) if link is not None
        ]
        document = {"format": CHAIN_HEAD_FORMAT, "writer": self.writer_id,
                    "written_at": now.isoformat(), "heads": heads}
        key = layout.chain_head_key(now, self.writer_id)
        body = (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode()
        self.store.put_json_create_only(key, body)
        self.since_head = 0
        self.last_head = time.monotonic()
        return key

    def _repair(self, key: str, prev: ChainLink | None) -> ChainLink:
        body, info = self.store.get_with_info(key)
        manifest = describe(key, body, list(deserialize(body)), info.retain_until, prev,
                            self.retention)
        self._put_manifest(manifest, info.retain_until)
        log.warning("wrote the missing manifest of %s", key)
        return manifest.link()

    def _put_manifest(self, manifest: Manifest, retain_until: datetime | None) -> None:
        body = manifest.to_bytes()
        try:
            self.store.put_json_create_only(manifest.key, body, retain_until)
        except ObjectExists:
            if self.store.get(manifest.key) != body:
                raise ChainConflict(f"{manifest.key} exists with other content") from None
