"""Platform calls against the contract servers: retries, rate limits, expired tokens, and
moderators' decisions carried out (no broker needed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import aiohttp
import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from civicmod.sources.api import ApiClient, RateLimited, Refused, TokenExpired
from civicmod.sources.executor import PlatformActions
from civicmod.sources.facebook_graph import graph_client
from civicmod.sources.youtube import youtube_client
from pipeline.actions import ModerationAction
from pipeline.platform import PlatformAnswer
from pipeline.settings import Settings, SourceSettings, load_settings
from tests.contract import graph, youtube
from tests.contract.served import Served

T = TypeVar("T")
PAGE = "1001"


@pytest.fixture()
def platform() -> Iterator[graph.GraphState]:
    state = graph.GraphState(pages={PAGE: "Town of Queen Creek"})
    state.add_post(PAGE, f"{PAGE}_1", 1_764_000_000)
    state.add_comment(f"{PAGE}_1", "1_10", "a comment", 1_764_000_100)
    with Served(graph.graph_app(state)) as served:
        state.pages["url"] = served.url
        yield state


def _sources(state: graph.GraphState, token: str = graph.TOKEN, **extra: object
             ) -> SourceSettings:
    return SourceSettings.model_validate({
        "facebook_page_ids": PAGE, "facebook_graph_url": f"{state.pages['url']}/{graph.VERSION}",
        "facebook_page_token": SecretStr(token), "max_attempts": 3,
        "backoff_max_seconds": 0.2, **extra})


def _run(make: Callable[[aiohttp.ClientSession], Awaitable[T]]) -> T:
    async def go() -> T:
        async with aiohttp.ClientSession() as session:
            return await make(session)
    return asyncio.run(go())


def test_a_rate_limit_and_a_500_are_retried_with_backoff(platform: graph.GraphState) -> None:
    platform.faults += [graph.rate_limited(PAGE), graph.server_error()]
    sources = _sources(platform)
    started = time.monotonic()
    client: list[ApiClient] = []

    async def call(session: aiohttp.ClientSession) -> dict[str, object]:
        client.append(graph_client(session, sources))
        return (await client[0].call("GET", PAGE, {"fields": "id,name"})).body

    assert _run(call) == {"id": PAGE, "name": "Town of Queen Creek"}
    assert client[0].last_attempts == 3
    # the rate limit asked for 60 s; the wait is capped by backoff_max_seconds (0.2 s)
    assert 0.2 <= time.monotonic() - started < 5


def test_a_rate_limit_that_outlasts_the_attempts_is_raised(platform: graph.GraphState) -> None:
    platform.faults += [graph.rate_limited(PAGE, minutes=5) for _ in range(3)]
    with pytest.raises(RateLimited) as raised:
        _run(lambda s: graph_client(s, _sources(platform)).call("GET", PAGE))
    assert raised.value.retry_after == 300


def test_an_expired_token_is_not_retried(platform: graph.GraphState) -> None:
    with pytest.raises(TokenExpired):
        _run(lambda s: graph_client(s, _sources(platform, "old-token")).call("GET", PAGE))
    assert len(platform.calls) == 1
    assert all("old-token" not in str(call) for call in platform.calls)  # header, not URL


def test_an_unknown_comment_is_refused_at_once(platform: graph.GraphState) -> None:
    with pytest.raises(Refused):
        _run(lambda s: graph_client(s, _sources(platform)).call(
            "POST", "1_404", {"is_hidden": "true"}))
    assert len(platform.calls) == 1


def _settings(sources: SourceSettings) -> Settings:
    return load_settings().model_copy(update={"sources": sources})


def _carry(settings: Settings, action: ModerationAction, which: str) -> list[PlatformAnswer]:
    async def go(session: aiohttp.ClientSession) -> list[PlatformAnswer]:
        make = youtube_client if which == "youtube" else graph_client
        actions = PlatformActions(settings, {which: make(session, settings.sources)})
        return await actions.carry_out(action)
    return _run(go)


def test_remove_hides_restore_unhides_and_ban_blocks(platform: graph.GraphState) -> None:
    settings = _settings(_sources(platform))
    remove = ModerationAction(kind="remove", moderator="m-1", author_key="facebook:u-1",
                              comment_id="1_10", categories=("a",), reason="vulgar")
    answers = _carry(settings, remove, "facebook")
    assert [(a.call, a.outcome, a.answer, a.action_id) for a in answers] == [
        ("hide", "done", {"success": True}, remove.id)]
    assert platform.hidden == {"1_10"}
    assert ("POST", f"/{graph.VERSION}/1_10", {"is_hidden": "true"}) in platform.calls
    restore = remove.model_copy(update={"kind": "restore", "id": "r-1"})
    assert _carry(settings, restore, "facebook")[0].call == "unhide" and not platform.hidden
    ban = ModerationAction(kind="ban", moderator="m-1", author_key="facebook:u-1",
                           reason="three strikes")
    assert [(a.call, a.target, a.outcome) for a in _carry(settings, ban, "facebook")] == [
        ("block", f"{PAGE}:u-1", "done")]
    assert platform.blocked == {PAGE: {"u-1"}}
    keep = ModerationAction(kind="keep", moderator="m-1", author_key="facebook:u-1",
                            comment_id="1_10")
    assert _carry(settings, keep, "facebook") == []


def test_delete_mode_deletes_and_refused_calls_are_answers_too(
        platform: graph.GraphState) -> None:
    settings = _settings(_sources(platform, facebook_remove_mode="delete"))
    remove = ModerationAction(kind="remove", moderator="m-1", author_key="facebook:u-1",
                              comment_id="1_10", categories=("a",), reason="vulgar")
    assert _carry(settings, remove, "facebook")[0].call == "delete"
    assert platform.deleted == {"1_10"}
    again = _carry(settings, remove.model_copy(update={"id": "again"}), "facebook")[0]
    assert (again.outcome, again.status, again.answer["error"]["code"]) == ("refused", 400, 100)
    restore = remove.model_copy(update={"kind": "restore", "id": "r-2"})
    assert _carry(settings, restore, "facebook")[0].outcome == "refused"


def test_instagram_hides_unhides_deletes_and_refuses_a_ban(platform: graph.GraphState) -> None:
    platform.add_media("ig-1", "m-1", 1_764_000_000)
    platform.add_ig_comment("m-1", "ig_c1", "a comment", 1_764_000_100, author="ig-u-9")
    platform.add_ig_comment("m-1", "ig_c2", "another", 1_764_000_200, author="ig-u-9")
    settings = _settings(_sources(platform, instagram_account_ids="ig-1"))
    remove = ModerationAction(kind="remove", moderator="m-1", author_key="instagram:ig-u-9",
                              comment_id="ig_c1", categories=("a",), reason="vulgar")
    answer, = _carry(settings, remove, "instagram")
    assert (answer.platform, answer.call, answer.outcome, answer.answer) == (
        "instagram", "hide", "done", {"success": True})
    assert ("POST", f"/{graph.VERSION}/ig_c1", {"hide": "true"}) in platform.calls
    assert platform.hidden == {"ig_c1"}
    restore = remove.model_copy(update={"kind": "restore", "id": "r-1"})
    assert _carry(settings, restore, "instagram")[0].call == "unhide" and not platform.hidden
    for kind in ("ban", "unban"):
        ban = remove.model_copy(update={"kind": kind, "id": kind, "comment_id": None})
        refused, = _carry(settings, ban, "instagram")
        assert (refused.call, refused.outcome, refused.target, refused.status) == (
            "block" if kind == "ban" else "unblock", "refused", "ig-u-9", None)
        assert "Instagram's API has no call to block" in refused.answer["error"]
    assert platform.blocked == {}, "nothing was blocked on any Page"
    deleting = _settings(_sources(platform, instagram_account_ids="ig-1",
                                  facebook_remove_mode="delete"))
    gone = remove.model_copy(update={"id": "d-1", "comment_id": "ig_c2"})
    assert _carry(deleting, gone, "instagram")[0].call == "delete"
    assert platform.deleted == {"ig_c2"}


def test_youtube_calls_set_the_moderation_status() -> None:
    state = youtube.YouTubeState()
    with Served(youtube.youtube_app(state)) as served:
        sources = SourceSettings(youtube_channel_id="UC-town",
                                 youtube_api_url=f"{served.url}{youtube.PREFIX}",
                                 youtube_oauth_token=SecretStr(youtube.TOKEN),
                                 backoff_max_seconds=0.1)
        settings = _settings(sources)
        remove = ModerationAction(kind="remove", moderator="m-1", author_key="youtube:UC-a",
                                  comment_id="Ugx1", categories=("b",), reason="attack")
        answer, = _carry(settings, remove, "youtube")
        assert (answer.outcome, answer.answer["status"]) == ("done", 204)
        ban = remove.model_copy(update={"kind": "ban", "id": "b-1"})
        assert _carry(settings, ban, "youtube")[0].outcome == "done"
        assert state.calls[-1][2]["banAuthor"] == "true"
        unban = remove.model_copy(update={"kind": "unban", "id": "u-1"})
        assert _carry(settings, unban, "youtube")[0].outcome == "refused"
        state.faults += [youtube.quota_exceeded() for _ in range(sources.max_attempts)]
        quota = _carry(settings, remove.model_copy(update={"id": "q"}), "youtube")[0]
        assert (quota.outcome, quota.status, quota.attempts) == ("failed", 403, 5)


def test_every_attempt_is_counted_by_api_and_outcome(platform: graph.GraphState) -> None:
    def count(outcome: str) -> float:
        return REGISTRY.get_sample_value(
            "civicmod_platform_calls_total", {"api": "127.0.0.1", "outcome": outcome}) or 0.0

    before = {outcome: count(outcome) for outcome in ("ok", "RateLimited", "TokenExpired")}
    platform.faults.append(graph.rate_limited(PAGE))
    _run(lambda s: graph_client(s, _sources(platform)).call("GET", PAGE))
    with pytest.raises(TokenExpired):
        _run(lambda s: graph_client(s, _sources(platform, "old-token")).call("GET", PAGE))
    assert {outcome: count(outcome) - before[outcome] for outcome in before} == {
        "ok": 1, "RateLimited": 1, "TokenExpired": 1}
