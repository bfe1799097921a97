"""The console in a real browser (headless Chromium), on the real pipeline: a moderator sees
a flagged comment arrive with its evidence highlighted and removes it with a reason using
the keyboard only; a records officer finds it with its reason, exports the search as a
bundle and verifies it; a moderator is refused the export page by URL; every page passes
axe-core's WCAG 2.1 AA checks; the logins and the action are audit records in the archive."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from pipeline.actions import Standing
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import Settings
from sinks.index import Indexer, connect
from sinks.series import RetentionSeries
from tests.integration.browser import axe_violations, chromium_page, screenshot_dir
from tests.integration.console_helpers import PASSWORD, RunningConsole, add_user, console_settings
from tests.integration.helpers import archive_store, isolated, start, wait_for

pytestmark = pytest.mark.integration

REASON = "vulgar language on a town page"


def post_comments(settings: Settings) -> None:
    producer = CommentProducer(settings)
    now = datetime.now(UTC).isoformat()
    for n, text in enumerate(["This shit road is never fixed", "When does the library open?",
                              "Thanks for plowing Ellsworth Loop"]):
        producer.accept_object({
            "id": f"br-{n}", "platform": "facebook", "page": "townofqueencreek",
            "post": "p-9", "author_id": f"u-br{n}", "author_name": "Pat Browser",
            "text": text, "created_at": now}, "test", IngestCounts())
    producer.flush()
    producer.close()


def recommend_ban(settings: Settings, author_key: str) -> None:
    """A ban recommendation for ``author_key`` on the queue (as the worker would send)."""
    standing = Standing(author_key=author_key, event="removed", cause="test", violations=3,
                        threshold=3, window_days=90, recommendation="ban",
                        reasons=("Ban recommended under E.1.i",), as_of=datetime.now(UTC))
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    producer.send(settings.topics.sanctions, key=author_key.encode(),
                  value=standing.to_json_bytes()).get(timeout=30)
    producer.close()


def log_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/", page.content()[:3000]


def check(page: Any, shots: Path, name: str) -> None:
    """Screenshot the page and assert axe-core finds nothing on it."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name


