"""Search and get over an index built from archive objects in the real SeaweedFS."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from civicmod.cli import app
from pipeline.settings import Settings
from sinks.history import comment_history
from sinks.index import Indexer, connect, index_path
from sinks.records_log import append_records
from sinks.search import Query, search
from sinks.series import RetentionSeries
from tests.integration.archive_helpers import (
    DAY,
    T0,
    archive_settings,
    cli_env,
    role_store,
    verdict_line,
    writer,
)

pytestmark = pytest.mark.integration

PER_PARTITION = 600
CARD = "4111 1111 1111 1111"


def _line(settings: Settings, partition: int, offset: int) -> dict[str, object]:
    n = partition * PER_PARTITION + offset
    extra: dict[str, object] = {
        "id": f"c-{n}", "author_id": f"u-{n % 50}", "post": f"p-{n % 10}",
        "page": "townofqueencreek" if n % 3 else "qcparks",
        "created_at": f"2026-11-{20 + n % 5:02d}T10:00:00Z",
        "text": f"Comment {n} about Ellsworth Loop" if n % 4 else f"Pay with {CARD} now {n}",
    }
    if n % 4 == 0:
        start = str(extra["text"]).index(CARD)
        extra["findings"] = [{"category": "g", "score": 0.99, "detector": "regex",
                              "version": "1", "label": "card",
                              "evidence": [{"start": start, "end": start + len(CARD),
                                            "text": "4111…1111"}]}]
        extra["reasons"] = [f"Removed under E.1.g, a card number at {start}–{start + 19}"]
        extra["action"] = "remove"
        if n % 8 == 0:  # verdicts name their grounds; older ones are read from their findings
            extra["categories"] = ["g"]
    elif n % 4 == 2:  # an external link scores below d's review threshold: no ground
        extra["findings"] = [{"category": "d", "score": 0.35, "detector": "spam-rules",
                              "version": "1", "label": "external link", "evidence": []}]
        extra["categories"] = []
    return verdict_line(settings, partition, offset, **extra)


@pytest.fixture(scope="module")
def archive(stack: Settings) -> Settings:
    settings = archive_settings(stack, "search")
    chain = writer(settings)
    for partition in (0, 1):
        lines = [_line(settings, partition, o) for o in range(PER_PARTITION)]
        for start in range(0, PER_PARTITION, 200):
            chain.append(settings.topics.verdicts, partition, DAY, lines[start:start + 200])
    # At-least-once moderation archived comment c-5 a second time, at a later offset.
    again = {**_line(settings, 0, 5), "offset": PER_PARTITION}
    chain.append(settings.topics.verdicts, 0, DAY, [again])
    actions = [{"topic": settings.topics.actions, "partition": 0, "offset": n,
                "timestamp_ms": T0 + 10_000 + n, "key": None,
                "record": {"id": f"a-{n}", "kind": act, "moderator": "mod-1",
                           "author_key": "facebook:u-x", "comment_id": cid,
                           "categories": ["b"] if act == "remove" else [], "reason": "test",
                           "at": f"2026-11-26T0{n}:00:00+00:00"}}
               for n, (cid, act) in enumerate([("c-8", "restore"), ("c-1", "remove"),
                                               ("c-2", "keep")])]
    chain.append(settings.topics.actions, 0, DAY, actions)
    admin = role_store(settings, "admin")
    append_records(admin, settings, [{"kind": "hold", "hold_id": "h-1", "author_id": "u-8",
                                      "reason": "litigation", "by": "clerk",
                                      "at": "2026-11-27T00:00:00Z"}])
    return settings


@pytest.fixture(scope="module")
def db(archive: Settings) -> duckdb.DuckDBPyConnection:
    connection = connect(index_path(archive))
    result = Indexer(role_store(archive, "officer"), RetentionSeries(archive), connection).update()
    assert result.objects == 9 and result.lines == 2 * PER_PARTITION + 1 + 3 + 1
    return connection


def _ids(db: duckdb.DuckDBPyConnection, **filters: Any) -> set[str]:
    return {row["comment_id"] for row in search(db, Query(**filters))}


def test_each_filter_narrows_the_search(db: duckdb.DuckDBPyConnection) -> None:
    everyone = _ids(db)
    assert len(everyone) == 2 * PER_PARTITION
    assert _ids(db, comment="c-7") == {"c-7"}
    assert _ids(db, author="u-3") == {f"c-{n}" for n in range(1200) if n % 50 == 3}
    assert _ids(db, page="qcparks") == {f"c-{n}" for n in range(1200) if n % 3 == 0}
    assert _ids(db, post="p-4", page="qcparks") == {f"c-{n}" for n in range(1200)
                                                     if n % 10 == 4 and n % 3 == 0}
    assert _ids(db, since=date(2026, 11, 23)) == {f"c-{n}" for n in range(1200) if n % 5 >= 3}
    assert _ids(db, until=date(2026, 11, 20)) == {f"c-{n}" for n in range(1200) if n % 5 == 0}
    assert _ids(db, category="g") == {f"c-{n}" for n in range(1200) if n % 4 == 0}
    assert _ids(db, category="d") == set()  # a finding below review is no ground
    assert _ids(db, text="ellsworth loop") == {f"c-{n}" for n in range(1200) if n % 4}
    assert _ids(db, regex=r"^Comment 11\d\d ") == {f"c-{n}" for n in range(1100, 1200)
                                                   if n % 4}
    assert _ids(db, platform="twitter") == set()


def test_action_filter_follows_the_history(db: duckdb.DuckDBPyConnection) -> None:
    removed = _ids(db, action="removed")
    assert removed == {f"c-{n}" for n in range(1200) if n % 4 == 0} | {"c-1"}
    assert _ids(db, action="restored") == {"c-8"}
    assert "c-2" in _ids(db, action="allowed")
    rows = {r["comment_id"]: r for r in search(db, Query(comment="c-8"))}
    assert rows["c-8"]["status"] == "restored" and rows["c-8"]["verdict"] == "remove"


def test_duplicate_verdicts_are_searched_once_and_holds_show(db: duckdb.DuckDBPyConnection) -> None:
    rows = search(db, Query(comment="c-5"))
    assert len(rows) == 1 and rows[0]["offset"] == 5
    held = {r["comment_id"] for r in search(db, Query(author="u-8")) if r["on_hold"]}
    assert held == _ids(db, author="u-8") and held


def test_get_returns_the_comment_and_its_history_in_order(db: duckdb.DuckDBPyConnection) -> None:
    found = comment_history(db, "c-8")
    assert found is not None
    assert found["comment"]["author_id"] == "u-8"
    assert [(h["kind"], h["action"]) for h in found["history"]] == [
        ("verdict", "remove"), ("action", "restore"), ("hold", "hold")]
    twice = comment_history(db, "c-5")
    assert twice is not None and [c["offset"] for c in twice["copies"]] == [5, PER_PARTITION]
    assert comment_history(db, "nope") is None


def test_search_and_get_commands_write_jsonl_csv_and_json(
    archive: Settings, db: duckdb.DuckDBPyConnection
) -> None:
    env = cli_env(archive, "officer")
    runner = CliRunner()
    result = runner.invoke(app, ["archive", "search", "author=u-3 category=g", "--format",
                                 "jsonl", "--limit", "0"], env=env)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["comment_id"] for r in rows} == _ids(db, author="u-3", category="g")
    result = runner.invoke(app, ["archive", "search", "--page", "qcparks", "--format", "csv",
                                 "--no-update", "--limit", "5"], env=env)
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 5 and {r["page"] for r in table} == {"qcparks"}
    result = runner.invoke(app, ["archive", "get", "c-8", "--no-update"], env=env)
    assert result.exit_code == 0 and json.loads(result.stdout)["comment"]["id"] == "c-8"


def test_update_reads_only_new_objects_and_prefers_the_manifested_version(
    archive: Settings, db: duckdb.DuckDBPyConnection
) -> None:
    indexer = Indexer(role_store(archive, "officer"), RetentionSeries(archive), db)
    assert indexer.update().objects == 0
    line = verdict_line(archive, 5, 0, id="late-1", text="Original words")
    key = writer(archive).append(archive.topics.verdicts, 5, DAY, [line]).key
    pipeline = role_store(archive, "pipeline")
    forged = gzip.compress(gzip.decompress(pipeline.get(key)).replace(b"Original", b"Forged"))
    pipeline.client.put_object(Bucket=pipeline.bucket, Key=key, Body=forged,
                               ChecksumAlgorithm="SHA256")
    result = indexer.update()
    assert (result.objects, result.lines, result.skipped) == (1, 1, [])
    assert [r["text"] for r in search(db, Query(comment="late-1"))] == ["Original words"]
