"""The archive bucket: create-only PUTs, object lock facts, listings by partition and version."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from botocore.exceptions import ClientError

from sinks import layout

NOT_FOUND = {"404", "NoSuchKey", "NotFound", "NoSuchVersion"}


class ObjectExists(Exception):
    """A create-only PUT found the key already written."""


@dataclass(frozen=True)
class ObjectInfo:
    """What S3 says about the current version of a key: lock, hold, metadata."""

    version_id: str
    lock_mode: str | None
    retain_until: datetime | None
    legal_hold: bool
    metadata: dict[str, str]


@dataclass(frozen=True)
class Version:
    """One entry of a version listing: an object version or a delete marker."""

    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool
    last_modified: datetime | None = None


def error_code(exc: ClientError) -> str:
    """The S3 error code of a failed call ("" when the response has none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def info_of(response: dict[str, Any]) -> ObjectInfo:
    """The lock facts of a HEAD or GET response."""
    until = response.get("ObjectLockRetainUntilDate")
    return ObjectInfo(
        version_id=str(response.get("VersionId", "")),
        lock_mode=response.get("ObjectLockMode"),
        retain_until=until.astimezone(UTC) if until is not None else None,
        legal_hold=response.get("ObjectLockLegalHoldStatus") == "ON",
        metadata=dict(response.get("Metadata", {})),
    )


class Store(Protocol):
    """What the sink, :class:`~sinks.chain.ChainWriter` and the verifier need from the
    archive bucket; :class:`ArchiveStore` is the S3 one, ``sinks.testing`` has in-memory ones."""

    def put_create_only(
        self, key: str, body: bytes, first_offset: int, last_offset: int, count: int,
        retain_until: datetime | None = None,
    ) -> str:
        """PUT an archive object only if ``key`` is new; raise :class:`ObjectExists` if not."""
        ...

    def put_json_create_only(
        self, key: str, body: bytes, retain_until: datetime | None = None
    ) -> str:
        """PUT a JSON document only if ``key`` is new; raise :class:`ObjectExists` if not."""
        ...

    def partition_keys_desc(self, topic: str, partition: int) -> Iterator[str]:
        """The partition's archive object keys, newest first."""
        ...

    def keys(self, prefix: str) -> Iterator[str]:
        """Every current key under ``prefix``."""
        ...

    def versions(self, prefix: str) -> Iterator[Version]:
        """Every version and delete marker under ``prefix``."""
        ...

    def get(self, key: str) -> bytes:
        """The body of ``key``; a ``NoSuchKey`` ClientError when it has no current version."""
        ...

    def get_with_info(self, key: str, version_id: str = "") -> tuple[bytes, ObjectInfo]:
        """The body of ``key`` (or of one version) and its lock facts."""
        ...

    def head(self, key: str) -> ObjectInfo | None:
        """The lock facts of the current version of ``key``; None when there is none."""
        ...

    def server_time(self) -> datetime:
        """The store's clock now, in UTC (what its ``LastModified`` times compare with)."""
        ...

    def get_or_none(self, key: str) -> bytes | None:
        """The body of ``key``, or None when it has no current version."""
        ...

    def days(self, prefix: str) -> list[date]:
        """The dates of the ``dt=`` folders directly under ``prefix``."""
        ...


class ArchiveStore:
    """Reads and writes archive objects through one S3 client."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put_create_only(
        self, key: str, body: bytes, first_offset: int, last_offset: int, count: int,
        retain_until: datetime | None = None,
    ) -> str:
        """PUT an archive object at ``key`` with a SHA-256 checksum, only if the key is new.

        ``retain_until`` sets its COMPLIANCE retention (default: the bucket's). Returns the
        version id; raises :class:`ObjectExists` when the key exists (``If-None-Match: *``).
        """
        digest = hashlib.sha256(body).hexdigest()
        metadata = {
            "first-offset": str(first_offset),
            "last-offset": str(last_offset),
            "record-count": str(count),
            "sha256": digest,
        }
        return self._put(key, body, "application/x-ndjson", "gzip", metadata, retain_until)

    def put_json_create_only(
        self, key: str, body: bytes, retain_until: datetime | None = None
    ) -> str:
        """PUT a JSON document (manifest, chain head) create-only; see :meth:`put_create_only`."""
        return self._put(key, body, "application/json", None, {}, retain_until)

    def _put(
        self, key: str, body: bytes, content_type: str, encoding: str | None,
        metadata: dict[str, str], retain_until: datetime | None,
    ) -> str:
        extra: dict[str, Any] = {"ContentEncoding": encoding} if encoding else {}
        if retain_until is not None:
            extra["ObjectLockMode"] = "COMPLIANCE"
            extra["ObjectLockRetainUntilDate"] = retain_until
        try:
            response = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                ChecksumSHA256=base64.b64encode(hashlib.sha256(body).digest()).decode("ascii"),
                IfNoneMatch="*",
                Metadata=metadata,
                **extra,
            )
        except ClientError as exc:
            if error_code(exc) in {"PreconditionFailed", "412"}:
                raise ObjectExists(key) from exc
            raise
        return str(response.get("VersionId", ""))

    def partition_keys_desc(self, topic: str, partition: int) -> Iterator[str]:
        """The partition's archive object keys, newest first (dates move forward per partition)."""
        for day in sorted(self.days(layout.date_prefix(topic)), reverse=True):
            yield from sorted(self.keys(layout.partition_prefix(topic, day, partition)),
                              reverse=True)

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix``."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def versions(self, prefix: str) -> Iterator[Version]:
        """Every version and delete marker under ``prefix``."""
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Versions", []):
                yield Version(item["Key"], item["VersionId"], item["IsLatest"], False,
                              _utc(item.get("LastModified")))
            for item in page.get("DeleteMarkers", []):
                yield Version(item["Key"], item["VersionId"], item["IsLatest"], True,
                              _utc(item.get("LastModified")))

    def server_time(self) -> datetime:
        """The S3 server's clock now (its ``Date`` header, to the second), in UTC.

        A cut taken with the server's clock compares safely with the ``LastModified`` times
        it reports, whatever the skew of the local clock.
        """
        response = self.client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
        header = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
        if not header:
            return datetime.now(UTC).replace(microsecond=0)
        return parsedate_to_datetime(header).astimezone(UTC)

    def get(self, key: str) -> bytes:
        """The body of the object at ``key``."""
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def get_with_info(self, key: str, version_id: str = "") -> tuple[bytes, ObjectInfo]:
        """The body of ``key`` (or of one version of it) and its lock facts, in one GET."""
        extra = {"VersionId": version_id} if version_id else {}
        response = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
        return response["Body"].read(), info_of(response)

    def head(self, key: str) -> ObjectInfo | None:
        """The lock facts of the current version of ``key``; None when there is none."""
        try:
            return info_of(self.client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as exc:
            if error_code(exc) in NOT_FOUND:
                return None
            raise

    def get_or_none(self, key: str) -> bytes | None:
        """The body of ``key``, or None when the key has no current version."""
        try:
            return self.get(key)
        except ClientError as exc:
            if error_code(exc) in NOT_FOUND:
                return None
            raise

    def days(self, prefix: str) -> list[date]:
        """The dates of the ``dt=`` folders directly under ``prefix``."""
        paginator = self.client.get_paginator("list_objects_v2")
        days = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                if "dt=" in common["Prefix"]:
                    days.append(layout.parse_day(common["Prefix"]))
        return days


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None
