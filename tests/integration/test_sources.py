"""Platform sources on the real broker: the Facebook and Instagram webhook (every verb and
field, forged signatures, replays, out-of-order edits, malformed bodies) and the Graph (Pages,
Instagram) and YouTube pollers (cursor paging, rate limits, a 500, an expired token, resuming,
overlapping the webhook), each against a contract server of the platform's API."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from civicmod.sources import facebook_webhook
from civicmod.sources.capture import Capture
from civicmod.sources.facebook_graph import FacebookPoller, graph_client
from civicmod.sources.instagram import InstagramPoller
from civicmod.sources.ledger import Ledger
from civicmod.sources.youtube import YouTubePoller, youtube_client
from pipeline.ingest import CommentProducer
from pipeline.settings import Settings, SourceSettings
from tests.contract import graph, youtube
from tests.contract.payloads import (
    APP_SECRET,
    VERIFY_TOKEN,
    feed_change,
    instagram_change,
    signed,
)
from tests.contract.served import Served
from tests.integration.helpers import isolated, read_topic

pytestmark = pytest.mark.integration

T = TypeVar("T")
PAGE, POST = "1001", "1001_2002"
READ_TIMEOUT = 30.0


@dataclass
class Rig:
    """Isolated topics, a ledger and the sources' settings."""

    settings: Settings
    ledger_file: Path

    def run(self, work: Callable[[Capture, aiohttp.ClientSession], Any]) -> Any:
        """Run ``work`` with a fresh capture (producer + ledger) in one event loop."""

        async def go() -> Any:
            producer = CommentProducer(self.settings)
            ledger = Ledger(self.ledger_file)
            try:
                async with aiohttp.ClientSession() as session:
                    return await work(Capture(producer, ledger), session)
            finally:
                producer.close()
                ledger.close()

        return asyncio.run(go())

    def raw(self, expected: int) -> list[dict[str, Any]]:
        messages = read_topic(self.settings, self.settings.topics.raw, expected, READ_TIMEOUT)
        return [json.loads(m.value) for m in messages]

    def platform(self, expected: int) -> list[dict[str, Any]]:
        messages = read_topic(self.settings, self.settings.topics.platform, expected,
                              READ_TIMEOUT)
        return [json.loads(m.value) for m in messages]


def rig(stack: Settings, tmp_path: Path, name: str, **sources: Any) -> Rig:
    settings = isolated(stack, name).model_copy(update={"sources": SourceSettings.model_validate(
        {"facebook_app_secret": SecretStr(APP_SECRET),
         "facebook_verify_token": SecretStr(VERIFY_TOKEN), "max_attempts": 3,
         "backoff_max_seconds": 0.1, **sources})})
    return Rig(settings, tmp_path / "sources.sqlite")


@pytest.fixture()
def graph_api() -> Iterator[tuple[graph.GraphState, str]]:
    state = graph.GraphState(pages={PAGE: "Town of Queen Creek"})
    with Served(graph.graph_app(state)) as served:
        yield state, f"{served.url}/{graph.VERSION}"


Call = tuple[str, str, bytes, dict[str, str]]


async def _webhook(capture: Capture, settings: SourceSettings, calls: list[Call]
                   ) -> list[tuple[int, str]]:
    app = web.Application()
    facebook_webhook.add_routes(app, capture, settings)
    replies = []
    async with TestClient(TestServer(app)) as client:
        for method, path, body, headers in calls:
            response = await client.request(method, path, data=body, headers=headers)
            replies.append((response.status, await response.text()))
    return replies


def post(payload: Any, secret: str = APP_SECRET) -> Call:
    body, headers = signed(payload, secret)
    return ("POST", facebook_webhook.PATH, body, headers)


def change(verb: str, comment: str, message: str | None = None, time: int = 1_764_064_800,
           author: str = "u-1") -> dict[str, Any]:
    return feed_change(PAGE, verb, comment, POST, message=message, time=time, author=author)


