"""Reading moderation facts back from the archive: find a comment, tell an author's story.

The archive is the system of record: every comment (as its verdict), every action, every
standing and every rejected action is there exactly once, for years. These reads query the
local search index (:mod:`sinks.index`), brought up to date with the bucket before each
question, never a scan of the whole bucket.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.actions import ModerationAction, Standing
from pipeline.records import Comment, Verdict
from pipeline.settings import TopicSettings
from sinks.index import Indexer


@dataclass(frozen=True)
class StoryLine:
    """One event of an author's story, at the time it entered the log."""

    at: datetime
    what: str
    detail: str


class ArchiveFacts:
    """The moderation facts the archive holds, read through its index."""

    def __init__(self, indexer: Indexer, topics: TopicSettings) -> None:
        self.indexer = indexer
        self.topics = topics

    def _rows(self, sql: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        self.indexer.update()
        return self.indexer.db.execute(sql, parameters).fetchall()

    def find_comment(self, comment_id: str) -> Comment | None:
        """The archived comment with this id (None: no such comment is archived)."""
        rows = self._rows(_COMMENT_SQL, [comment_id])
        return Comment.model_validate(json.loads(rows[0][0])["comment"]) if rows else None

    def author_known(self, author_key: str) -> bool:
        """True when at least one comment of ``platform:author_id`` is archived."""
        platform, _, author_id = author_key.partition(":")
        return bool(self._rows(_AUTHOR_SQL, [platform, author_id]))

    def story(self, author_key: str) -> list[StoryLine]:
        """The author's comments, verdicts, actions, standings and rejected actions, in order."""
        platform, _, author_id = author_key.partition(":")
        events: list[tuple[int, int, StoryLine]] = []
        seen_comments: set[str] = set()
        rows = self._rows(_STORY_SQL, [platform, author_id, author_key])
        for kind, text, millis in rows:
            record = json.loads(text) if text else {}
            event = _event(kind, record, author_key, seen_comments)
            if event is not None:
                at = datetime.fromtimestamp((millis or 0) / 1000, UTC)
                events.append((millis or 0, _RANK[kind], StoryLine(at, *event)))
        return [story_line for _, _, story_line in sorted(events, key=lambda e: e[:2])]


_COMMENT_SQL = """
SELECT record FROM lines WHERE kind = 'verdict' AND comment_id = ?
ORDER BY "partition", "offset" LIMIT 1
"""

_AUTHOR_SQL = "SELECT 1 FROM comments WHERE platform = ? AND author_id = ? LIMIT 1"

_STORY_SQL = """
SELECT kind, record, timestamp_ms FROM lines
WHERE (kind = 'verdict' AND record->'comment'->>'platform' = $1 AND author_id = $2)
   OR (kind IN ('action', 'standing') AND record->>'author_key' = $3)
   OR kind = 'deadletter'
ORDER BY timestamp_ms, "partition", "offset"
"""

_RANK = {"verdict": 0, "action": 1, "standing": 2, "deadletter": 3}


def _event(kind: str, record: dict[str, Any], author_key: str, seen: set[str]
           ) -> tuple[str, str] | None:
    if kind == "verdict":
        verdict = Verdict.model_validate(record)
        if verdict.comment.id in seen:  # an at-least-once duplicate
            return None
        seen.add(verdict.comment.id)
        return _comment_line(verdict)
    if kind == "action":
        return _action_line(ModerationAction.model_validate(record))
    if kind == "standing":
        return _standing_line(Standing.model_validate(record))
    return _rejected_line(record, author_key)


def _comment_line(verdict: Verdict) -> tuple[str, str]:
    comment = verdict.comment
    letters = sorted({f.category for f in verdict.findings})
    under = f" under {', '.join(f'E.1.{c}' for c in letters)}" if letters else ""
    text = comment.text if len(comment.text) <= 80 else comment.text[:79] + "…"
    return (f"comment {comment.id}", f"verdict {verdict.action}{under} · {comment.page}/"
            f"{comment.post} · posted {comment.created_at:%Y-%m-%d %H:%M} · {text}")


def _action_line(action: ModerationAction) -> tuple[str, str]:
    target = f"comment {action.comment_id}" if action.comment_id else "the author"
    under = f" under {', '.join(f'E.1.{c}' for c in action.categories)}" if action.categories \
        else ""
    reason = f": {action.reason}" if action.reason else ""
    return f"action {action.kind}", f"{action.moderator} · {action.kind} {target}{under}{reason}"


def _standing_line(standing: Standing) -> tuple[str, str]:
    sanction = "banned" if standing.banned else (
        "ban recommended" if standing.recommendation else "not sanctioned")
    return (f"standing {standing.event}",
            f"{standing.violations} of {standing.threshold} within {standing.window_days} "
            f"days · {sanction} · {' '.join(standing.reasons)}")


def _rejected_line(record: dict[str, Any], author_key: str) -> tuple[str, str] | None:
    try:
        attempt = json.loads(base64.b64decode(record.get("raw_base64", "")))
    except ValueError:
        return None
    if not isinstance(attempt, dict) or attempt.get("author_key") != author_key:
        return None
    return (f"rejected {attempt.get('kind', 'action')}",
            f"{attempt.get('moderator', '?')} · {record.get('error', '')}")
