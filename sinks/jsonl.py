"""The archive's record format: gzip-compressed JSON Lines, one Kafka record a line."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ArchivedRecord:
    """One Kafka record with its coordinates, as it is written to the archive."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes

    def to_line(self) -> dict[str, Any]:
        """The JSON object of this record's archive line (the value parsed when it is JSON)."""
        line: dict[str, Any] = {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "timestamp_ms": self.timestamp_ms,
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
        }
        try:
            record = json.loads(self.value)
            json.dumps(record, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
            line["record"] = record
        except ValueError:  # not JSON, or JSON that cannot be written back as UTF-8
            line["raw_base64"] = base64.b64encode(self.value).decode("ascii")
        return line


def serialize(records: Sequence[ArchivedRecord]) -> bytes:
    """Gzip the JSON Lines of ``records`` (deterministic: no timestamp in the gzip header)."""
    return serialize_lines([r.to_line() for r in records])


def serialize_lines(lines: Sequence[dict[str, Any]]) -> bytes:
    """Gzip archive lines already built by :meth:`ArchivedRecord.to_line` (deterministic)."""
    text = "".join(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines
    )
    return gzip.compress(text.encode("utf-8"), mtime=0)


def deserialize(body: bytes) -> Iterator[dict[str, Any]]:
    """The archive lines of one object, parsed."""
    for line in gzip.decompress(body).decode("utf-8").splitlines():
        if line:
            yield json.loads(line)
