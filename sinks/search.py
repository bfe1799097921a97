"""Searching the index: one row per comment (deduplicated by comment id) with its status.

A comment edited on the platform has several versions. Search shows each comment once, with
its latest version by the platform's time (what it says now, as ``archive get --as-of`` would
answer for today) and ``versions``, how many are archived; the filters match *any* version, so
words a comment said before an edit still find it. ``archive get ID`` shows every version.

A query is a set of filters, given as command options or as ``key=value`` words
(``"page=townofqueencreek action=removed since=2026-11-01 text='Ellsworth Loop'"``).
``action`` matches what happened to a comment at any point: ``allowed`` (allowed by the
policy or kept by a moderator), ``reviewed`` (sent to review), ``removed`` (removed by the
policy or by a moderator), ``restored`` (restored by a moderator).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

ACTIONS = ("allowed", "reviewed", "removed", "restored")
KEPT = ("keep", "allow", "approve")

COLUMNS = ("comment_id", "created_at", "platform", "page", "post", "parent", "author_id",
           "author_name", "status", "verdict", "categories", "on_hold", "version", "versions",
           "text", "reasons",
           "decided_at", "policy_version", "model_version", "object_key", "topic",
           "partition", "offset")


class QueryError(ValueError):
    """A query word or filter that cannot be used; the message says which."""


@dataclass(frozen=True)
class Query:
    """Filters of a search; empty ones do not filter."""

    since: date | None = None
    until: date | None = None
    platform: str = ""
    page: str = ""
    post: str = ""
    author: str = ""
    author_name: str = ""
    category: str = ""
    action: str = ""
    text: str = ""
    regex: str = ""
    comment: str = ""

    def __post_init__(self) -> None:
        if self.action and self.action not in ACTIONS:
            raise QueryError(f"action must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        if self.category and self.category not in "abcdefghi":
            raise QueryError(f"category must be a letter a–i, not {self.category!r}")

    def merged(self, **overrides: Any) -> Query:
        """This query with every non-empty override applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v})

    def describe(self) -> str:
        """The query as ``key=value`` words (what :func:`parse_query` reads back)."""
        words = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                text = value.isoformat() if isinstance(value, date) else str(value)
                words.append(f"{item.name}={shlex.quote(text)}")
        return " ".join(words) or "(everything)"

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition on ``comments c`` (any version) joined with ``acts a``, and its
        parameters."""
        clauses: list[str] = []
        params: list[Any] = []

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        if self.since:
            add("c.created_at >= ?", _midnight(self.since))
        if self.until:
            add("c.created_at < ?", _midnight(self.until + timedelta(days=1)))
        for column, value in (("platform", self.platform), ("page", self.page),
                              ("post", self.post), ("author_id", self.author),
                              ("comment_id", self.comment)):
            if value:
                add(f"c.{column} = ?", value)
        if self.author_name:
            add("contains(lower(c.author_name), lower(?))", self.author_name)
        if self.category:
            add("list_contains(c.categories, ?)", self.category)
        if self.text:
            add("contains(lower(c.text), lower(?))", self.text)
        if self.regex:
            add("regexp_matches(c.text, ?)", self.regex)
        if self.action:
            clauses.append(_ACTION_SQL[self.action])
        return (" AND ".join(clauses) or "true"), params


_ACTION_SQL = {
    "allowed": "(c.verdict = 'allow' OR coalesce(a.kept, false))",
    "reviewed": "c.verdict = 'review'",
    "removed": "(c.verdict = 'remove' OR coalesce(a.removed, false))",
    "restored": "coalesce(a.restored, false)",
}

_SEARCH_SQL = """
WITH acts AS (
    SELECT comment_id, arg_max(action, happened_at) AS last_action,
           bool_or(action = 'remove') AS removed, bool_or(action = 'restore') AS restored,
           bool_or(action IN {kept}) AS kept
    FROM events WHERE kind = 'action' AND comment_id IS NOT NULL GROUP BY comment_id),
holds AS (
    SELECT h.comment_id, h.author_id FROM events h WHERE h.kind = 'hold'
    AND NOT EXISTS (SELECT 1 FROM events r WHERE r.kind = 'release' AND r.hold_id = h.hold_id)),
latest AS (
    SELECT *, count(*) OVER (PARTITION BY comment_id) AS versions FROM comments
    QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY
        coalesce(edited_at, created_at) DESC, coalesce(version, 1) DESC) = 1),
matched AS (
    SELECT DISTINCT c.comment_id FROM comments c LEFT JOIN acts a USING (comment_id)
    WHERE {where})
SELECT c.comment_id, c.created_at, c.platform, c.page, c.post, c.parent, c.author_id,
       c.author_name,
       CASE WHEN a.last_action = 'remove' THEN 'removed'
            WHEN a.last_action = 'restore' THEN 'restored'
            WHEN a.last_action IN {kept} THEN 'allowed'
            WHEN c.verdict = 'allow' THEN 'allowed'
            WHEN c.verdict = 'review' THEN 'reviewed'
            WHEN c.verdict = 'remove' THEN 'removed' END AS status,
       c.verdict, c.categories,
       (c.comment_id IN (SELECT comment_id FROM holds)
        OR c.author_id IN (SELECT author_id FROM holds)) AS on_hold,
       coalesce(c.version, 1), c.versions, c.text, c.reasons, c.decided_at, c.policy_version,
       c.model_version, c.object_key, c.topic, c."partition", c."offset"
FROM latest c LEFT JOIN acts a USING (comment_id)
WHERE c.comment_id IN (SELECT comment_id FROM matched)
ORDER BY c.created_at, c.comment_id
{limit}
"""


def parse_query(text: str) -> Query:
    """A query from ``key=value`` words; a word without ``=`` searches the text."""
    values: dict[str, Any] = {}
    names = {item.name for item in fields(Query)}
    loose = []
    for word in shlex.split(text):
        key, sep, value = word.partition("=")
        key = key.replace("-", "_")
        if not sep:
            loose.append(word)
        elif key not in names:
            raise QueryError(f"unknown query word {key!r}; use {', '.join(sorted(names))}")
        elif key in ("since", "until"):
            try:
                values[key] = date.fromisoformat(value)
            except ValueError:
                raise QueryError(f"{key}={value!r} is not a date (YYYY-MM-DD)") from None
        else:
            values[key] = value
    if loose:
        values["text"] = " ".join([values.get("text", ""), *loose]).strip()
    return Query(**values)


def search(db: duckdb.DuckDBPyConnection, query: Query, limit: int = 0) -> list[dict[str, Any]]:
    """The comments with a version matching ``query``, each once with its latest version, in
    creation order (``limit`` 0: all of them)."""
    where, params = query.where()
    sql = _SEARCH_SQL.format(kept=KEPT, where=where,
                             limit=f"LIMIT {int(limit)}" if limit > 0 else "")
    try:
        rows = db.execute(sql, params).fetchall()
    except duckdb.InvalidInputException as exc:
        raise QueryError(f"cannot run this search: {exc}") from None
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