def test_moderator_and_officer_in_a_browser(stack: Settings, tmp_path: Path) -> None:
    pipeline = isolated(stack, "cons-br")
    settings = console_settings(pipeline, tmp_path, "cons-br")
    add_user(settings, "mia", "moderator")
    add_user(settings, "otto", "officer")
    add_user(settings, "ada", "admin")
    shots = screenshot_dir(tmp_path / "shots")
    worker = start("cons-br-worker", ["worker"], pipeline)
    sink = start("cons-br-sink", ["sink"], pipeline)
    try:
        with RunningConsole(settings) as console, chromium_page() as page:
            base = console.url
            page.set_content('<main><input id="x"><p style="color:#bbb">faint</p></main>')
            caught = " ".join(axe_violations(page))
            assert "label" in caught and "color-contrast" in caught, "axe-core is not checking"
            page.goto(f"{base}/login")
            check(page, shots, "login")
            log_in(page, base, "mia")
            page.goto(f"{base}/queue")
            post_comments(pipeline)  # flagged while the page is open: it updates by itself
            row = page.get_by_role("link", name="br-0")
            row.wait_for(timeout=60_000)
            check(page, shots, "queue")

            page.keyboard.press("n")
            page.wait_for_url("**/queue/item/**")

            def thread_shown() -> bool:
                page.reload()
                return "Thanks for plowing" in page.locator("#thread").inner_text()

            wait_for(thread_shown, 30, "the other comments of the post on the item page")
            evidence = page.locator("mark.evidence", has_text="shit")
            assert evidence.count() == 1
            assert "vulgar language" in (evidence.get_attribute("title") or "")
            assert page.locator("mark.evidence", has_text="library").count() == 0
            check(page, shots, "item")
            page.keyboard.press("r")
            assert page.locator('input[name="kind"][value="remove"]').is_checked()
            assert page.evaluate("document.activeElement.id") == "reason"
            page.keyboard.type(REASON)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/queue*")
            assert page.get_by_role("link", name="br-0").count() == 0

            recommend_ban(pipeline, "facebook:u-br0")
            page.get_by_role("link", name="ban? facebook:u-br0").wait_for(timeout=30_000)
            page.keyboard.press("n")
            page.wait_for_url("**/queue/item/**")
            assert "Ban recommendation" in page.locator("h1").inner_text()
            page.keyboard.press("b")
            page.keyboard.type("three removals in a week")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/queue*")
            assert page.get_by_role("link", name="ban? facebook:u-br0").count() == 0

            refused = page.goto(f"{base}/records/export?text=shit")
            assert refused is not None and refused.status == 403
            page.goto(f"{base}/")
            page.get_by_role("button", name="Log out").click()
            page.wait_for_url(f"{base}/login")

            log_in(page, base, "otto")

            def found() -> bool:
                page.goto(f"{base}/records?text=shit+road&action=removed")
                return "br-0" in page.locator("table.results").inner_text() and \
                    "removed" in page.locator("table.results").inner_text()

            wait_for(found, 60, "the removal archived and found by the officer")
            assert f"removed by mia: {REASON}" in page.locator("table.results").inner_text()
            check(page, shots, "search")
            page.get_by_role("link", name="br-0").click()
            assert REASON in page.locator("#history").inner_text()
            check(page, shots, "comment")

            page.goto(f"{base}/records?text=shit+road&action=removed")
            page.get_by_role("link", name="Export this search").click()
            check(page, shots, "export")
            page.get_by_role("button", name="Export").click()
            assert "verified" in page.locator("#export-result").inner_text()
            with page.expect_download() as download:
                page.get_by_role("link", name="Download").click()
            bundle = tmp_path / "bundle.zip"
            download.value.save_as(bundle)
            shown = page.locator("#bundle-sha").inner_text()
            assert hashlib.sha256(bundle.read_bytes()).hexdigest() == shown
            check_bundle(bundle)

            page.goto(f"{base}/records/verify")
            page.get_by_role("button", name="Verify now").click()
            page.wait_for_url(f"{base}/records/verify")
            assert "OK" in page.locator("#last-verify").inner_text()
            check(page, shots, "verify")
            page.goto(f"{base}/")
            check(page, shots, "dashboard")
            page.get_by_role("button", name="Log out").click()
            page.wait_for_url(f"{base}/login")

            log_in(page, base, "ada")
            page.goto(f"{base}/records/holds")
            page.get_by_label("Comment id").fill("br-0")
            page.get_by_label("Reason (kept in the archive)").fill("Notice of claim 2026-17")
            page.get_by_role("button", name="Set hold").click()
            page.wait_for_url(f"{base}/records/holds")
            assert "Notice of claim 2026-17" in page.locator("table").inner_text()
            check(page, shots, "holds")
            page.goto(f"{base}/admin/users")
            check(page, shots, "users")

        expected = {"audit": {("login", "mia"), ("login", "otto"), ("moderate", "mia"),
                              ("export", "otto"), ("refused", "mia"), ("hold", "ada")},
                    "action": {("remove", "mia"), ("ban", "mia")},
                    "hold": {("hold", "ada (console)")}}
        for kind, wanted in expected.items():
            wait_for(partial(has_archived, pipeline, tmp_path, kind, wanted), 60,
                     f"the {kind} records archived")
    finally:
        worker.stop()
        sink.stop()


def check_bundle(bundle: Path) -> None:
    """The bundle checks out as ``sha256sum -c SHA256SUMS`` would, and holds the removal."""
    with zipfile.ZipFile(bundle) as archive:
        sums = archive.read("SHA256SUMS").decode().splitlines()
        for line in sums:
            digest, name = line.split(maxsplit=1)
            assert hashlib.sha256(archive.read(name.lstrip("*"))).hexdigest() == digest, name
        assert json.loads(archive.read("verification.json"))["ok"] is True
        assert REASON in archive.read("history.csv").decode()
        assert "br-0" in archive.read("records.csv").decode()
        assert len(sums) >= 5


def has_archived(settings: Settings, folder: Path, kind: str,
                 wanted: set[tuple[str, str]]) -> bool:
    """True once every ``wanted`` (action, actor) of ``kind`` is archived."""
    return wanted <= archived(settings, folder, kind)


def archived(settings: Settings, folder: Path, kind: str) -> set[tuple[str, str]]:
    """(action, actor) of the archived events of ``kind`` (audit, action, hold), read
    through an index of the test's own brought up to date first."""
    db = connect(folder / "test-index.duckdb")
    try:
        Indexer(archive_store(settings), RetentionSeries(settings), db).update()
        rows = db.execute("SELECT action, actor FROM events WHERE kind = ?", [kind]).fetchall()
    finally:
        db.close()
    return {(action, actor) for action, actor in rows}
