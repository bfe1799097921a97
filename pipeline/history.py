"""Reading moderation facts back from the archive: find a comment, tell an author's story.

The archive is the system of record: every comment (as its verdict), every action, every
standing and every rejected action is there exactly once, for years. These reads scan the
archived objects of a topic (``sinks.reader.archived_lines``); a search index can replace the
scan without changing the callers.
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
from sinks.reader import archived_lines
from sinks.store import ArchiveStore


@dataclass(frozen=True)
class StoryLine:
    """One event of an author's story, at the time it entered the log."""

    at: datetime
    what: str
    detail: str


class ArchiveFacts:
    """The moderation facts the archive holds, for one set of topics."""

    def __init__(self, store: ArchiveStore, topics: TopicSettings) -> None:
        self.store = store
        self.topics = topics

    def find_comment(self, comment_id: str) -> Comment | None:
        """The archived comment with this id (None: no such comment is archived)."""
        for line in archived_lines(self.store, self.topics.verdicts):
            comment = _record(line).get("comment")
            if isinstance(comment, dict) and comment.get("id") == comment_id:
                return Comment.model_validate(comment)
        return None

    def author_known(self, author_key: str) -> bool:
        """True when at least one comment of ``platform:author_id`` is archived."""
        return any(_author_of(_record(line).get("comment")) == author_key
                   for line in archived_lines(self.store, self.topics.verdicts))

    def story(self, author_key: str) -> list[StoryLine]:
        """The author's comments, verdicts, actions, standings and rejected actions, in order."""
        events: list[tuple[int, int, StoryLine]] = []
        seen_comments: set[str] = set()
        for rank, topic in enumerate((self.topics.verdicts, self.topics.actions,
                                      self.topics.sanctions, self.topics.deadletter)):
            for line in archived_lines(self.store, topic):
                event = self._event(topic, _record(line), author_key, seen_comments)
                if event is not None:
                    millis = int(line.get("timestamp_ms") or 0)
                    at = datetime.fromtimestamp(millis / 1000, UTC)
                    events.append((millis, rank, StoryLine(at, *event)))
        return [story_line for _, _, story_line in sorted(events, key=lambda e: e[:2])]

    def _event(
        self, topic: str, record: dict[str, Any], author_key: str, seen: set[str]
    ) -> tuple[str, str] | None:
        if topic == self.topics.verdicts:
            if _author_of(record.get("comment")) != author_key:
                return None
            verdict = Verdict.model_validate(record)
            if verdict.comment.id in seen:  # an at-least-once duplicate
                return None
            seen.add(verdict.comment.id)
            return _comment_line(verdict)
        if topic in (self.topics.actions, self.topics.sanctions):
            if record.get("author_key") != author_key:
                return None
            if topic == self.topics.actions:
                return _action_line(ModerationAction.model_validate(record))
            return _standing_line(Standing.model_validate(record))
        return _rejected_line(record, author_key)


def _record(line: dict[str, Any]) -> dict[str, Any]:
    record = line.get("record")
    return record if isinstance(record, dict) else {}


def _author_of(comment: Any) -> str | None:
    if not isinstance(comment, dict):
        return None
    return f"{comment.get('platform')}:{comment.get('author_id')}"


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
