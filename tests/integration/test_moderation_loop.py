"""The moderators' loop on the real broker and S3: queue, removals, a ban recommendation, a
ban that survives a SIGKILLed worker, category i, a restore, an unban, rejected actions, and
an archive that holds every comment and every action exactly once, told back in order."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from civicmod.cli import app
from civicmod.review import ReviewQueue
from civicmod.stack.embedded import child_environment
from pipeline.actions import FlaggedComment, Standing
from pipeline.desk import ActionDesk
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import ModerationSettings, Settings
from sinks.reader import archived_lines
from tests.integration.helpers import (
    archive_facts,
    archive_store,
    isolated,
    read_topic,
    start,
    wait_for,
)

pytestmark = pytest.mark.integration

AUTHOR = "facebook:u-repeat"
VULGAR = ["This shit road is never fixed", "What the fuck is council doing",
          "Shit decisions again", "Total shit, every single time"]
CLEAN = ["When does the library open?", "Thanks for plowing Ellsworth Loop"]
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def post(producer: CommentProducer, comment_id: str, text: str, minute: int) -> None:
    producer.accept_object({
        "id": comment_id, "platform": "facebook", "page": "townofqueencreek", "post": "p-7",
        "author_id": "u-repeat", "author_name": "Pat Repeat", "text": text,
        "created_at": (START + timedelta(minutes=minute)).isoformat(),
    }, "test", IngestCounts())
    producer.flush()


def values(settings: Settings, topic: str) -> list[dict[str, Any]]:
    return [json.loads(m.value) for m in read_topic(settings, topic, 10**6, timeout=1.5)]


def standings(settings: Settings) -> list[Standing]:
    return [Standing.model_validate(v) for v in values(settings, settings.topics.sanctions)]


def flag_of(settings: Settings, comment_id: str) -> FlaggedComment | None:
    found = [FlaggedComment.model_validate(v) for v in values(settings, settings.topics.flagged)
             if v.get("kind") == "comment" and v["comment"]["id"] == comment_id]
    return found[-1] if found else None


class SecondSession:
    """A moderator who keeps a flagged comment and bans on a ban recommendation."""

    def __init__(self) -> None:
        self.pending: list[str] = []

    def __call__(self, question: str) -> str:
        if question.startswith("[b]an the author, [k]eep (no ban)"):
            self.pending = ["three vulgar comments in a day"]
            return "b"
        if question.startswith("[k]eep, [r]emove"):
            self.pending = ["borderline: quotes a road sign"]
            return "k"
        return self.pending.pop(0)


def civicmod(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=child_environment(settings))
    return result.exit_code, result.output


def test_the_moderators_loop_end_to_end(stack: Settings, tmp_path: Path) -> None:
    settings = isolated(stack, "modloop").model_copy(
        update={"moderation": ModerationSettings(team="modloop-team")})
    worker = start("modloop-worker", ["worker"], settings)
    sink = start("modloop-sink", ["sink"], settings)
    producer = CommentProducer(settings)
    store = archive_store(settings)
    facts = archive_facts(settings, tmp_path / "index.duckdb")
    try:
        for n, text in enumerate(VULGAR, start=1):
            post(producer, f"v{n}", text, n)
        for n, text in enumerate(CLEAN, start=1):
            post(producer, f"n{n}", text, 10 + n)

        # The moderator works the queue: remove three of the four vulgar comments.
        answers = iter(["r", "", "vulgar language on a town page"] * 3)
        screen = Console(file=io.StringIO(), width=120, record=True)
        desk = ActionDesk(settings, facts, "test review")
        try:
            queue = ReviewQueue(settings, "modloop-team", "m-1", desk, screen,
                                lambda _question: next(answers))
            assert queue.run(limit=3, idle_seconds=60) == 3
        finally:
            desk.close()
        shown = screen.export_text()
        assert "recommended: REMOVE" in shown and "E.1.a" in shown

        recommended = wait_for(
            lambda: [s for s in standings(settings) if s.recommendation == "ban"], 30,
            "a ban recommendation on authors.sanctions")
        assert recommended[0].violations == 3 and recommended[0].author_key == AUTHOR

        # The worker dies hard; its per-author state must come back.
        worker.kill()
        worker = start("modloop-worker-2", ["worker"], settings)

        # Next session: keep the fourth comment, ban on the recommendation (either order).
        screen = Console(file=io.StringIO(), width=120, record=True)
        desk = ActionDesk(settings, facts, "test review")
        try:
            queue = ReviewQueue(settings, "modloop-team", "m-1", desk, screen, SecondSession())
            assert queue.run(limit=2, idle_seconds=60) == 2
        finally:
            desk.close()
        assert "ban recommendation · facebook:u-repeat" in screen.export_text()
        post(producer, "v5", "I have a question about the splash pad hours", 20)
        banned_flag = wait_for(lambda: flag_of(settings, "v5"), 60, "v5 flagged under i")
        assert [f.category for f in banned_flag.findings] == ["i"]
        assert banned_flag.history.violations == 3  # counted before the SIGKILL
        assert banned_flag.history.sanction == "banned"

        code, output = civicmod(settings, "act", "restore", "v1", "--reason", "on appeal",
                                "--moderator", "m-2")
        assert code == 0, output
        code, output = civicmod(settings, "act", "unban", AUTHOR, "--moderator", "m-2")
        assert code == 0, output
        lifted = wait_for(lambda: [s for s in standings(settings) if s.event == "unbanned"],
                          30, "the unban applied")
        assert lifted[-1].violations == 2 and not lifted[-1].banned  # the restore counted
        post(producer, "n3", "Great job on the parade", 30)

        rejected = [
            (("act", "remove", "no-such-comment", "-c", "a", "--reason", "x"),
             "unknown comment id"),
            (("act", "remove", "v4", "-c", "a"), "needs a reason"),
            (("act", "remove", "v4", "-c", "z", "--reason", "x"), "unknown category 'z'"),
        ]
        for args, message in rejected:
            code, output = civicmod(settings, *args, "--moderator", "m-3")
            assert code == 2 and message in output, output

        def archived() -> dict[str, list[dict[str, Any]]] | None:
            lines = {topic: list(archived_lines(store, topic)) for topic in (
                settings.topics.verdicts, settings.topics.actions,
                settings.topics.deadletter, settings.topics.sanctions)}
            done = (len(lines[settings.topics.verdicts]) >= 8
                    and len(lines[settings.topics.actions]) >= 7
                    and len(lines[settings.topics.deadletter]) >= 3)
            return lines if done else None

        lines = wait_for(archived, 60, "every comment, action and rejection archived")
    finally:
        producer.close()
        sink.stop()
        worker.stop()

    comments = Counter(line["record"]["comment"]["id"]
                       for line in lines[settings.topics.verdicts])
    assert comments == Counter({c: 1 for c in ["v1", "v2", "v3", "v4", "v5", "n1", "n2",
                                                 "n3"]})
    verdicts = {line["record"]["comment"]["id"]: line["record"]
                for line in lines[settings.topics.verdicts]}
    assert all(verdicts[f"v{n}"]["action"] == "review" for n in range(1, 5))  # a: no auto-hide
    assert verdicts["n3"]["action"] == "allow"  # unbanned: no more category i
    actions = [line["record"] for line in lines[settings.topics.actions]]
    assert len({a["id"] for a in actions}) == len(actions) == 7
    assert Counter(a["kind"] for a in actions) == Counter(
        {"remove": 3, "keep": 1, "ban": 1, "restore": 1, "unban": 1})
    errors = [line["record"]["error"] for line in lines[settings.topics.deadletter]]
    assert len(errors) == 3 and all(e.startswith("action rejected: ") for e in errors)

    story = facts.story(AUTHOR)
    events = [line.what for line in story]
    for expected in (["comment v1", "comment v4", "action remove", "standing removed",
                      "action ban", "standing banned", "comment v5", "action restore",
                      "action unban", "standing unbanned", "comment n3"],
                     ["action restore", "standing restored", "standing unbanned",
                      "rejected remove"]):
        positions = [events.index(what) for what in expected]
        assert positions == sorted(positions), events
    code, output = civicmod(settings, "history", AUTHOR)
    assert code == 0 and "history of facebook:u-repeat" in output