def test_the_webhook_produces_every_verb_once(stack: Settings, tmp_path: Path) -> None:
    r = rig(stack, tmp_path, "src-hook")
    verify = f"{facebook_webhook.PATH}?hub.mode=subscribe&hub.challenge=4242&hub.verify_token="
    forged_body, _ = signed(change("add", "c-forged", "forged"))
    calls: list[Call] = [
        ("GET", verify + VERIFY_TOKEN, b"", {}),
        ("GET", verify + "wrong", b"", {}),
        post(change("add", "c-forged", "forged text"), secret="not-the-app-secret"),
        ("POST", facebook_webhook.PATH, forged_body, {}),  # no signature at all
        post(change("add", "c-1", "When will Ellsworth Loop reopen?")),
        post(change("add", "c-1", "When will Ellsworth Loop reopen?")),  # Facebook retries
        post(change("edited", "c-2", "Edited before we saw it", time=1_764_068_400)),
        post(change("add", "c-2", "The first text")),  # the add arrives after its edit
        post(change("edited", "c-1", "When will Ellsworth Loop reopen? Thanks",
                    time=1_764_068_400)),
        post(change("hide", "c-1", time=1_764_070_000)),
        post(change("hide", "c-1", time=1_764_070_000)),  # replayed
        post(change("unhide", "c-1", time=1_764_070_100)),
        post(change("remove", "c-1", time=1_764_070_200)),
        post(b"{not json"),
        post(change("add", "c-last", "The last one")),
        post(change("remove", "c-last", time=1_764_070_300)),
    ]
    replies = r.run(lambda capture, _: _webhook(capture, r.settings.sources, calls))
    assert [status for status, _ in replies] == [200, 403, 403, 403] + [200] * 12
    assert replies[0][1] == "4242"
    assert json.loads(replies[5][1]) == {"comments": 0, "events": 0, "duplicates": 1}

    raw = r.raw(expected=5)  # one author, one partition: c-last is the last one produced
    versions = sorted((c["id"], c["version"], c["previous_version"], c["text"]) for c in raw)
    assert versions == [
        ("c-1", 1, None, "When will Ellsworth Loop reopen?"),
        ("c-1", 2, 1, "When will Ellsworth Loop reopen? Thanks"),
        ("c-2", 1, None, "Edited before we saw it"),
        ("c-2", 2, None, "The first text"),
        ("c-last", 1, None, "The last one"),
    ], "nothing forged, no replay, the late original placed first in platform time"
    assert {c["id"]: c["edited_at"] for c in raw if c["version"] == 1}["c-2"] is not None

    events = r.platform(expected=4)
    assert sorted((e["comment_id"], e["action"], e["by"]) for e in events) == [
        ("c-1", "deleted", "facebook:u-1"), ("c-1", "hidden", "page"),
        ("c-1", "unhidden", "page"), ("c-last", "deleted", "facebook:u-1")]
    letters = read_topic(r.settings, r.settings.topics.deadletter, 1, READ_TIMEOUT)
    assert len(letters) == 1 and "facebook webhook" in json.loads(letters[0].value)["error"]


def test_the_graph_poller_pages_backs_off_resumes_and_never_duplicates(
        stack: Settings, tmp_path: Path, graph_api: tuple[graph.GraphState, str]) -> None:
    state, url = graph_api
    r = rig(stack, tmp_path, "src-fbpoll", facebook_page_ids=PAGE, facebook_graph_url=url,
            facebook_page_token=SecretStr(graph.TOKEN))
    now = 1_764_064_800
    for n in range(30):  # two pages of posts (25 a page)
        state.add_post(PAGE, f"{PAGE}_p{n}", now - 3600 + n)
        state.add_comment(f"{PAGE}_p{n}", f"p{n}_c0", f"Comment on post {n}", now - 60 + n)
    for n in range(1, 130):  # one post with two pages of comments (100 a page)
        state.add_comment(f"{PAGE}_p0", f"p0_c{n}", f"Reply number {n}", now + n,
                          author=f"u-{n % 7}", parent="p0_c0")
    state.add_post(PAGE, f"{PAGE}_old", now - 30 * 86400)  # older than the backfill window
    state.add_comment(f"{PAGE}_old", "old_c0", "Too old to backfill", now - 30 * 86400)
    state.faults += [graph.rate_limited(PAGE), graph.server_error()]
    state.traps.append((lambda req: req.path.endswith("/feed") and "after" in req.query,
                        graph.expired()))

    def poll(capture: Capture, session: aiohttp.ClientSession) -> Any:
        client = graph_client(session, r.settings.sources)
        poller = FacebookPoller(client, capture, capture.ledger, r.settings.sources)
        return poller.poll(datetime.fromtimestamp(now + 3600, UTC))

    # The webhook already delivered one of them: the poll must not produce it again.
    r.run(lambda capture, _: _webhook(capture, r.settings.sources, [post(feed_change(
        PAGE, "add", "p3_c0", f"{PAGE}_p3", message="Comment on post 3", created=now - 57))]))
    first = r.run(poll)
    assert first == 25 + 129 - 1, "the first page of posts, then the expired token stopped it"
    stored = Ledger(r.ledger_file).cursor(f"facebook:{PAGE}:feed")
    assert stored is not None and stored["after"]

    second = r.run(poll)
    assert second == 5, "resumed at the stored cursor: the second page of posts"
    resumed = [c for c in state.calls if c[1].endswith("/feed")][-1]
    assert resumed[2]["after"] == stored["after"]
    assert Ledger(r.ledger_file).cursor(f"facebook:{PAGE}:feed") is None  # pass complete

    assert r.run(poll) == 0, "a full pass over known comments produces nothing"
    raw = r.raw(expected=30 + 129)
    ids = [c["id"] for c in raw]
    assert len(ids) == len(set(ids)) == 159 and "old_c0" not in ids
    replies = [c for c in raw if c["id"] == "p0_c5"]
    assert replies[0]["parent"] == "p0_c0" and replies[0]["author_id"] == "u-5"


