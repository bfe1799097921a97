"""Retention on the real SeaweedFS: per-series locks, legal holds, disposition with a record."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from civicmod.cli import app
from pipeline.settings import Settings
from sinks.disposition import dispose, review
from sinks.history import comment_history
from sinks.holds import active_holds, release_holds, set_hold
from sinks.index import Indexer, connect, index_path
from sinks.records_log import archived_records
from sinks.search import Query, search
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore
from sinks.verify import Verifier
from tests.integration.archive_helpers import (
    DAY,
    archive_settings,
    cli_env,
    role_store,
    verdict_line,
    writer,
)

pytestmark = pytest.mark.integration

OLD = int(datetime(2025, 1, 6, 12, tzinfo=UTC).timestamp() * 1000)


def _object(settings: Settings, first: int, author: str, until: datetime) -> str:
    lines = [{**verdict_line(settings, 0, first + n, author_id=author, id=f"c-{first + n}"),
              "timestamp_ms": OLD} for n in range(3)]
    chain = writer(settings)
    return chain.append(settings.topics.verdicts, 0, DAY, lines, retain_until=until).key


def _legal_hold(store: ArchiveStore, key: str) -> bool:
    info = store.head(key)
    return info is not None and info.legal_hold


def test_the_sink_locks_each_object_for_its_series(stack: Settings) -> None:
    settings = archive_settings(stack, "series", comments_days=30, removed_comments_days=400)
    chain = writer(settings)
    topic = settings.topics.verdicts
    kept = chain.append(topic, 0, DAY, [verdict_line(settings, 0, 0)]).key
    removed = chain.append(topic, 0, DAY, [verdict_line(settings, 0, 1, action="remove")]).key
    officer = role_store(settings, "officer")
    kept_until = officer.head(kept).retain_until  # type: ignore[union-attr]
    removed_until = officer.head(removed).retain_until  # type: ignore[union-attr]
    assert kept_until == datetime(2026, 12, 26, tzinfo=UTC)
    assert removed_until == datetime(2027, 12, 31, tzinfo=UTC)


def test_holds_keep_records_and_disposition_expires_the_rest_with_a_record(
    stack: Settings,
) -> None:
    settings = archive_settings(stack, "dispose", comments_days=1, removed_comments_days=1,
                                disposal_grace_days=30)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    free = _object(settings, 0, "u-free", soon)
    comment_held = _object(settings, 3, "u-other", soon)
    author_held = _object(settings, 6, "u-9", soon)
    locked = _object(settings, 9, "u-late", soon + timedelta(days=1))
    admin = role_store(settings, "admin")
    db = connect(index_path(settings))
    indexer = Indexer(role_store(settings, "officer"), RetentionSeries(settings), db)
    indexer.update()

    _, objects = set_hold(admin, settings, db, "c-4", None, "public-records litigation")
    assert objects == {comment_held} and _legal_hold(admin, comment_held)
    _, objects = set_hold(admin, settings, db, None, "u-9", "notice of claim")
    assert objects == {author_held} and _legal_hold(admin, author_held)
    indexer.update()
    assert [h.author_id for h in active_holds(db)] == [None, "u-9"]
    kinds = [r["kind"] for r in archived_records(admin, settings.archive.records_topic)]
    assert kinds == ["hold", "hold"]

    assert review(db, admin, settings, datetime.now(UTC)).eligible == []
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 1)
    found = review(db, admin, settings, datetime.now(UTC))
    assert [c.key for c in found.eligible] == [free]
    assert {c.key for c in found.held} == {comment_held, author_held}
    assert [c.key for c in found.locked] == [locked]
    assert found.eligible[0].overdue and found.eligible[0].due < date.today()

    author_hold = [h for h in active_holds(db) if h.author_id == "u-9"]
    assert release_holds(admin, settings, db, author_hold, "claim settled") == {author_held}
    assert not _legal_hold(admin, author_held)
    indexer.update()
    found = review(db, admin, settings, datetime.now(UTC))
    assert sorted(c.key for c in found.eligible) == sorted([free, author_held])

    record_key, failed = dispose(admin, settings, found.eligible, "retention period ended")
    assert failed == []
    assert admin.head(free) is None and admin.head(author_held) is None
    held = admin.head(comment_held)
    assert held is not None and held.legal_hold
    with pytest.raises(ClientError) as refused:
        admin.client.delete_object(Bucket=admin.bucket, Key=comment_held,
                                   VersionId=held.version_id)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert admin.head(comment_held) == held
    records = archived_records(admin, settings.archive.records_topic)
    disposal = [r for r in records if r["kind"] == "disposal"]
    assert [o["key"] for o in disposal[0]["objects"]] == [c.key for c in found.eligible]
    assert disposal[0]["objects"][0]["schedules"] == ["GS-1018"]
    assert disposal[0]["_object"] == record_key and disposal[0]["by"]

    report = Verifier(role_store(settings, "officer"), RetentionSeries(settings)).run()
    assert report.ok, report.problems
    assert report.disposed == 2
    assert indexer.update().disposed == 2
    assert {r["comment_id"] for r in search(db, Query())} == {"c-3", "c-4", "c-5", "c-9",
                                                             "c-10", "c-11"}
    assert comment_history(db, "c-0") is None
    history = comment_history(db, "c-4")
    assert history is not None and [h["kind"] for h in history["history"]] == ["verdict",
                                                                                 "hold"]


def test_hold_and_disposition_commands(stack: Settings) -> None:
    settings = archive_settings(stack, "holdcli", comments_days=1)
    key = _object(settings, 0, "u-3", datetime.now(UTC) + timedelta(days=2))
    env = cli_env(settings, "admin")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["archive", *args], env=env)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    assert "1 archive objects under S3 legal hold" in run(
        "hold", "set", "--comment", "c-1", "--reason", "records request 2026-17")
    assert _legal_hold(role_store(settings, "officer"), key)
    assert "on comment c-1" in run("hold", "list")
    assert "0 eligible, 1 kept by a legal hold, 0 still locked" in run("disposition")
    assert "released 1 hold(s); S3 legal hold lifted on 1 objects" in run(
        "hold", "release", "--comment", "c-1", "--reason", "request closed")
    assert not _legal_hold(role_store(settings, "officer"), key)
    shown = runner.invoke(app, ["archive", "get", "c-1"], env=env).stdout
    history = json.loads(shown)["history"]
    assert [(h["kind"], h["by"] is not None) for h in history] == [
        ("verdict", True), ("hold", True), ("release", True)]
    assert "0 eligible, 0 kept by a legal hold, 1 still locked" in run("disposition")
