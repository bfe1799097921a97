"""Public-records export from the real SeaweedFS: a bundle anyone can check with sha256sum."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicmod.cli import app
from pipeline.settings import Settings
from sinks.export import export_bundle
from sinks.index import Indexer, connect, index_path
from sinks.manifest import Manifest
from sinks.records_log import append_records
from sinks.search import Query
from sinks.series import RetentionSeries
from sinks.verify import Verifier
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

CARD = "4111 1111 1111 1111"


def _line(settings: Settings, offset: int) -> dict[str, object]:
    page = "qcparks" if offset % 2 else "townofqueencreek"
    if offset % 5:
        return verdict_line(settings, 0, offset, page=page, text=f"<b>Splash pad</b> {offset}")
    text = f"My card {CARD} was charged twice"
    start = text.index(CARD)
    return verdict_line(
        settings, 0, offset, page=page, text=text, action="remove",
        findings=[{"category": "g", "score": 0.99, "detector": "regex", "version": "1",
                   "label": "card", "evidence": [{"start": start, "end": start + len(CARD),
                                                  "text": "4111…1111"}]}],
        reasons=[f"Removed under E.1.g: '4111…1111' at {start}–{start + len(CARD)}"])


@pytest.fixture(scope="module")
def archive(stack: Settings) -> Settings:
    settings = archive_settings(stack, "export")
    chain = writer(settings)
    lines = [_line(settings, n) for n in range(60)]
    for start in range(0, 60, 20):
        chain.append(settings.topics.verdicts, 0, DAY, lines[start:start + 20])
    chain.append(settings.topics.actions, 0, DAY, [{
        "topic": settings.topics.actions, "partition": 0, "offset": 0, "timestamp_ms": T0 + 99,
        "key": None, "record": {"id": "a-1", "kind": "remove", "moderator": "m-1",
                                "author_key": "facebook:u-1", "comment_id": "c-0-1",
                                "categories": ["d"], "reason": "off topic",
                                "at": "2026-11-26T10:00:00+00:00"}}])
    append_records(role_store(settings, "admin"), settings, [{
        "kind": "hold", "hold_id": "h-x", "author_id": "u-1", "reason": "claim",
        "by": "clerk", "at": "2026-11-27T00:00:00Z"}])
    return settings


def _unzip(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    return into


def test_csv_bundle_holds_records_histories_sources_and_checks_with_sha256sum(
    archive: Settings, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.zip"
    result = CliRunner().invoke(app, ["archive", "export", "page=qcparks", "--format", "csv",
                                      "--out", str(bundle)], env=cli_env(archive, "officer"))
    assert result.exit_code == 0, result.output
    folder = _unzip(bundle, tmp_path / "b")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(list(folder.iterdir())) - 1

    records = list(csv.DictReader((folder / "records.csv").open(encoding="utf-8")))
    assert {r["comment_id"] for r in records} == {f"c-0-{n}" for n in range(1, 60, 2)}
    assert {r["status"] for r in records if r["comment_id"] == "c-0-1"} == {"removed"}
    history = list(csv.DictReader((folder / "history.csv").open(encoding="utf-8")))
    of_one = [(h["kind"], h["action"]) for h in history if h["comment_id"] == "c-0-1"]
    assert of_one == [("verdict", "allow"), ("action", "remove"), ("hold", "hold")]

    officer = role_store(archive, "officer")
    sources = list(csv.DictReader((folder / "sources.csv").open(encoding="utf-8")))
    for source in sources:
        manifest = Manifest.from_bytes(officer.get(source["manifest_key"]))
        assert source["sha256"] == manifest.object_sha256
    assert len(sources) == 5  # three verdict objects, the action, the hold record
    assert json.loads((folder / "verification.json").read_text())["ok"] is True
    readme = (folder / "README.txt").read_text()
    assert "page=qcparks" in readme and "sha256sum -c SHA256SUMS" in readme

    (folder / "records.csv").write_text("forged\n", encoding="utf-8")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                           text=True, check=False)
    assert check.returncode != 0 and "records.csv: FAILED" in check.stdout


def test_redaction_changes_the_exported_copy_only_and_is_logged(
    archive: Settings, tmp_path: Path
) -> None:
    db = connect(index_path(archive))
    Indexer(role_store(archive, "officer"), RetentionSeries(archive), db).update()
    verifier = Verifier(role_store(archive, "officer"), RetentionSeries(archive))
    done: list[int] = []
    result = export_bundle(db, verifier, Query(category="g"), "jsonl", tmp_path / "g.zip",
                           redact=True, progress=lambda n, total: done.append(n))
    assert result.records == 12 and result.redactions == 36 and done[-1] == 12
    folder = _unzip(tmp_path / "g.zip", tmp_path / "g")
    text = (folder / "records.jsonl").read_text(encoding="utf-8")
    assert CARD not in text and "4111" not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert all("█" * len(CARD) in r["text"] for r in records)
    log = list(csv.DictReader((folder / "redactions.csv").open(encoding="utf-8")))
    assert {row["field"] for row in log} == {"comment.text", "findings[0].evidence[0].text",
                                             "reasons[0]"}
    assert all("E.1.g" in row["reason"] for row in log)
    officer = role_store(archive, "officer")
    key = records[0]["object_key"]
    assert CARD.encode() in gzip.decompress(officer.get(key))


def test_html_bundle_escapes_comment_text(archive: Settings, tmp_path: Path) -> None:
    db = connect(index_path(archive))
    verifier = Verifier(role_store(archive, "officer"), RetentionSeries(archive))
    export_bundle(db, verifier, Query(comment="c-0-3"), "html", tmp_path / "h.zip")
    folder = _unzip(tmp_path / "h.zip", tmp_path / "h")
    page = (folder / "records.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Splash pad&lt;/b&gt; 3" in page and "<b>Splash" not in page
    assert (folder / "history.html").exists()


def test_an_altered_source_object_fails_the_export_verification(stack: Settings) -> None:
    settings = archive_settings(stack, "export-bad")
    key = writer(settings).append(settings.topics.verdicts, 0, DAY,
                                  [verdict_line(settings, 0, 0)]).key
    pipeline = role_store(settings, "pipeline")
    pipeline.client.put_object(Bucket=pipeline.bucket, Key=key, Body=b"altered",
                               ChecksumAlgorithm="SHA256")
    report = Verifier(role_store(settings, "officer"), RetentionSeries(settings)).run_objects([key])
    assert {p.kind for p in report.problems} == {"altered", "rewritten"}


def test_an_export_matching_nothing_is_still_a_checkable_bundle(
    archive: Settings, tmp_path: Path
) -> None:
    db = connect(index_path(archive))
    verifier = Verifier(role_store(archive, "officer"), RetentionSeries(archive))
    result = export_bundle(db, verifier, Query(comment="no-such-comment"), "csv",
                           tmp_path / "empty.zip")
    assert result.records == 0 and result.verification.ok
    folder = _unzip(tmp_path / "empty.zip", tmp_path / "e")
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=folder,
                          check=False).returncode == 0
    assert (folder / "records.csv").read_text().startswith("comment_id,")
