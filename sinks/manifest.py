"""Manifests: one per archive object, chained by SHA-256 per topic-partition.

A manifest is deterministic JSON (sorted keys, no wall-clock time): rebuilding it from the
same object, its retain-until date and the same previous manifest gives the same bytes, so
a sink that crashed between the object's PUT and the manifest's PUT writes on restart
exactly the manifest it would have written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sinks import layout
from sinks.series import RetentionSeries

FORMAT = "civicmod-manifest/1"


@dataclass(frozen=True)
class ChainLink:
    """The newest manifest of a partition: what the next manifest points back to."""

    manifest_key: str
    manifest_sha256: str
    last_offset: int


@dataclass(frozen=True)
class Manifest:
    """What one archive object holds and which manifest came before it in its partition."""

    topic: str
    partition: int
    object_key: str
    object_sha256: str
    object_bytes: int
    record_count: int
    first_offset: int
    last_offset: int
    first_timestamp_ms: int
    last_timestamp_ms: int
    series: dict[str, int]
    retain_until: str | None
    record_ids: tuple[str, ...]
    prev_manifest_key: str | None
    prev_manifest_sha256: str | None
    log_gap_from: int | None = None
    """Set when the broker's log held no records from this offset to ``first_offset - 1``:
    the sink asked for this offset and the broker gave it ``first_offset`` (Tansu leaves
    such holes after a crash). ``verify`` then notes the gap instead of failing."""

    @property
    def key(self) -> str:
        """Where this manifest is stored."""
        return layout.manifest_key(self.object_key)

    def to_bytes(self) -> bytes:
        """The canonical JSON of this manifest."""
        data = {"format": FORMAT, **asdict(self), "record_ids": list(self.record_ids)}
        if self.log_gap_from is None:  # manifests without a hole keep their original bytes
            del data["log_gap_from"]
        return (json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                + "\n").encode("utf-8")

    def link(self) -> ChainLink:
        """The chain link this manifest becomes once stored."""
        return ChainLink(self.key, sha256_hex(self.to_bytes()), self.last_offset)

    @classmethod
    def from_bytes(cls, body: bytes) -> Manifest:
        """Parse a stored manifest; raise ValueError when it is not one."""
        data: dict[str, Any] = json.loads(body)
        if data.pop("format", None) != FORMAT:
            raise ValueError("not a civicmod manifest")
        data["record_ids"] = tuple(data["record_ids"])
        return cls(**data)


def sha256_hex(body: bytes) -> str:
    """The SHA-256 of ``body`` as lowercase hex (what ``sha256sum`` prints)."""
    return hashlib.sha256(body).hexdigest()


def format_time(moment: datetime) -> str:
    """A UTC time as ``YYYY-MM-DDTHH:MM:SSZ`` (seconds: what S3 keeps of a retain-until)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """The inverse of :func:`format_time`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def describe(
    key: str, body: bytes, lines: Sequence[dict[str, Any]], retain_until: datetime | None,
    prev: ChainLink | None, retention: RetentionSeries, log_gap_from: int | None = None,
) -> Manifest:
    """The manifest of the object stored at ``key`` with ``body`` (whose lines are ``lines``);
    ``log_gap_from``: where a hole in the broker's log before its first offset began."""
    topic, partition, _ = layout.coordinates(key)
    return Manifest(
        topic=topic,
        partition=partition,
        object_key=key,
        object_sha256=sha256_hex(body),
        object_bytes=len(body),
        record_count=len(lines),
        first_offset=lines[0]["offset"],
        last_offset=lines[-1]["offset"],
        first_timestamp_ms=lines[0]["timestamp_ms"],
        last_timestamp_ms=max(line["timestamp_ms"] for line in lines),
        series=dict(sorted(Counter(retention.series(line) for line in lines).items())),
        retain_until=format_time(retain_until) if retain_until else None,
        record_ids=tuple(retention.record_id(line) for line in lines),
        prev_manifest_key=prev.manifest_key if prev else None,
        prev_manifest_sha256=prev.manifest_sha256 if prev else None,
        log_gap_from=log_gap_from if log_gap_from is not None
        and log_gap_from < lines[0]["offset"] else None,
    )
