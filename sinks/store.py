"""The archive bucket as the sink sees it: create-only PUTs and per-partition high-water marks."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from sinks import layout


class ObjectExists(Exception):
    """A create-only PUT found the key already written."""


@dataclass(frozen=True)
class HighWaterMark:
    """The last archived offset of a partition and the date folder it was written under."""

    last_offset: int
    day: date


class ArchiveStore:
    """Reads and writes archive objects through one S3 client."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put_create_only(
        self, key: str, body: bytes, first_offset: int, last_offset: int, count: int
    ) -> None:
        """PUT ``body`` at ``key`` with a SHA-256 checksum, only if the key is new.

        Raises :class:`ObjectExists` when it is not (``If-None-Match: *``).
        """
        digest = hashlib.sha256(body).digest()
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType="application/x-ndjson",
                ContentEncoding="gzip",
                ChecksumSHA256=base64.b64encode(digest).decode("ascii"),
                IfNoneMatch="*",
                Metadata={
                    "first-offset": str(first_offset),
                    "last-offset": str(last_offset),
                    "record-count": str(count),
                    "sha256": digest.hex(),
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"PreconditionFailed", "412"}:
                raise ObjectExists(key) from exc
            raise

    def last_offset_of(self, key: str) -> int:
        """The last Kafka offset held by the object at ``key`` (from its metadata)."""
        head = self.client.head_object(Bucket=self.bucket, Key=key)
        return int(head["Metadata"]["last-offset"])

    def high_water_mark(self, topic: str, partition: int) -> HighWaterMark | None:
        """The partition's last archived offset, read from the bucket itself (None: nothing)."""
        for day in sorted(self._days(topic), reverse=True):
            keys = list(self.keys(layout.partition_prefix(topic, day, partition)))
            if keys:
                return HighWaterMark(self.last_offset_of(max(keys)), day)
        return None

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix``."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def get(self, key: str) -> bytes:
        """The body of the object at ``key``."""
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def _days(self, topic: str) -> list[date]:
        paginator = self.client.get_paginator("list_objects_v2")
        days = []
        for page in paginator.paginate(
            Bucket=self.bucket, Prefix=layout.date_prefix(topic), Delimiter="/"
        ):
            for common in page.get("CommonPrefixes", []):
                if "dt=" in common["Prefix"]:
                    days.append(layout.parse_day(common["Prefix"]))
        return days
