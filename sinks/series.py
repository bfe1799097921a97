"""Record series and retention: which series an archive line belongs to, how long it is kept.

Series (docs/retention.md): ``comments`` (verdicts allowing or reviewing), ``removed_comments``
(verdicts removing), ``actions`` (moderation actions, authors' standings, platform events
and answers, holds, disposals) and ``dead_letters``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pipeline.settings import Settings
from sinks.layout import day_of

SERIES = ("comments", "removed_comments", "actions", "dead_letters")


@dataclass(frozen=True)
class Retention:
    """One series' retention period (days) and the schedule it is kept under."""

    days: int
    schedule: str


class RetentionSeries:
    """Names the series and the record id of archive lines, for one settings' topics."""

    def __init__(self, settings: Settings) -> None:
        self.verdicts = settings.topics.verdicts
        self.deadletter = settings.topics.deadletter
        self.actions = settings.topics.actions
        self.sanctions = settings.topics.sanctions
        self.platform = settings.topics.platform
        self.records = settings.archive.records_topic
        archive = settings.archive
        self.retention = {
            "comments": Retention(archive.comments_days, archive.comments_schedule),
            "removed_comments": Retention(
                archive.removed_comments_days, archive.removed_comments_schedule),
            "actions": Retention(archive.actions_days, archive.actions_schedule),
            "dead_letters": Retention(archive.dead_letters_days, archive.dead_letters_schedule),
        }

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic (and archive-native series) that has objects in the bucket."""
        return (self.verdicts, self.deadletter, self.actions, self.sanctions, self.platform,
                self.records)

    def series(self, line: Mapping[str, Any]) -> str:
        """The record series of one archive line."""
        topic = line["topic"]
        if topic == self.verdicts:
            record = line.get("record")
            removed = isinstance(record, dict) and record.get("action") == "remove"
            return "removed_comments" if removed else "comments"
        if topic == self.deadletter:
            return "dead_letters"
        return "actions"

    def record_id(self, line: Mapping[str, Any]) -> str:
        """The id a manifest lists: the comment id of a verdict (``id@vN`` for an edited
        version N > 1), else ``topic:partition:offset``."""
        if line["topic"] == self.verdicts:
            record = line.get("record")
            comment = record.get("comment") if isinstance(record, dict) else None
            if isinstance(comment, dict) and isinstance(comment.get("id"), str):
                version = comment.get("version")
                if isinstance(version, int) and version > 1:
                    return f"{comment['id']}@v{version}"
                return comment["id"]
        return f"{line['topic']}:{line['partition']}:{line['offset']}"

    def retain_until(
        self, series: Iterable[str], last_timestamp_ms: int, now: datetime
    ) -> datetime:
        """When an object holding ``series`` may be disposed of at the earliest.

        The longest period of its series, counted from the UTC day after its newest record,
        at midnight; never earlier than the midnight after ``now`` + 1 day (S3 refuses a
        retain-until date in the past, and a replayed old record still gets a lock).
        """
        days = max(self.retention[s].days for s in series)
        floor = _midnight_after(day_of(last_timestamp_ms)) + timedelta(days=days)
        return max(floor, _midnight_after((now + timedelta(days=1)).astimezone(UTC).date()))


def _midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
