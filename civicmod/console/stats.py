"""The dashboard's numbers, read from the archive index (and the live queue for the backlog).

Counts are per UTC day of the comment's creation (comments, flags, categories) or of the
decision (automatic removals, moderators' actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb


@dataclass
class DayCounts:
    """Per-day numbers over the dashboard's window."""

    days: list[date]
    comments: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    categories: dict[str, list[int]] = field(default_factory=dict)
    automatic: list[int] = field(default_factory=list)
    human: list[int] = field(default_factory=list)


@dataclass
class Stats:
    """Everything the dashboard shows from the archive."""

    counts: DayCounts
    decision_median_s: float | None
    decision_p90_s: float | None
    decisions: int
    newest_archived: datetime | None


def read_stats(db: duckdb.DuckDBPyConnection, today: date, days: int) -> Stats:
    """The numbers of the ``days`` days up to ``today``."""
    first = today - timedelta(days=days - 1)
    counts = DayCounts([first + timedelta(days=n) for n in range(days)])
    since = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    per_day = _by_day(db.execute(
        "SELECT CAST(created_at AS DATE), count(*), count(*) FILTER (WHERE verdict <> 'allow') "
        "FROM comments WHERE created_at >= ? GROUP BY 1", [since]).fetchall())
    counts.comments = [per_day.get(d, (0, 0))[0] for d in counts.days]
    counts.flagged = [per_day.get(d, (0, 0))[1] for d in counts.days]
    for day, category, n in db.execute(
            "SELECT day, category, count(*) FROM (SELECT CAST(created_at AS DATE) AS day, "
            "unnest(categories) AS category FROM comments WHERE created_at >= ?) "
            "GROUP BY ALL ORDER BY category", [since]).fetchall():
        row = counts.categories.setdefault(category, [0] * days)
        if first <= day <= today:
            row[(day - first).days] = n
    auto = _by_day(db.execute(
        "SELECT CAST(decided_at AS DATE), count(*) FROM comments WHERE verdict = 'remove' "
        "AND decided_at >= ? GROUP BY 1", [since]).fetchall())
    human = _by_day(db.execute(
        "SELECT CAST(happened_at AS DATE), count(*) FROM events WHERE kind = 'action' "
        "AND happened_at >= ? GROUP BY 1", [since]).fetchall())
    counts.automatic = [auto.get(d, (0,))[0] for d in counts.days]
    counts.human = [human.get(d, (0,))[0] for d in counts.days]
    median, p90, decisions = db.execute(
        "SELECT median(s), quantile_cont(s, 0.9), count(*) FROM (SELECT epoch(e.happened_at) "
        "- epoch(c.decided_at) AS s FROM events e JOIN comments c USING (comment_id) "
        "WHERE e.kind = 'action' AND e.happened_at >= ?)", [since]).fetchone() or (None, None, 0)
    newest = (db.execute("SELECT max(timestamp_ms) FROM lines WHERE kind <> 'audit'")
              .fetchone() or (None,))[0]
    return Stats(counts, median, p90, decisions,
                 datetime.fromtimestamp(newest / 1000, UTC) if newest else None)


def _by_day(rows: list[tuple[Any, ...]]) -> dict[date, tuple[int, ...]]:
    return {row[0]: tuple(row[1:]) for row in rows}
