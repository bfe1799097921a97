"""Search queries and result output, without the index."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from sinks.index import SCHEMA
from sinks.output import cell, write_csv, write_jsonl
from sinks.search import Query, QueryError, parse_query, search


def test_query_words_parse_to_filters_and_back() -> None:
    query = parse_query("page=qcparks action=removed since=2026-11-01 'Ellsworth Loop'")
    assert query == Query(page="qcparks", action="removed", since=date(2026, 11, 1),
                          text="Ellsworth Loop")
    assert parse_query(query.describe()) == query
    assert parse_query("author-name=Pat") == Query(author_name="Pat")


@pytest.mark.parametrize("words", ["colour=red", "since=yesterday", "action=hidden",
                                   "category=z"])
def test_bad_query_words_are_refused_with_a_reason(words: str) -> None:
    with pytest.raises(QueryError):
        parse_query(words)


def test_options_override_query_words_but_empty_options_do_not() -> None:
    query = parse_query("page=a author=u-1").merged(page="b", author="")
    assert (query.page, query.author) == ("b", "u-1")


def test_where_binds_every_value_as_a_parameter() -> None:
    query = Query(until=date(2026, 11, 30), post="p'1", regex="a|b", action="restored")
    where, params = query.where()
    assert "p'1" not in where and "a|b" not in where
    assert params == [datetime(2026, 12, 1, tzinfo=UTC), "p'1", "a|b"]
    assert "a.restored" in where
    assert Query().where() == ("true", [])


def test_output_formats_flatten_lists_and_times() -> None:
    rows = [{"comment_id": "c-1", "categories": ["a", "g"],
             "created_at": datetime(2026, 11, 25, 9, tzinfo=UTC), "text": "Line, \"quoted\""}]
    stream = io.StringIO()
    write_csv(rows, ["comment_id", "categories", "created_at", "text"], stream)
    parsed = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert parsed == [{"comment_id": "c-1", "categories": "a; g",
                       "created_at": "2026-11-25T09:00:00+00:00", "text": "Line, \"quoted\""}]
    stream = io.StringIO()
    write_jsonl(rows, stream)
    assert json.loads(stream.getvalue())["categories"] == ["a", "g"]
    assert cell(None) == "" and cell({"b": 1}) == '{"b": 1}'


def test_search_pages_through_results_in_creation_order() -> None:
    db = duckdb.connect()
    db.execute(SCHEMA)
    for n in range(5):
        db.execute("INSERT INTO comments (comment_id, platform, page, post, author_id, text, "
                   "created_at, verdict, categories) VALUES (?, 'fb', 'p', 'x', 'u', 't', ?, "
                   "'allow', [])", [f"c{n}", datetime(2026, 4, 1, n, tzinfo=UTC)])
    pages = [[row["comment_id"] for row in search(db, Query(), 2, offset)]
             for offset in (0, 2, 4, 6)]
    assert pages == [["c0", "c1"], ["c2", "c3"], ["c4"], []]
    for n, (kind, reason) in enumerate([("remove", "vulgar"), ("restore", "on appeal")]):
        db.execute("INSERT INTO events (kind, comment_id, action, happened_at, actor, record) "
                   "VALUES ('action', 'c1', ?, ?, ?, ?)",
                   [kind, datetime(2026, 4, 2, n, tzinfo=UTC), f"m-{n}",
                    json.dumps({"reason": reason})])
    (row,) = search(db, Query(comment="c1"))
    assert (row["status"], row["action_reason"], row["action_by"]) == \
        ("restored", "on appeal", "m-1")
