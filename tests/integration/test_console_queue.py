"""The moderators' queue in the console, on the real broker: live updates by server-sent
events, evidence shown, two moderators and one item (claim, conflict), an action written
through the desk, and an item that stays in the queue until it is decided."""

from __future__ import annotations

import http.client
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer

from pipeline.actions import AuthorHistory, FlaggedComment
from pipeline.records import Comment, Evidence, Finding
from pipeline.settings import Settings
from tests.integration.console_helpers import Client, RunningConsole, add_user, console_settings
from tests.integration.helpers import isolated, read_topic, wait_for

pytestmark = pytest.mark.integration


def flag(settings: Settings, comment_id: str, text: str, word: str) -> None:
    """Put one flagged comment (vulgar ``word`` in ``text``) on the queue topic."""
    start = text.index(word)
    flagged = FlaggedComment(
        comment=Comment(id=comment_id, platform="facebook", page="qc", post="p-1",
                        author_id="u-1", author_name="Pat", text=text,
                        created_at=datetime.now(UTC)),
        findings=(Finding(category="a", score=0.93, detector="profanity", version="t",
                          evidence=(Evidence(start=start, end=start + len(word), text=word),)),),
        action="review", categories=("a",), reasons=("Flagged for review under E.1.a",),
        policy_version="test", model_version="test", scored_chars=len(text),
        recommendation="remove", history=AuthorHistory(window_days=90, threshold=3))
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    producer.send(settings.topics.flagged, key=b"facebook:u-1",
                  value=flagged.to_json_bytes()).get(timeout=30)
    producer.close()


def item_id(client: Client, comment_id: str) -> str | None:
    found = re.search(r'href="/queue/item/([^"]+)">' + comment_id + "<",
                      client.get("/queue/rows").text)
    return found.group(1) if found else None


def test_two_moderators_one_queue(stack: Settings, tmp_path: Path) -> None:
    settings = console_settings(isolated(stack, "cons-queue"), tmp_path, "cons-queue")
    add_user(settings, "mia", "moderator")
    add_user(settings, "max", "moderator")
    flag(settings, "q-1", "This shit road again", "shit")
    with RunningConsole(settings) as console:
        mia, max_ = Client(console), Client(console)
        mia.login("mia")
        max_.login("max")
        first = wait_for(lambda: item_id(mia, "q-1"), 60, "q-1 in the console's queue")

        stream = http.client.HTTPConnection("127.0.0.1", console.port, timeout=30)
        stream.request("GET", "/queue/events", headers={
            "Cookie": f"civicmod_session={mia.cookies['civicmod_session']}"})
        events = stream.getresponse()
        assert events.status == 200
        assert events.getheader("Content-Type", "").startswith("text/event-stream")
        assert events.readline() == b"event: queue\n"
        events.readline(), events.readline()
        flag(settings, "q-2", "What the fuck, council", "fuck")
        deadline = time.monotonic() + 30
        count = 0
        while count < 2 and time.monotonic() < deadline:
            line = events.readline().decode()
            if line.startswith("data: {"):
                count = json.loads(line[6:])["count"]
        stream.close()
        assert count == 2, "no live update announced the second item"

        page = mia.get(f"/queue/item/{first}")
        assert page.status == 200
        assert '<mark class="evidence" title="E.1.a: vulgar language">shit</mark>' in page.text
        assert "0.93" in page.text and "REMOVE" in page.text

        seen_by_max = max_.get(f"/queue/item/{first}")
        assert "claimed by mia" in seen_by_max.text
        clash = max_.post(f"/queue/item/{first}/act", {
            "csrf": seen_by_max.csrf(), "kind": "keep"})
        assert clash.status == 409 and "claimed by mia" in clash.text

        no_reason = mia.post(f"/queue/item/{first}/act", {
            "csrf": page.csrf(), "kind": "remove", "category": "a", "reason": ""})
        assert no_reason.status == 400 and "needs a reason" in no_reason.text
        assert item_id(mia, "q-1") == first

        done = mia.post(f"/queue/item/{first}/act", {
            "csrf": page.csrf(), "kind": "remove", "category": "a",
            "reason": "vulgar language on a town page"})
        assert done.status == 303 and done.header("Location").startswith("/queue/next")
        assert item_id(mia, "q-1") is None and item_id(mia, "q-2") is not None
        late = max_.post(f"/queue/item/{first}/act", {"csrf": seen_by_max.csrf(),
                                                      "kind": "keep"})
        assert late.status == 409 and "already decided: remove by mia" in late.text

    actions = [json.loads(m.value) for m in read_topic(settings, settings.topics.actions, 1, 10)]
    assert [(a["kind"], a["moderator"], a["comment_id"], a["categories"], a["reason"])
            for a in actions] == [("remove", "mia", "q-1", ["a"],
                                   "vulgar language on a town page")]

    with RunningConsole(settings) as console:  # a restart shows what was not decided
        mia = Client(console)
        mia.login("mia")
        wait_for(lambda: item_id(mia, "q-2"), 60, "q-2 shown again after a restart")
        assert item_id(mia, "q-1") is None
