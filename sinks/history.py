"""``archive get``: one comment and everything that happened to it, in order."""

from __future__ import annotations

import json
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
FROM events WHERE (kind = 'action' AND comment_id = $1)
   OR (kind IN ('hold', 'release') AND hold_id IN (SELECT hold_id FROM matched))
ORDER BY happened_at, topic, "offset"
"""


def comment_history(db: duckdb.DuckDBPyConnection, comment_id: str) -> dict[str, Any] | None:
    """The comment, its verdict, every archived copy and its history; None if never archived.

    History entries are in time order: the verdict first, then moderation actions and the
    legal holds (on the comment or on its author) with their releases.
    """
    verdicts = db.execute(_VERDICTS_SQL, [comment_id]).fetchall()
    if not verdicts:
        return None
    first = json.loads(verdicts[0][0])
    comment = first.pop("comment")
    history: list[dict[str, Any]] = [{
        "at": first.get("decided_at"), "kind": "verdict", "action": first.get("action"),
        "by": f"policy {first.get('policy_version')}", "reasons": first.get("reasons", []),
        "archived_at": _where(verdicts[0][1:]),
    }]
    events = db.execute(_EVENTS_SQL, [comment_id, comment.get("author_id")]).fetchall()
    for kind, action, at, actor, record, *where in events:
        history.append({"at": at.isoformat() if at else None, "kind": kind, "action": action,
                        "by": actor, "record": json.loads(record),
                        "archived_at": _where((where[0], where[1], where[2], None, where[3]))})
    return {
        "comment": comment,
        "verdict": first,
        "copies": [_where(row[1:]) for row in verdicts],
        "history": history,
    }


def _where(row: tuple[Any, ...]) -> dict[str, Any]:
    topic, partition, offset, _timestamp, object_key = row
    return {"topic": topic, "partition": partition, "offset": offset, "object": object_key}
