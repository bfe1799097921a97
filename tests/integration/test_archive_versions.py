"""Edited comments in the archive: search shows each comment once, with its latest version and
how many versions there are; ``archive get`` shows every version, ``--as-of`` the one in effect
at a time (the command line, on an index built from the real SeaweedFS)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from civicmod.cli import app
from pipeline.settings import Settings
from sinks.index import Indexer, connect, index_path
from sinks.search import Query, search
from sinks.series import RetentionSeries
from tests.integration.archive_helpers import (
    DAY,
    archive_settings,
    cli_env,
    role_store,
    verdict_line,
    writer,
)

pytestmark = pytest.mark.integration

POSTED = "2026-11-25T09:00:00Z"


def _version(settings: Settings, offset: int, comment: str, version: int, text: str,
             **extra: Any) -> dict[str, Any]:
    return verdict_line(settings, 0, offset, id=comment, author_id="u-1", version=version,
                        text=text, **extra)


@pytest.fixture(scope="module")
def archive(stack: Settings) -> Settings:
    settings = archive_settings(stack, "versions")
    lines = [
        _version(settings, 0, "e-1", 1, "When will Ellsworth Loop reopen, you clowns?",
                 action="remove", categories=["b"]),
        _version(settings, 1, "e-1", 2, "When will Ellsworth Loop reopen? Asking again",
                 previous_version=1, edited_at="2026-11-25T12:00:00Z"),
        _version(settings, 2, "e-1", 3, "Never mind, it reopened", previous_version=2,
                 edited_at="2026-11-26T08:00:00Z"),
        # An edit that arrived before its comment's original (numbered first, later in time).
        _version(settings, 3, "e-2", 1, "Second text", edited_at="2026-11-25T15:00:00Z"),
        _version(settings, 4, "e-2", 2, "First text", created_at="2026-11-25T10:00:00Z"),
        _version(settings, 5, "e-3", 1, "Only ever said this once"),
    ]
    again = {**lines[1], "offset": 6}  # version 2 archived twice (at least once)
    writer(settings).append(settings.topics.verdicts, 0, DAY, [*lines, again])
    return settings


@pytest.fixture(scope="module")
def db(archive: Settings) -> duckdb.DuckDBPyConnection:
    connection = connect(index_path(archive))
    Indexer(role_store(archive, "officer"), RetentionSeries(archive), connection).update()
    return connection


def test_search_shows_each_comment_once_with_its_latest_version(
        db: duckdb.DuckDBPyConnection) -> None:
    rows = {r["comment_id"]: r for r in search(db, Query())}
    assert len(search(db, Query())) == len(rows) == 3
    assert {cid: (r["version"], r["versions"], r["text"]) for cid, r in rows.items()} == {
        "e-1": (3, 3, "Never mind, it reopened"),
        "e-2": (1, 2, "Second text"),  # latest by the platform's time, not by number
        "e-3": (1, 1, "Only ever said this once"),
    }
    assert rows["e-1"]["verdict"] == "allow" and rows["e-1"]["status"] == "allowed"


def test_filters_match_any_version_and_show_the_latest(db: duckdb.DuckDBPyConnection) -> None:
    found = search(db, Query(text="asking again"))
    assert [(r["comment_id"], r["version"], r["text"]) for r in found] == [
        ("e-1", 3, "Never mind, it reopened")], "words said before an edit still find it"
    assert [r["comment_id"] for r in search(db, Query(action="removed"))] == ["e-1"]
    assert [r["comment_id"] for r in search(db, Query(category="b"))] == ["e-1"]
    assert search(db, Query(text="first text"))[0]["text"] == "Second text"


def test_search_and_get_commands_show_versions_and_as_of(
        archive: Settings, db: duckdb.DuckDBPyConnection) -> None:
    env, runner = cli_env(archive, "officer"), CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(app, ["archive", *args, "--no-update"], env=env)

    result = run("search", "ellsworth", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["comment_id"], r["version"], r["versions"]) for r in table] == [("e-1", "3", "3")]

    result = run("get", "e-1")
    assert result.exit_code == 0, result.output
    assert [v["version"] for v in json.loads(result.stdout)["versions"]] == [1, 2, 3]

    for moment, version, text in [
        ("2026-11-25T11:59:00Z", 1, "When will Ellsworth Loop reopen, you clowns?"),
        ("2026-11-25T12:00:00+00:00", 2, "When will Ellsworth Loop reopen? Asking again"),
        ("2026-11-25", 2, "When will Ellsworth Loop reopen? Asking again"),  # end of that day
        ("2026-11-26T05:00:00-05:00", 3, "Never mind, it reopened"),  # 10:00 UTC
    ]:
        result = run("get", "e-1", "--as-of", moment)
        assert result.exit_code == 0, result.output
        shown = json.loads(result.stdout)
        assert (shown["version"], shown["text"]) == (version, text), moment
    result = run("get", "e-2", "--as-of", "2026-11-25T11:00:00")  # no zone: UTC
    assert json.loads(result.stdout)["text"] == "First text"

    result = run("get", "e-1", "--as-of", "2026-11-24")
    assert result.exit_code == 1 and "not in the archive as of 2026-11-24" in result.output
    result = run("get", "e-1", "--as-of", "last tuesday")
    assert result.exit_code == 2 and "not a date or date-time" in result.output
