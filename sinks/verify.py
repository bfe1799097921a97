"""``archive verify``: prove that nothing archived was removed, altered, unlocked or forged.

For every series and date folder in range it lists all versions (delete markers and rewritten
keys show there), reads every manifest and every object, recomputes SHA-256 and record ids,
checks Object Lock (COMPLIANCE, retain-until no earlier than the manifest says), walks each
partition's hash chain and offsets, and checks the archived chain heads against the chains.
Objects removed by a recorded disposal are accounted for, not reported.

A live archive is verified on a consistent cut: the manifests are listed first (the cut, at
the S3 server's time), and only then the data objects. The sink PUTs an object before its
manifest, so every object a manifest of the cut names was in the bucket before the cut and
must be found (else it is *missing*: a failure). Objects beyond the cut's end of their
partition's chain, written after the cut or still waiting for their manifest, are out of
scope: counted and named in a note, never a failure. A later run includes them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sinks import layout
from sinks.inventory import Inventory, take
from sinks.jsonl import deserialize
from sinks.manifest import Manifest, parse_time, sha256_hex
from sinks.records_log import archived_records
from sinks.series import RetentionSeries
from sinks.store import ObjectInfo, Store

THREADS = 8
STALE_PENDING = timedelta(minutes=1)
CHUNK = 64


@dataclass(frozen=True)
class Problem:
    """One verification failure: what kind, which key, and a sentence naming it."""

    kind: str
    key: str
    message: str


@dataclass
class Report:
    """The outcome of a verification run."""

    since: str | None
    until: str | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    objects: int = 0
    records: int = 0
    manifests: int = 0
    partitions: int = 0
    chain_heads: int = 0
    disposed: int = 0
    cut: str | None = None
    """When the manifests were listed (S3 server time, ISO 8601)."""
    out_of_scope: int = 0
    """Data objects beyond the cut: written after it, or their manifest not yet written."""

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def add(self, kind: str, key: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(kind, key, message))

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return {**asdict(self), "ok": self.ok}


@dataclass(frozen=True)
class Cut:
    """The manifests in range, listed at one moment: what a verification run covers."""

    at: datetime
    since: date | None
    until: date | None
    manifests: Inventory


@dataclass(frozen=True)
class _Stored:
    manifest: Manifest
    sha256: str


class Verifier:
    """Verifies the archive of one set of retention series through one store (read-only)."""

    def __init__(self, store: Store, retention: RetentionSeries) -> None:
        self.store = store
        self.retention = retention

    def run(self, since: date | None = None, until: date | None = None) -> Report:
        """Verify the date folders from ``since`` to ``until`` (inclusive; None: unbounded)."""
        return self.check(self.cut(since, until))

    def cut(self, since: date | None = None, until: date | None = None) -> Cut:
        """List every manifest in range, now: the consistent cut :meth:`check` verifies."""
        at = self.store.server_time()
        prefixes = [p for topic in self.retention.topics
                    for p in self._prefixes(f"{layout.MANIFEST_ROOT}{topic}/", since, until)]
        return Cut(at, since, until, take(self.store, prefixes))

    def check(self, cut: Cut) -> Report:
        """Verify the cut: the objects its manifests name, chains, locks, chain heads."""
        since, until = cut.since, cut.until
        report = Report(since.isoformat() if since else None,
                        until.isoformat() if until else None, cut=cut.at.isoformat())
        prefixes = [p for topic in self.retention.topics
                    for p in self._prefixes(layout.date_prefix(topic), since, until)]
        inventory = Inventory()
        inventory.merge(cut.manifests)
        inventory.merge(take(self.store, prefixes))  # after the cut: a superset of its objects
        self._report_versions(inventory, report)
        stored = self._read_manifests(inventory, report)
        report.manifests = len(stored)
        self._check_objects(stored, inventory, self._disposed(), report)
        self._check_orphans(stored, inventory, cut.at, report)
        report.partitions = len(self._check_chains(stored, since, report))
        self._check_chain_heads(stored, since, until, report)
        return report

    def run_objects(self, keys: Iterable[str]) -> Report:
        """Verify some archive objects: their versions, hashes and locks, their manifests,
        and each manifest's link to the manifest before it (for an export's sources)."""
        report = Report(None, None)
        wanted = sorted(set(keys))
        inventory = Inventory()
        for key in wanted:
            for exact in (layout.manifest_key(key), key):  # the manifest first: a cut
                inventory.add(v for v in self.store.versions(exact) if v.key == exact)
        self._report_versions(inventory, report)
        stored = self._read_manifests(inventory, report)
        report.manifests = len(stored)
        self._check_objects(stored, inventory, self._disposed(), report)
        for key in wanted:
            item = stored.get(layout.manifest_key(key))
            if item is None:
                report.add("orphan", key, f"{key} has no manifest")
            elif item.manifest.prev_manifest_key is not None:
                previous = self.store.get_or_none(item.manifest.prev_manifest_key)
                if _sha_or_none(previous) != item.manifest.prev_manifest_sha256:
                    report.add("chain", item.manifest.key,
                               f"{item.manifest.key} follows {item.manifest.prev_manifest_key}"
                               ", which is missing or altered: the chain is broken")
        report.partitions = len({(s.manifest.topic, s.manifest.partition)
                                 for s in stored.values()})
        return report

    def _prefixes(self, root: str, since: date | None, until: date | None) -> list[str]:
        return [f"{root}dt={day.isoformat()}/" for day in self.store.days(root)
                if (since is None or day >= since) and (until is None or day <= until)]

    def _report_versions(self, inventory: Inventory, report: Report) -> None:
        for key, survivors in sorted(inventory.hidden.items()):
            kept = f"; its locked version {survivors[-1]} survives" if survivors else ""
            report.add("delete-marker", key, f"{key} is hidden by a delete marker{kept}")
        for key, count in sorted(inventory.markers.items()):
            if key not in inventory.hidden:
                report.add("delete-marker", key,
                           f"{key} had {count} delete marker(s) and was written again after")
        for key in sorted(inventory.originals):
            report.add("rewritten", key,
                       f"{key} has more than one version: it was written again after archiving")

    def _disposed(self) -> dict[str, str]:
        return {o["key"]: o["sha256"]
                for record in archived_records(self.store, self.retention.records)
                if record.get("kind") == "disposal" for o in record.get("objects", [])}

    def _read_manifests(self, inventory: Inventory, report: Report) -> dict[str, _Stored]:
        keys = sorted(k for k in inventory.current if k.startswith(layout.MANIFEST_ROOT))
        stored: dict[str, _Stored] = {}
        for key, (body, info) in zip(keys, _parallel(self.store.get_with_info, keys),
                                     strict=True):
            try:
                manifest = Manifest.from_bytes(body)
            except (ValueError, TypeError, KeyError):
                report.add("forged", key, f"{key} is not a valid manifest")
                continue
            if manifest.key != key:
                report.add("forged", key, f"{key} describes {manifest.object_key}, "
                                          "which does not belong at this key")
                continue
            if info.lock_mode != "COMPLIANCE":
                report.add("unlocked", key, f"manifest {key} is not under COMPLIANCE lock")
            stored[key] = _Stored(manifest, sha256_hex(body))
        return stored

    def _check_objects(
        self, stored: dict[str, _Stored], inventory: Inventory, disposed: dict[str, str],
        report: Report,
    ) -> None:
        present = [s.manifest for s in stored.values() if s.manifest.object_key in
                   inventory.current]
        for item in stored.values():
            key = item.manifest.object_key
            if key in inventory.current or key in inventory.hidden:
                continue
            if self.store.head(key) is not None:  # not listed, yet there: check it directly
                present.append(item.manifest)
            elif disposed.get(key) == item.manifest.object_sha256:
                report.disposed += 1
            else:
                report.add("missing", key,
                           f"{key} is missing; its manifest {item.manifest.key} lists "
                           f"{item.manifest.record_count} records")
        keys = [m.object_key for m in present]
        for manifest, (body, info) in zip(present, _parallel(self.store.get_with_info, keys),
                                          strict=True):
            self._check_object(manifest, body, info, report)
            report.objects += 1
            report.records += manifest.record_count

    def _check_object(
        self, manifest: Manifest, body: bytes, info: ObjectInfo, report: Report
    ) -> None:
        key = manifest.object_key
        digest = sha256_hex(body)
        if digest != manifest.object_sha256:
            report.add("altered", key, f"{key} has SHA-256 {digest}, its manifest records "
                                       f"{manifest.object_sha256}")
            return
        lines = list(deserialize(body))
        ids = tuple(self.retention.record_id(line) for line in lines)
        offsets = (lines[0]["offset"], lines[-1]["offset"]) if lines else (None, None)
        if ids != manifest.record_ids or offsets != (manifest.first_offset,
                                                     manifest.last_offset):
            report.add("forged", manifest.key,
                       f"manifest {manifest.key} lists records or offsets that {key} lacks")
        if info.lock_mode != "COMPLIANCE" or info.retain_until is None:
            report.add("unlocked", key, f"{key} is not under COMPLIANCE lock")
        elif manifest.retain_until and info.retain_until < parse_time(manifest.retain_until):
            report.add("unlocked", key, f"{key} is retained only until "
                                        f"{info.retain_until:%Y-%m-%d}, its manifest says "
                                        f"{manifest.retain_until}")

    def _check_orphans(
        self, stored: dict[str, _Stored], inventory: Inventory, cut: datetime, report: Report
    ) -> None:
        """Objects no manifest of the cut names: out of scope beyond the cut, else orphans.

        Beyond the cut means after the last offset of its partition's chain in the cut, and
        either written at or after the cut (server time) or the partition's next object,
        written before the cut while its manifest was not yet (the sink writes it next).
        """
        described = {s.manifest.object_key for s in stored.values()}
        data = [k for k in inventory.current if not k.startswith(layout.MANIFEST_ROOT)]
        tails: dict[tuple[str, int] | None, int] = {}
        for item in stored.values():
            chain = (item.manifest.topic, item.manifest.partition)
            tails[chain] = max(tails.get(chain, -1), item.manifest.last_offset)
        for key in sorted(set(data) - described):
            where = _partition_of(key)
            first = layout.coordinates(key)[2] if where else -1
            tail = tails.get(where, -1)
            written = inventory.modified.get(key)
            after = written is not None and written >= cut
            if where and first > tail and (after or first == tail + 1):
                report.out_of_scope += 1
                if written is not None and written < cut - STALE_PENDING:
                    report.notes.append(
                        f"{key} has had no manifest since {written:%Y-%m-%d %H:%M:%S}Z: the "
                        "sink stopped between its two PUTs and writes the manifest when the "
                        "partition is next assigned")
            else:
                report.add("orphan", key, f"{key} has no manifest: it was not archived by "
                                          "the sink, or its manifest was removed")
        if report.out_of_scope:
            report.notes.append(
                f"{report.out_of_scope} object(s) beyond the cut at {cut.isoformat()} (written "
                "after it, or before their manifest) are out of scope: verify again to include "
                "them")

    def _check_chains(
        self, stored: dict[str, _Stored], since: date | None, report: Report
    ) -> dict[tuple[str, int], list[_Stored]]:
        chains: dict[tuple[str, int], list[_Stored]] = defaultdict(list)
        for item in stored.values():
            chains[(item.manifest.topic, item.manifest.partition)].append(item)
        for (topic, partition), chain in sorted(chains.items()):
            chain.sort(key=lambda s: (s.manifest.first_offset, s.manifest.key))
            self._check_start(chain[0], stored, since, report)
            for before, after in pairwise(chain):
                self._check_link(before, after, topic, partition, report)
        return chains

    def _check_start(
        self, first: _Stored, stored: dict[str, _Stored], since: date | None, report: Report
    ) -> None:
        manifest = first.manifest
        prev = manifest.prev_manifest_key
        if prev is None:
            if manifest.first_offset != 0 and since is None and manifest.log_gap_from == 0:
                report.notes.append(_hole(manifest))
            elif manifest.first_offset != 0 and since is None:
                report.add("gap", manifest.key, f"{manifest.key} starts its chain at offset "
                                                f"{manifest.first_offset}, not 0")
            return
        if since is not None and layout.day_of_key(prev) < since:
            body = self.store.get_or_none(prev)
            if body is not None and sha256_hex(body) == manifest.prev_manifest_sha256:
                return
        report.add("chain", manifest.key, f"{manifest.key} follows {prev}, which is missing "
                                          "or altered: the chain is broken")

    def _check_link(
        self, before: _Stored, after: _Stored, topic: str, partition: int, report: Report
    ) -> None:
        b, a = before.manifest, after.manifest
        if a.first_offset > b.last_offset + 1 and a.log_gap_from == b.last_offset + 1:
            report.notes.append(_hole(a))
        elif a.first_offset > b.last_offset + 1:
            report.add("gap", a.key, f"offsets {b.last_offset + 1}–{a.first_offset - 1} of "
                                     f"{topic}[{partition}] are in no manifest (before "
                                     f"{a.key})")
        elif a.first_offset <= b.last_offset:
            report.add("overlap", a.key, f"{a.key} repeats offsets of {b.key}: one of them "
                                         "is forged")
        if (a.prev_manifest_key, a.prev_manifest_sha256) != (b.key, before.sha256):
            report.add("chain", a.key, f"chain broken between {b.key} and {a.key}: {a.key} "
                                       f"records previous {a.prev_manifest_key} with SHA-256 "
                                       f"{a.prev_manifest_sha256}, the chain has {before.sha256}")

    def _check_chain_heads(
        self, stored: dict[str, _Stored], since: date | None, until: date | None,
        report: Report,
    ) -> None:
        topics = set(self.retention.topics)
        for key in self._chain_head_keys(since, until):
            body = self.store.get_or_none(key)
            if body is None:
                continue
            report.chain_heads += 1
            for head in json.loads(body).get("heads", []):
                if head["topic"] not in topics:
                    continue
                target = head["manifest_key"]
                found = stored.get(target)
                digest = found.sha256 if found else _sha_or_none(self.store.get_or_none(target))
                if digest != head["manifest_sha256"]:
                    state = "is missing" if digest is None else f"has SHA-256 {digest}"
                    report.add("chain-head", key,
                               f"chain head {key} records {target} with SHA-256 "
                               f"{head['manifest_sha256']}, but it {state}")

    def _chain_head_keys(self, since: date | None, until: date | None) -> Iterable[str]:
        for day in sorted(self.store.days(layout.CHAIN_HEAD_ROOT)):
            if (since is None or day >= since) and (until is None or day <= until):
                yield from sorted(self.store.keys(f"{layout.CHAIN_HEAD_ROOT}dt={day}/"))


def _partition_of(key: str) -> tuple[str, int] | None:
    """The (topic, partition) of a data or manifest key; None when the name is not ours."""
    data = layout.data_key_of(key) if key.startswith(layout.MANIFEST_ROOT) else key
    try:
        topic, partition, _ = layout.coordinates(data)
    except ValueError:
        return None
    return topic, partition


def _sha_or_none(body: bytes | None) -> str | None:
    return sha256_hex(body) if body is not None else None


def _parallel(
    call: Callable[[str], tuple[bytes, ObjectInfo]], keys: list[str]
) -> Iterable[tuple[bytes, ObjectInfo]]:
    """``call`` on every key, THREADS at a time, in order; a bounded number held in memory."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for start in range(0, len(keys), CHUNK):
            yield from pool.map(call, keys[start:start + CHUNK])


def _hole(manifest: Manifest) -> str:
    """The note for a hole in the broker's log that the sink declared in ``manifest``."""
    return (f"offsets {manifest.log_gap_from}–{manifest.first_offset - 1} of "
            f"{manifest.topic}[{manifest.partition}] were not in the broker's log when the sink "
            f"read it (declared in {manifest.key}; a broker crash leaves such holes)")
