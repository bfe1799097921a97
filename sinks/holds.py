"""Legal holds: on a comment or on everything by an author, recorded in the archive and set as
S3 Object Lock legal holds on every version of every object holding the affected records.

A hold is itself archived (a ``hold`` record in the records series) before any S3 legal hold
is set, and its release (a ``release`` record) before any is lifted. An object's S3 legal
hold is lifted only when no other active hold covers any of its records. Disposition also
reads the active holds from the archive, so records archived after a hold are kept too.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.records import utc_now
from pipeline.settings import Settings
from sinks.records_log import actor, append_records
from sinks.store import ArchiveStore


@dataclass(frozen=True)
class Hold:
    """An active legal hold: on one comment, or on every comment of one author."""

    hold_id: str
    comment_id: str | None
    author_id: str | None
    reason: str


def active_holds(db: duckdb.DuckDBPyConnection) -> list[Hold]:
    """Every hold archived and not released, oldest first."""
    rows = db.execute(
        "SELECT hold_id, comment_id, author_id, record->>'reason' FROM events h "
        "WHERE kind = 'hold' AND NOT EXISTS (SELECT 1 FROM events r WHERE r.kind = 'release' "
        "AND r.hold_id = h.hold_id) ORDER BY happened_at, \"offset\"").fetchall()
    return [Hold(*row) for row in rows]


def held_objects(db: duckdb.DuckDBPyConnection, holds: list[Hold]) -> set[str]:
    """The archive objects holding a record that one of ``holds`` covers (verdicts and the
    moderation actions on those comments)."""
    if not holds:
        return set()
    comments = [h.comment_id for h in holds if h.comment_id]
    authors = [h.author_id for h in holds if h.author_id]
    rows = db.execute(
        "WITH ids AS (SELECT unnest(?::VARCHAR[]) AS comment_id UNION "
        "SELECT comment_id FROM lines WHERE kind = 'verdict' AND list_contains(?, author_id)) "
        "SELECT DISTINCT object_key FROM lines WHERE kind IN ('verdict', 'action') "
        "AND comment_id IN (SELECT comment_id FROM ids)", [comments, authors]).fetchall()
    return {row[0] for row in rows}


def set_hold(
    store: ArchiveStore, settings: Settings, db: duckdb.DuckDBPyConnection,
    comment_id: str | None, author_id: str | None, reason: str, by: str = "",
) -> tuple[Hold, set[str]]:
    """Archive a new hold, then set S3 legal holds; return it and the objects now held.

    ``by`` names who set it (default: the operating-system user running the command)."""
    if bool(comment_id) == bool(author_id):
        raise ValueError("a hold is on one comment or on one author")
    hold = Hold(f"hold-{uuid.uuid4().hex[:12]}", comment_id, author_id, reason)
    record: dict[str, Any] = {"kind": "hold", "hold_id": hold.hold_id, "reason": reason,
                              "by": by or actor(), "at": utc_now().isoformat()}
    record.update({"comment_id": comment_id} if comment_id else {"author_id": author_id})
    append_records(store, settings, [record])
    objects = held_objects(db, [hold])
    for key in sorted(objects):
        _legal_hold(store, key, on=True)
    return hold, objects


def release_holds(
    store: ArchiveStore, settings: Settings, db: duckdb.DuckDBPyConnection,
    holds: list[Hold], reason: str, by: str = "",
) -> set[str]:
    """Archive the release of ``holds``, then lift S3 legal holds no other hold needs."""
    if not holds:
        return set()
    now = utc_now().isoformat()
    append_records(store, settings, [
        {"kind": "release", "hold_id": h.hold_id, "reason": reason, "by": by or actor(),
         "at": now}
        for h in holds])
    released = {h.hold_id for h in holds}
    remaining = [h for h in active_holds(db) if h.hold_id not in released]
    freed = held_objects(db, holds) - held_objects(db, remaining)
    for key in sorted(freed):
        _legal_hold(store, key, on=False)
    return freed


def matching(holds: list[Hold], hold_id: str, comment_id: str, author_id: str) -> list[Hold]:
    """The holds selected by id, comment or author (empty selectors match nothing)."""
    return [h for h in holds if (hold_id and h.hold_id == hold_id)
            or (comment_id and h.comment_id == comment_id)
            or (author_id and h.author_id == author_id)]


def describe(hold: Hold) -> str:
    """One line naming a hold and what it covers."""
    scope = f"comment {hold.comment_id}" if hold.comment_id else f"author {hold.author_id}"
    return f"{hold.hold_id} on {scope}: {json.dumps(hold.reason)}"


def _legal_hold(store: ArchiveStore, key: str, on: bool) -> None:
    for version in store.versions(key):
        if version.key == key and not version.delete_marker:
            store.client.put_object_legal_hold(
                Bucket=store.bucket, Key=key, VersionId=version.version_id,
                LegalHold={"Status": "ON" if on else "OFF"})
