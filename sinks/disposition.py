"""Disposition: find archive objects past retention and not held; expire them on request.

An object is due when every record in it has passed its series' retention, counted from the
UTC day after the record was archived (a comment a moderator removed later counts as a
removed comment), and is overdue ``disposal_grace_days`` after that. It is eligible when it
is due, its Object Lock retain-until has passed, no active hold covers any of its records
and S3 shows no legal hold. Expiring writes a disposal record into the archive first (what,
under which schedule, by whom, when), then deletes every version of each object. Manifests
stay: the hash chain still proves what existed, and ``verify`` accounts for disposed objects.
The records series (holds, releases, disposals) is never disposed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
from botocore.exceptions import ClientError

from pipeline.records import utc_now
from pipeline.settings import Settings
from sinks.holds import active_holds, held_objects
from sinks.records_log import actor, append_records
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore


@dataclass(frozen=True)
class Candidate:
    """One archive object past its retention."""

    key: str
    manifest_key: str
    sha256: str
    record_count: int
    series: tuple[str, ...]
    due: date
    overdue: bool
    retain_until: datetime | None


@dataclass
class Review:
    """What disposition found: eligible objects, and those kept back with the reason."""

    eligible: list[Candidate]
    held: list[Candidate]
    locked: list[Candidate]


_DUE_SQL = """
WITH removed AS (
    SELECT DISTINCT comment_id FROM events WHERE kind = 'action' AND action = 'remove'),
per_line AS (
    SELECT l.object_key,
           CASE WHEN l.kind = 'verdict' AND (l.record->>'action' = 'remove'
                                              OR l.comment_id IN (SELECT * FROM removed))
                     THEN 'removed_comments'
                WHEN l.kind = 'verdict' THEN 'comments'
                WHEN l.kind = 'deadletter' THEN 'dead_letters'
                ELSE 'actions' END AS series,
           CAST(to_timestamp(l.timestamp_ms / 1000.0) AT TIME ZONE 'UTC' AS DATE) AS day
    FROM lines l)
SELECT o.key, o.manifest_key, o.sha256, o.record_count, o.retain_until,
       list_sort(list_distinct(list(p.series))) AS series,
       max(p.day + 1 + CASE p.series WHEN 'comments' THEN $1 WHEN 'removed_comments' THEN $2
                                     WHEN 'actions' THEN $3 ELSE $4 END) AS due
FROM objects o JOIN per_line p ON p.object_key = o.key
WHERE NOT o.disposed AND o.topic <> $5
GROUP BY ALL
HAVING max(p.day + 1 + CASE p.series WHEN 'comments' THEN $1 WHEN 'removed_comments' THEN $2
                                     WHEN 'actions' THEN $3 ELSE $4 END) <= $6
ORDER BY due, o.key
"""


def review(
    db: duckdb.DuckDBPyConnection, store: ArchiveStore, settings: Settings, now: datetime
) -> Review:
    """Every object past its retention, sorted into eligible, held and still locked."""
    retention = RetentionSeries(settings).retention
    days = [retention[s].days for s in ("comments", "removed_comments", "actions",
                                        "dead_letters")]
    rows = db.execute(_DUE_SQL, [*days, settings.archive.records_topic, now.date()]).fetchall()
    grace = timedelta(days=settings.archive.disposal_grace_days)
    held_keys = held_objects(db, active_holds(db))
    found = Review([], [], [])
    for key, manifest_key, sha, count, until, series, due in rows:
        candidate = Candidate(key, manifest_key, sha, count, tuple(series), due,
                              due + grace < now.date(), until)
        info = store.head(key) if key not in held_keys else None
        if key in held_keys or (info is not None and info.legal_hold):
            found.held.append(candidate)
        elif info is None:
            continue  # already gone: the next index update applies its disposal record
        elif info.retain_until is not None and info.retain_until > now:
            found.locked.append(candidate)
        else:
            found.eligible.append(candidate)
    return found


def dispose(
    store: ArchiveStore, settings: Settings, candidates: list[Candidate], reason: str
) -> tuple[str, list[str]]:
    """Archive a disposal record for ``candidates``, then delete every version of each.

    Returns the record's object key and the keys that could not be deleted (they stay
    listed as disposed-to-be: run disposition again).
    """
    retention = RetentionSeries(settings).retention
    record: dict[str, Any] = {
        "kind": "disposal", "disposal_id": f"disposal-{uuid.uuid4().hex[:12]}",
        "at": utc_now().isoformat(), "by": actor(), "reason": reason,
        "objects": [{
            "key": c.key, "manifest_key": c.manifest_key, "sha256": c.sha256,
            "record_count": c.record_count, "series": list(c.series), "due": c.due.isoformat(),
            "schedules": sorted({retention[s].schedule for s in c.series}),
        } for c in candidates],
    }
    written = append_records(store, settings, [record])
    failed = []
    for candidate in candidates:
        try:
            for version in store.versions(candidate.key):
                if version.key == candidate.key:
                    store.client.delete_object(Bucket=store.bucket, Key=candidate.key,
                                               VersionId=version.version_id)
        except ClientError:
            failed.append(candidate.key)
    return written, failed
