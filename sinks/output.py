"""Writing search results: a table for people, JSON Lines or CSV for tools."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from rich.table import Table

TABLE_COLUMNS = ("created_at", "page", "post", "author_id", "status", "categories", "on_hold",
                 "comment_id", "versions", "text")
MAX_WIDTH = 24
TEXT_WIDTH = 48
HEADERS = {"created_at": "created (UTC)", "author_id": "author", "categories": "E.1",
           "on_hold": "hold", "comment_id": "comment", "versions": "vers."}


def plain(value: Any) -> Any:
    """A value as JSON-friendly data (times as ISO 8601 strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def cell(value: Any) -> str:
    """A value as one flat text cell (lists joined with ``; ``, empty for null)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write_jsonl(rows: Iterable[dict[str, Any]], stream: TextIO) -> None:
    """One JSON object per row and line."""
    for row in rows:
        stream.write(json.dumps(plain(row), ensure_ascii=False) + "\n")


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], stream: TextIO) -> None:
    """CSV with a header row; lists joined with ``; ``."""
    writer = csv.writer(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])


def table(rows: Iterable[dict[str, Any]], title: str) -> Table:
    """A terminal table of search results: one line a comment, the text cut to fit."""
    lines = []
    for row in rows:
        created = row.get("created_at")
        when = created.strftime("%Y-%m-%d %H:%M") if isinstance(created, datetime) else ""
        lines.append({**{c: cell(row.get(c)) for c in TABLE_COLUMNS}, "created_at": when,
                      "on_hold": "hold" if row.get("on_hold") else ""})
    view = Table(title=title)
    for column in TABLE_COLUMNS:
        header = HEADERS.get(column, column)
        if column == "text":
            view.add_column(header, no_wrap=True, overflow="ellipsis", max_width=TEXT_WIDTH)
        else:
            widest = max([len(header), *(len(line[column]) for line in lines)])
            view.add_column(header, no_wrap=True, min_width=min(widest, MAX_WIDTH))
    for line in lines:
        view.add_row(*[line[c] for c in TABLE_COLUMNS])
    return view
