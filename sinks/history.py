"""``archive get``: one comment, each of its versions and everything that happened to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

_VERDICTS_SQL = """
SELECT record, topic, "partition", "offset", timestamp_ms, object_key FROM lines
WHERE kind = 'verdict' AND comment_id = ? ORDER BY "partition", "offset"
"""

_EVENTS_SQL = """
WITH matched AS (
    SELECT hold_id FROM events WHERE kind = 'hold' AND (comment_id = $1 OR author_id = $2))
SELECT kind, action, happened_at, actor, record, topic, "partition", "offset", object_key
FROM events
WHERE (kind IN ('action', 'platform_event', 'platform_answer') AND comment_id = $1)
   OR (kind IN ('hold', 'release') AND hold_id IN (SELECT hold_id FROM matched))
ORDER BY happened_at, topic, "offset"
"""

_AS_OF_SQL = """
SELECT version, text, coalesce(edited_at, created_at) AS since, object_key, topic,
       "partition", "offset"
FROM comments WHERE comment_id = $1 AND coalesce(edited_at, created_at) <= $2
ORDER BY since DESC, version DESC LIMIT 1
"""


def comment_history(db: duckdb.DuckDBPyConnection, comment_id: str) -> dict[str, Any] | None:
    """The comment, its verdict, every version, every archived copy and its history; None if
    never archived.

    ``comment`` and ``verdict`` are those of the first version archived; ``versions`` lists each
    version once (its first verdict), in platform time. History entries are in time order:
    each version's verdict, then moderation actions, the platform's own events (deletions,
    hides) and answers to civicmod's calls, and the legal holds (on the comment or on its
    author) with their releases.
    """
    verdicts = db.execute(_VERDICTS_SQL, [comment_id]).fetchall()
    if not verdicts:
        return None
    first = json.loads(verdicts[0][0])
    comment = first.pop("comment")
    versions: dict[int, dict[str, Any]] = {}
    history: list[dict[str, Any]] = []
    for row in verdicts:
        verdict = json.loads(row[0])
        version = verdict["comment"].get("version") or 1
        if version in versions:  # an at-least-once duplicate of this version
            continue
        versions[version] = {
            "version": version, "previous_version": verdict["comment"].get("previous_version"),
            "text": verdict["comment"].get("text"),
            "since": verdict["comment"].get("edited_at") or verdict["comment"].get("created_at"),
            "verdict": verdict.get("action"), "archived_at": _where(row[1:]),
        }
        history.append({
            "at": verdict.get("decided_at"), "kind": "verdict", "version": version,
            "action": verdict.get("action"), "by": f"policy {verdict.get('policy_version')}",
            "reasons": verdict.get("reasons", []), "archived_at": _where(row[1:]),
        })
    events = db.execute(_EVENTS_SQL, [comment_id, comment.get("author_id")]).fetchall()
    for kind, action, at, actor, record, *where in events:
        history.append({"at": at.isoformat() if at else None, "kind": kind, "action": action,
                        "by": actor, "record": json.loads(record),
                        "archived_at": _where((where[0], where[1], where[2], None, where[3]))})
    history.sort(key=_moment)
    return {
        "comment": comment,
        "verdict": first,
        "versions": sorted(versions.values(), key=lambda v: (str(v["since"]), v["version"])),
        "copies": [_where(row[1:]) for row in verdicts],
        "history": history,
    }


def text_as_of(db: duckdb.DuckDBPyConnection, comment_id: str, when: datetime
               ) -> dict[str, Any] | None:
    """What the comment said at ``when`` (platform time): the version in effect then, or None
    if no archived version had been posted by then."""
    row = db.execute(_AS_OF_SQL, [comment_id, when]).fetchone()
    if row is None:
        return None
    version, text, since, object_key, topic, partition, offset = row
    return {"comment_id": comment_id, "as_of": when.isoformat(), "version": version,
            "text": text, "since": since.isoformat() if since else None,
            "archived_at": _where((topic, partition, offset, None, object_key))}


def _moment(entry: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(entry["at"]))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _where(row: tuple[Any, ...]) -> dict[str, Any]:
    topic, partition, offset, _timestamp, object_key = row
    return {"topic": topic, "partition": partition, "offset": offset, "object": object_key}