def test_the_graph_poller_sees_an_edit_the_webhook_missed(
        stack: Settings, tmp_path: Path, graph_api: tuple[graph.GraphState, str]) -> None:
    state, url = graph_api
    r = rig(stack, tmp_path, "src-fbedit", facebook_page_ids=PAGE, facebook_graph_url=url,
            facebook_page_token=SecretStr(graph.TOKEN))
    now = 1_764_064_800
    state.add_post(PAGE, POST, now)
    state.add_comment(POST, "e-1", "Before the edit", now + 10)

    def poll(capture: Capture, session: aiohttp.ClientSession) -> Any:
        client = graph_client(session, r.settings.sources)
        poller = FacebookPoller(client, capture, capture.ledger, r.settings.sources)
        return poller.poll(datetime.fromtimestamp(now + 3600, UTC))

    assert r.run(poll) == 1
    state.comments[POST][0]["message"] = "After the edit"
    assert r.run(poll) == 1
    raw = r.raw(expected=2)
    assert [(c["version"], c["previous_version"], c["text"]) for c in raw] == [
        (1, None, "Before the edit"), (2, 1, "After the edit")]


def test_the_youtube_poller_pages_and_survives_a_quota_error(stack: Settings,
                                                             tmp_path: Path) -> None:
    state = youtube.YouTubeState()
    recent = "2026-12-06T10:00:00Z"
    for n in range(150):  # newest first, two pages of 100
        top = youtube.comment(f"Ug{n}", "UC-town", f"vid{n % 3}", f"Thread {n}", recent)
        replies = [youtube.comment(f"Ug{n}.r", "UC-town", f"vid{n % 3}", "A reply", recent,
                                   parent=f"Ug{n}")] if n == 7 else None
        state.threads.append(youtube.thread(top, replies))
    state.threads[0]["snippet"]["topLevelComment"]["snippet"]["updatedAt"] = \
        "2026-12-06T11:00:00Z"  # edited after posting
    state.faults.append(youtube.quota_exceeded())
    with Served(youtube.youtube_app(state)) as served:
        r = rig(stack, tmp_path, "src-yt", youtube_channel_id="UC-town",
                youtube_api_url=f"{served.url}{youtube.PREFIX}",
                youtube_oauth_token=SecretStr(youtube.TOKEN), backfill_days=3650)

        def poll(capture: Capture, session: aiohttp.ClientSession) -> Any:
            client = youtube_client(session, r.settings.sources)
            return YouTubePoller(client, capture, capture.ledger, r.settings.sources).poll()

        assert r.run(poll) == 151
        assert r.run(poll) == 0
    raw = r.raw(expected=151)
    assert len({c["id"] for c in raw}) == 151
    by_id = {c["id"]: c for c in raw}
    assert by_id["Ug7.r"]["parent"] == "Ug7" and by_id["Ug7.r"]["platform"] == "youtube"
    assert by_id["Ug0"]["edited_at"] is not None and by_id["Ug1"]["edited_at"] is None
    assert by_id["Ug0"]["author_id"] == "UC-author" and by_id["Ug0"]["post"] == "vid0"


IG, MEDIA = "17841400000000001", "18000000000000001"


