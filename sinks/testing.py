"""Test seams for the archive: an in-memory bucket and a store that fails on purpose.

``MemoryStore`` behaves like the Object Lock bucket as far as the sink, the chain writer and
the verifier can tell: versioned, create-only PUTs (``ObjectExists`` on a current key),
COMPLIANCE retention (the bucket default unless a PUT names a date), legal holds, delete
markers, listings by prefix, partition and ``dt=`` day, ``NoSuchKey`` errors like S3's.
Its ``tamper_*`` and ``set_*`` methods change stored facts as only an attacker, a broken disk
or a misconfigured bucket could, so tests can check that ``verify`` notices.

``FaultyStore`` wraps any store and fails chosen PUTs with a chosen S3 error code, before
the PUT reaches the store or after it (stored, but the caller sees an error).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count

from botocore.exceptions import ClientError

from pipeline.records import utc_now
from sinks import layout
from sinks.store import ObjectExists, ObjectInfo, Store, Version

__all__ = ["FaultyStore", "MemoryStore", "client_error"]


def client_error(code: str, operation: str = "PutObject") -> ClientError:
    """A botocore ``ClientError`` carrying the S3 error ``code``."""
    return ClientError({"Error": {"Code": code, "Message": f"{code} (test)"}}, operation)


@dataclass
class _Entry:
    """One stored version of a key, or a delete marker (``body`` None)."""

    version_id: str
    body: bytes | None
    lock_mode: str | None = None
    retain_until: datetime | None = None
    legal_hold: bool = False
    metadata: dict[str, str] = field(default_factory=dict)

    def info(self) -> ObjectInfo:
        return ObjectInfo(self.version_id, self.lock_mode, self.retain_until, self.legal_hold,
                          dict(self.metadata))


class MemoryStore:
    """An Object Lock bucket in memory with the public interface of ``ArchiveStore``."""

    def __init__(
        self, retention_days: int | None = 1825, clock: Callable[[], datetime] = utc_now
    ) -> None:
        """``retention_days``: the bucket's default COMPLIANCE retention (None: no lock)."""
        self.retention_days = retention_days
        self.clock = clock
        self.entries: dict[str, list[_Entry]] = {}
        """key → its versions and delete markers, oldest first."""
        self.puts = 0
        self._ids = count(1)

    # -- the store interface -------------------------------------------------------------

    def put_create_only(
        self, key: str, body: bytes, first_offset: int, last_offset: int, count: int,
        retain_until: datetime | None = None,
    ) -> str:
        """PUT an archive object only if ``key`` is new; raise ObjectExists if not."""
        metadata = {"first-offset": str(first_offset), "last-offset": str(last_offset),
                    "record-count": str(count), "sha256": hashlib.sha256(body).hexdigest()}
        return self._put(key, body, metadata, retain_until)

    def put_json_create_only(
        self, key: str, body: bytes, retain_until: datetime | None = None
    ) -> str:
        """PUT a JSON document only if ``key`` is new; raise ObjectExists if not."""
        return self._put(key, body, {}, retain_until)

    def partition_keys_desc(self, topic: str, partition: int) -> Iterator[str]:
        """The partition's archive object keys, newest first."""
        for day in sorted(self.days(layout.date_prefix(topic)), reverse=True):
            yield from sorted(self.keys(layout.partition_prefix(topic, day, partition)),
                              reverse=True)

    def keys(self, prefix: str) -> Iterator[str]:
        """Every current key under ``prefix``, in S3's (lexicographic) order."""
        return iter(sorted(k for k, v in self.entries.items()
                           if k.startswith(prefix) and v[-1].body is not None))

    def versions(self, prefix: str) -> Iterator[Version]:
        """Every version and delete marker under ``prefix``, each key's newest first."""
        found: list[Version] = []
        for key in sorted(k for k in self.entries if k.startswith(prefix)):
            entries = self.entries[key]
            for entry in reversed(entries):
                latest = entry is entries[-1]
                found.append(Version(key, entry.version_id, latest, entry.body is None))
        return iter(found)

    def get(self, key: str) -> bytes:
        """The body of ``key``; a ``NoSuchKey`` ClientError when it has no current version."""
        return self.get_with_info(key)[0]

    def get_with_info(self, key: str, version_id: str = "") -> tuple[bytes, ObjectInfo]:
        """The body of ``key`` (or of one version) and its lock facts."""
        entry = self._entry(key, version_id)
        if entry is None or entry.body is None:
            raise client_error("NoSuchKey" if not version_id else "NoSuchVersion", "GetObject")
        return entry.body, entry.info()

    def server_time(self) -> datetime:
        """The bucket's clock (the one its versions are stamped with)."""
        return self.clock()

    def head(self, key: str) -> ObjectInfo | None:
        """The lock facts of the current version of ``key``; None when there is none."""
        entry = self._entry(key, "")
        return entry.info() if entry is not None and entry.body is not None else None

    def get_or_none(self, key: str) -> bytes | None:
        """The body of ``key``, or None when it has no current version."""
        entry = self._entry(key, "")
        return entry.body if entry is not None else None

    def days(self, prefix: str) -> list[date]:
        """The dates of the ``dt=`` folders directly under ``prefix``."""
        folders = {prefix + key[len(prefix):].split("/", 1)[0] + "/"
                   for key in self.keys(prefix) if "/" in key[len(prefix):]}
        return [layout.parse_day(f) for f in sorted(folders) if "dt=" in f]

    # -- what only an attacker, a broken disk or a bad configuration does ----------------

    def place_delete_marker(self, key: str) -> str:
        """Hide ``key`` behind a delete marker (the locked versions survive, as in S3)."""
        version_id = self._next_id()
        self.entries.setdefault(key, []).append(_Entry(version_id, None))
        return version_id

    def overwrite(self, key: str, body: bytes) -> str:
        """Write a new version of ``key`` without create-only (a rewrite S3 would version)."""
        return self._store(key, body, {}, None)

    def tamper_body(self, key: str, body: bytes) -> None:
        """Replace the bytes of the current version in place, leaving no version trace."""
        entry = self._current(key)
        entry.body = body

    def remove_all_versions(self, key: str) -> None:
        """Make ``key`` vanish with every version (a lost object; S3 would refuse while
        locked)."""
        del self.entries[key]

    def set_retention(self, key: str, mode: str | None, retain_until: datetime | None) -> None:
        """Force the lock facts of the current version (shortened or removed retention)."""
        entry = self._current(key)
        entry.lock_mode = mode
        entry.retain_until = _seconds(retain_until) if retain_until else None

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Place or release a legal hold on the current version of ``key``."""
        self._current(key).legal_hold = on

    # -- internals ------------------------------------------------------------------------

    def _put(
        self, key: str, body: bytes, metadata: dict[str, str], retain_until: datetime | None
    ) -> str:
        self.puts += 1
        current = self._entry(key, "")
        if current is not None and current.body is not None:
            raise ObjectExists(key)
        return self._store(key, body, metadata, retain_until)

    def _store(
        self, key: str, body: bytes, metadata: dict[str, str], retain_until: datetime | None
    ) -> str:
        if retain_until is None and self.retention_days is not None:
            retain_until = self.clock() + timedelta(days=self.retention_days)
        entry = _Entry(self._next_id(), bytes(body),
                       "COMPLIANCE" if retain_until is not None else None,
                       _seconds(retain_until) if retain_until is not None else None,
                       metadata=dict(metadata))
        self.entries.setdefault(key, []).append(entry)
        return entry.version_id

    def _entry(self, key: str, version_id: str) -> _Entry | None:
        entries = self.entries.get(key)
        if not entries:
            return None
        if not version_id:
            return entries[-1]
        return next((e for e in entries if e.version_id == version_id), None)

    def _current(self, key: str) -> _Entry:
        entry = self._entry(key, "")
        if entry is None or entry.body is None:
            raise KeyError(key)
        return entry

    def _next_id(self) -> str:
        return f"v{next(self._ids):08d}"


def _seconds(moment: datetime) -> datetime:
    """What S3 keeps of a retain-until date: UTC, whole seconds."""
    return moment.astimezone(UTC).replace(microsecond=0)


class FaultyStore:
    """Wraps a store; the PUTs numbered in ``fail_on`` (1 = the first PUT) fail.

    Each failing PUT raises a ``ClientError`` with ``code``; with ``after_put`` the PUT is
    first passed on (the object is stored, the answer is lost). Reads are passed through.
    Subclasses change what a failure does by overriding :meth:`fail`.
    """

    def __init__(
        self, inner: Store, fail_on: Collection[int] = (1,), code: str = "InternalError",
        after_put: bool = False,
    ) -> None:
        self.inner = inner
        self.fail_on = frozenset(fail_on)
        self.code = code
        self.after_put = after_put
        self.puts = 0
        self.failed: list[str] = []
        """The keys of the PUTs that failed, in order."""

    def fail(self, key: str) -> None:
        """Fail the PUT of ``key``: raise the configured ClientError."""
        raise client_error(self.code)

    def put_create_only(
        self, key: str, body: bytes, first_offset: int, last_offset: int, count: int,
        retain_until: datetime | None = None,
    ) -> str:
        """PUT an archive object through the inner store, failing when its number is due."""
        return self._put(key, lambda: self.inner.put_create_only(
            key, body, first_offset, last_offset, count, retain_until))

    def put_json_create_only(
        self, key: str, body: bytes, retain_until: datetime | None = None
    ) -> str:
        """PUT a JSON document through the inner store, failing when its number is due."""
        return self._put(key, lambda: self.inner.put_json_create_only(key, body, retain_until))

    def partition_keys_desc(self, topic: str, partition: int) -> Iterator[str]:
        """Passed through."""
        return self.inner.partition_keys_desc(topic, partition)

    def keys(self, prefix: str) -> Iterator[str]:
        """Passed through."""
        return self.inner.keys(prefix)

    def versions(self, prefix: str) -> Iterator[Version]:
        """Passed through."""
        return self.inner.versions(prefix)

    def get(self, key: str) -> bytes:
        """Passed through."""
        return self.inner.get(key)

    def get_with_info(self, key: str, version_id: str = "") -> tuple[bytes, ObjectInfo]:
        """Passed through."""
        return self.inner.get_with_info(key, version_id)

    def server_time(self) -> datetime:
        """The inner store's clock."""
        return self.inner.server_time()

    def head(self, key: str) -> ObjectInfo | None:
        """Passed through."""
        return self.inner.head(key)

    def get_or_none(self, key: str) -> bytes | None:
        """Passed through."""
        return self.inner.get_or_none(key)

    def days(self, prefix: str) -> list[date]:
        """Passed through."""
        return self.inner.days(prefix)

    def _put(self, key: str, put: Callable[[], str]) -> str:
        self.puts += 1
        if self.puts not in self.fail_on:
            return put()
        if self.after_put:
            put()
        self.failed.append(key)
        self.fail(key)
        raise RuntimeError(f"{type(self).__name__}.fail returned instead of failing")

