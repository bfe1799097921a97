"""The whole path with a platform: a signed webhook → screened → archived once; an edit → a new
version archived and linked; a moderator's remove → the platform receives the hide call and
the archive holds its answer, linked to the decision; the same for an Instagram comment, whose
ban is refused and archived as such. ``sources check`` names what it sees."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from civicmod.cli import app
from civicmod.sources import facebook_webhook
from civicmod.stack.embedded import child_environment
from civicmod.stack.ports import free_port
from pipeline.desk import ActionDesk, ActionRequest, OneComment
from pipeline.records import Comment
from pipeline.settings import Settings, SourceSettings
from sinks.history import comment_history, text_as_of
from sinks.index import Indexer, connect
from sinks.series import RetentionSeries
from tests.contract import graph
from tests.contract.payloads import (
    APP_SECRET,
    VERIFY_TOKEN,
    feed_change,
    instagram_change,
    signed,
)
from tests.contract.served import Served
from tests.integration.helpers import archive_store, isolated, start, wait_for

pytestmark = pytest.mark.integration

PAGE, POST, COMMENT = "1001", "1001_2002", "2002_77"
IG, MEDIA, IG_COMMENT = "17841400000000001", "18000000000000001", "17900000000000077"
POSTED = 1_764_064_800
EDITED = POSTED + 3600


def deliver(settings: Settings, payload: dict[str, Any]) -> int | None:
    """POST a signed notification to the running webhook; the status, None if not up yet."""
    body, headers = signed(payload)
    url = f"http://127.0.0.1:{settings.sources.webhook_port}{facebook_webhook.PATH}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=10) as r:
            status: int = r.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_webhook_to_archive_and_a_removal_back_to_the_platform(stack: Settings,
                                                              tmp_path: Path) -> None:
    state = graph.GraphState(pages={PAGE: "Town of Queen Creek"},
                             accounts={IG: "townofqueencreek"})
    with Served(graph.graph_app(state)) as platform:
        settings = isolated(stack, "src-e2e").model_copy(update={"sources": SourceSettings(
            facebook_page_ids=PAGE, instagram_account_ids=IG,
            facebook_graph_url=f"{platform.url}/{graph.VERSION}",
            facebook_app_secret=SecretStr(APP_SECRET),
            facebook_verify_token=SecretStr(VERIFY_TOKEN),
            facebook_page_token=SecretStr(graph.TOKEN), webhook_port=free_port(),
            poll_every_seconds=3600, max_attempts=3, backoff_max_seconds=0.2,
            actions_group="src-e2e-platform-actions",
            state_file=str(tmp_path / "sources.sqlite"))})
        processes = [start(f"src-e2e-{name}", args, settings) for name, args in (
            ("worker", ["worker"]), ("sink", ["sink"]), ("sources", ["sources", "serve"]),
            ("actions", ["sources", "act"]))]
        indexer = Indexer(archive_store(settings), RetentionSeries(settings),
                          connect(tmp_path / "index.duckdb"))

        def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
            indexer.update()
            return indexer.db.execute(sql, list(params)).fetchall()

        try:
            state.add_post(PAGE, POST, POSTED)
            state.add_comment(POST, COMMENT, "When will Ellsworth Loop reopen?", POSTED)
            add = feed_change(PAGE, "add", COMMENT, POST,
                              message="When will Ellsworth Loop reopen?", created=POSTED)
            assert wait_for(lambda: deliver(settings, add), 60, "the webhook to answer") == 200
            assert deliver(settings, add) == 200  # Facebook retries: no second record
            wait_for(lambda: rows("SELECT 1 FROM comments WHERE comment_id = ?", COMMENT), 90,
                     "the comment screened and archived")

            edit = feed_change(PAGE, "edited", COMMENT, POST, created=POSTED, time=EDITED,
                               message="When will Ellsworth Loop reopen? Asking for a friend")
            assert deliver(settings, edit) == 200
            versions = "SELECT version, previous_version FROM comments WHERE comment_id = ? " \
                "ORDER BY version"
            wait_for(lambda: len(rows(versions, COMMENT)) == 2, 60, "the edit archived")
            assert rows(versions, COMMENT) == [(1, None), (2, 1)]

            comment = Comment.model_validate(json.loads(rows(
                "SELECT record FROM lines WHERE kind = 'verdict' AND comment_id = ? "
                "ORDER BY \"offset\" LIMIT 1", COMMENT)[0][0])["comment"])
            desk = ActionDesk(settings, OneComment(comment), "test")
            try:
                action = desk.submit(ActionRequest("remove", COMMENT, "m-1", ("b",),
                                                   "a personal attack"))
            finally:
                desk.close()
            wait_for(lambda: COMMENT in state.hidden, 60, "the hide call on the platform")
            assert ("POST", f"/{graph.VERSION}/{COMMENT}", {"is_hidden": "true"}) in state.calls
            answer = wait_for(lambda: rows(
                "SELECT record FROM events WHERE kind = 'platform_answer' AND comment_id = ?",
                COMMENT), 60, "the platform's answer archived")
            archived = json.loads(answer[0][0])
            assert (archived["action_id"], archived["call"], archived["outcome"],
                    archived["answer"]) == (action.id, "hide", "done", {"success": True})

            _instagram_removed_and_ban_refused(settings, state, rows)

            assert rows("SELECT count(*) FROM lines WHERE kind = 'verdict' AND comment_id = ?",
                        COMMENT) == [(2,)], "each version archived exactly once"
            history = comment_history(indexer.db, COMMENT)
            assert history is not None
            assert [v["version"] for v in history["versions"]] == [1, 2]
            kinds = [h["kind"] for h in history["history"]]
            assert kinds.count("verdict") == 2 and "action" in kinds
            assert "platform_answer" in kinds
            before = text_as_of(indexer.db, COMMENT, datetime.fromtimestamp(POSTED + 60, UTC))
            after = text_as_of(indexer.db, COMMENT, datetime.fromtimestamp(EDITED + 60, UTC))
            assert before is not None and before["text"] == "When will Ellsworth Loop reopen?"
            assert after is not None and after["version"] == 2
            assert text_as_of(indexer.db, COMMENT, datetime.fromtimestamp(POSTED - 60, UTC)) \
                is None
        finally:
            for process in reversed(processes):
                process.stop()

        result = CliRunner().invoke(app, ["sources", "check"], env=child_environment(settings))
        assert result.exit_code == 0, result.output
        assert "Town of Queen Creek" in result.output and "pages_manage_engagement" in \
            result.output
        assert f"instagram account {IG}: townofqueencreek" in result.output
        for secret in (APP_SECRET, VERIFY_TOKEN, graph.TOKEN):
            assert secret not in result.output
        logs = "".join(p.log_path.read_text(encoding="utf-8") for p in processes)
        assert "Ellsworth" not in logs and graph.TOKEN not in logs  # no text, no token

        expired = settings.model_copy(update={"sources": settings.sources.model_copy(
            update={"facebook_page_token": SecretStr("expired-token")})})
        result = CliRunner().invoke(app, ["sources", "check"], env=child_environment(expired))
        assert result.exit_code == 1 and "TokenExpired" in result.output


def _instagram_removed_and_ban_refused(settings: Settings, state: graph.GraphState,
                                       rows: Callable[..., list[tuple[Any, ...]]]) -> None:
    """An Instagram comment by webhook → archived; a remove → the ``hide=true`` call and its
    answer archived; a ban → a refused answer archived (Instagram's API cannot block)."""
    state.add_media(IG, MEDIA, POSTED)
    state.add_ig_comment(MEDIA, IG_COMMENT, "Is the splash pad open yet?", POSTED,
                         author="ig-u-7")
    assert deliver(settings, instagram_change(IG, IG_COMMENT, MEDIA, "Is the splash pad open "
                                              "yet?", author="ig-u-7")) == 200
    wait_for(lambda: rows("SELECT 1 FROM comments WHERE comment_id = ?", IG_COMMENT), 60,
             "the Instagram comment screened and archived")
    comment = Comment.model_validate(json.loads(rows(
        "SELECT record FROM lines WHERE kind = 'verdict' AND comment_id = ?",
        IG_COMMENT)[0][0])["comment"])
    assert (comment.platform, comment.page, comment.post) == ("instagram", IG, MEDIA)
    desk = ActionDesk(settings, OneComment(comment), "test")
    try:
        remove = desk.submit(ActionRequest("remove", IG_COMMENT, "m-1", ("b",), "an attack"))
        ban = desk.submit(ActionRequest("ban", comment.author_key, "m-1", ("b",), "repeats"))
    finally:
        desk.close()
    wait_for(lambda: IG_COMMENT in state.hidden, 60, "the hide call on Instagram")
    assert ("POST", f"/{graph.VERSION}/{IG_COMMENT}", {"hide": "true"}) in state.calls

    def both_answers() -> list[tuple[Any, ...]] | None:
        found = rows("SELECT record FROM events WHERE kind = 'platform_answer' "
                     "AND author_id = 'ig-u-7'")
        return found if len(found) == 2 else None

    answers = wait_for(both_answers, 60, "both Instagram answers archived")
    archived = {a["action_id"]: a for a in (json.loads(row[0]) for row in answers)}
    assert (archived[remove.id]["call"], archived[remove.id]["outcome"],
            archived[remove.id]["answer"]) == ("hide", "done", {"success": True})
    assert (archived[ban.id]["call"], archived[ban.id]["outcome"]) == ("block", "refused")
    assert "no call to block" in archived[ban.id]["answer"]["error"]
    assert not any(path.endswith("/blocked") for _, path, _ in state.calls)