def test_the_webhook_produces_instagram_comments_once(stack: Settings, tmp_path: Path) -> None:
    r = rig(stack, tmp_path, "src-ighook", instagram_account_ids=IG)
    mention = instagram_change(IG, "ig-m", MEDIA, "@town mentioned")
    mention["entry"][0]["changes"][0]["field"] = "mentions"
    forged_body, _ = signed(instagram_change(IG, "ig-forged", MEDIA, "forged"))
    calls: list[Call] = [
        post(instagram_change(IG, "ig-forged", MEDIA, "forged"), secret="not-the-app-secret"),
        ("POST", facebook_webhook.PATH, forged_body, {}),
        post(instagram_change(IG, "ig-1", MEDIA, "Is the splash pad open?")),
        post(instagram_change(IG, "ig-1", MEDIA, "Is the splash pad open?")),  # retried
        post(instagram_change(IG, "ig-2", MEDIA, "Yes since May", parent="ig-1",
                              author="ig-u-2", time=1_764_064_900)),
        post(instagram_change(IG, "ig-3", "live-1", "Hello from the live", field="live_comments")),
        post(mention),
        post({"object": "instagram", "entry": [{"id": IG, "time": 1, "changes": [
            {"field": "comments", "value": {"id": "ig-bad", "text": "no media"}}]}]}),
    ]
    replies = r.run(lambda capture, _: _webhook(capture, r.settings.sources, calls))
    assert [status for status, _ in replies] == [403, 403] + [200] * 6
    assert json.loads(replies[3][1]) == {"comments": 0, "events": 0, "duplicates": 1}
    assert json.loads(replies[6][1]) == {"comments": 0, "events": 0, "duplicates": 0}

    raw = r.raw(expected=3)
    assert sorted((c["id"], c["platform"], c["page"], c["post"], c["parent"], c["author_id"],
                   c["author_name"], c["version"]) for c in raw) == [
        ("ig-1", "instagram", IG, MEDIA, None, "ig-u-1", "user_ig-u-1", 1),
        ("ig-2", "instagram", IG, MEDIA, "ig-1", "ig-u-2", "user_ig-u-2", 1),
        ("ig-3", "instagram", IG, "live-1", None, "ig-u-1", "user_ig-u-1", 1),
    ], "nothing forged, the retry and the mention produced nothing"
    letters = read_topic(r.settings, r.settings.topics.deadletter, 1, READ_TIMEOUT)
    letter = json.loads(letters[0].value)
    assert len(letters) == 1 and b"ig-bad" in base64.b64decode(letter["raw_base64"])
    assert "media" in letter["error"]


def test_the_instagram_poller_pages_resumes_and_never_duplicates(
        stack: Settings, tmp_path: Path, graph_api: tuple[graph.GraphState, str]) -> None:
    state, url = graph_api
    r = rig(stack, tmp_path, "src-igpoll", instagram_account_ids=IG, facebook_graph_url=url,
            facebook_page_token=SecretStr(graph.TOKEN))
    now = 1_764_064_800
    for n in range(30):  # two pages of media (25 a page), newest first
        state.add_media(IG, f"m{n}", now - 3600 + n)
        state.add_ig_comment(f"m{n}", f"m{n}_c0", f"Comment on media {n}", now - 60 + n)
    for n in range(1, 60):  # two pages of top-level comments on m29 (50 a page)
        state.add_ig_comment("m29", f"m29_c{n}", f"Another {n}", now + n, author=f"ig-u-{n}")
    for n in range(3):
        state.add_ig_comment("m29_c0", f"m29_r{n}", f"Reply {n}", now + 100 + n, reply=True)
    state.add_media(IG, "m-old", now - 30 * 86400)  # older than the backfill window
    state.add_ig_comment("m-old", "old_c0", "Too old to backfill", now - 30 * 86400)
    state.faults.append(graph.rate_limited(IG))
    state.traps.append((lambda req: req.path.endswith("/media") and "after" in req.query,
                        graph.expired()))

    def poll(capture: Capture, session: aiohttp.ClientSession) -> Any:
        poller = InstagramPoller(graph_client(session, r.settings.sources), capture,
                                 capture.ledger, r.settings.sources)
        return poller.poll(datetime.fromtimestamp(now + 3600, UTC))

    r.run(lambda capture, _: _webhook(capture, r.settings.sources, [post(instagram_change(
        IG, "m29_c5", "m29", "Another 5", author="ig-u-5", time=now + 5))]))
    first = r.run(poll)
    assert first == 25 + 59 - 1 + 3, "the first page of media, then the expired token"
    stored = Ledger(r.ledger_file).cursor(f"instagram:{IG}:media")
    assert stored is not None and stored["after"]

    assert r.run(poll) == 5, "resumed at the stored cursor; the old media not visited"
    resumed = [c for c in state.calls if c[1].endswith("/media")][-1]
    assert resumed[2]["after"] == stored["after"]
    assert not any(c[1].endswith("/m-old/comments") for c in state.calls)
    assert Ledger(r.ledger_file).cursor(f"instagram:{IG}:media") is None
    assert r.run(poll) == 0, "a full pass over known comments produces nothing"

    raw = r.raw(expected=30 + 59 + 3)
    ids = [c["id"] for c in raw]
    assert len(ids) == len(set(ids)) == 92 and "old_c0" not in ids
    by_id = {c["id"]: c for c in raw}
    assert (by_id["m29_r1"]["parent"], by_id["m29_r1"]["post"], by_id["m29_r1"]["platform"]) \
        == ("m29_c0", "m29", "instagram")
    assert by_id["m29_c7"]["author_name"] == "user_ig-u-7" and by_id["m29_c7"]["page"] == IG
