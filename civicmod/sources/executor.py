"""Carrying moderators' decisions to the platform, and archiving what the platform answered.

A plain Kafka consumer of ``moderation.actions`` (manual commits): for each action on a
configured platform it makes the platform's call (with retries), produces the answer to
``platform.events`` and commits the offset only once the broker has the answer. A crash in
between repeats the call, which is why ``remove`` hides by default: hiding twice is harmless,
and a hidden comment can be restored (docs/decisions/0008-platform-sources.md).

| action | Facebook | Instagram | YouTube |
| --- | --- | --- | --- |
| remove | hide (``is_hidden=true``) or ``DELETE`` | hide (``hide=true``) or ``DELETE`` | rejected |
| restore | unhide (``is_hidden=false``) | unhide (``hide=false``) | published |
| ban | ``POST /{page}/blocked user=`` per page | refused: no such call | ``banAuthor`` |
| unban | ``DELETE /{page}/blocked user=`` per page | refused: no such call | refused |
| keep | nothing | nothing | nothing |
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from kafka import KafkaConsumer
from pydantic import ValidationError

from civicmod.sources import facebook_graph, instagram, youtube
from civicmod.sources.api import ApiClient, ApiError
from pipeline import health
from pipeline.actions import ModerationAction
from pipeline.ingest import CommentProducer
from pipeline.kafka_auth import client_options
from pipeline.platform import PlatformAnswer, PlatformCall
from pipeline.settings import Settings

log = logging.getLogger(__name__)

GRAPH_HIDE_PARAMS = {"facebook": "is_hidden", "instagram": instagram.HIDE_PARAM}

Call = Callable[[], Awaitable[dict[str, Any]]]


class PlatformActions:
    """Turns one moderation action into platform calls and their archived answers."""

    def __init__(self, settings: Settings, clients: dict[str, ApiClient]) -> None:
        self.settings = settings
        self.sources = settings.sources
        self.clients = clients

    async def carry_out(self, action: ModerationAction) -> list[PlatformAnswer]:
        """Make the calls ``action`` needs on its platform; one answer per call."""
        platform, _, author = action.author_key.partition(":")
        client = self.clients.get(platform)
        if client is None or action.kind == "keep":
            return []
        if platform in GRAPH_HIDE_PARAMS:
            return await self._graph(client, action, author, platform)
        return await self._youtube(client, action, author)

    async def _graph(self, client: ApiClient, action: ModerationAction, author: str,
                     platform: str) -> list[PlatformAnswer]:
        comment = action.comment_id or ""
        delete = self.sources.facebook_remove_mode == "delete"
        if action.kind == "remove" and delete:
            return [await self._answer(action, "delete", comment,
                                       lambda: facebook_graph.delete(client, comment))]
        if action.kind in ("remove", "restore"):
            if action.kind == "restore" and delete:
                return [self._refused(action, "unhide", comment,
                                      "comments are deleted (facebook_remove_mode=delete): "
                                      "a deleted comment cannot be restored")]
            hidden, param = action.kind == "remove", GRAPH_HIDE_PARAMS[platform]
            return [await self._answer(action, "hide" if hidden else "unhide", comment,
                                       lambda: facebook_graph.hide(client, comment, hidden,
                                                                   param))]
        blocked = action.kind == "ban"
        call: PlatformCall = "block" if blocked else "unblock"
        if platform == "instagram":
            return [self._refused(action, call, author,
                                  "Instagram's API has no call to block or restrict an "
                                  "account: do it in the Instagram app (restrict or block)")]
        return [await self._answer(action, call, f"{page}:{author}",
                                   _blocking(client, page, author, blocked))
                for page in self.sources.facebook_pages]

    async def _youtube(self, client: ApiClient, action: ModerationAction, author: str
                       ) -> list[PlatformAnswer]:
        comment = action.comment_id or ""
        if action.kind in ("remove", "restore"):
            status = "rejected" if action.kind == "remove" else "published"
            call: PlatformCall = "hide" if action.kind == "remove" else "unhide"
            return [await self._answer(action, call, comment, lambda: youtube.
                                       set_moderation_status(client, comment, status))]
        if action.kind == "ban" and comment:
            return [await self._answer(action, "block", comment, lambda: youtube.
                                       set_moderation_status(client, comment, "rejected",
                                                             ban=True))]
        why = ("YouTube bans through a comment: ban from the comment's queue item"
               if action.kind == "ban" else
               "YouTube has no unban call: lift the ban in YouTube Studio")
        return [self._refused(action, "block" if action.kind == "ban" else "unblock",
                              author, why)]

    async def _answer(self, action: ModerationAction, call: PlatformCall, target: str,
                      make: Call) -> PlatformAnswer:
        client = self.clients[action.author_key.partition(":")[0]]
        status: int | None = 200
        try:
            body = await make()
            outcome, attempts = "done", client.last_attempts
        except ApiError as exc:
            body = exc.body or {"error": str(exc)}
            outcome = "refused" if exc.permanent else "failed"
            status, attempts = exc.status, max(client.last_attempts, 1)
        log.info("%s %s on %s: %s after %d attempt(s)", call, action.id,
                 action.author_key.partition(":")[0], outcome, attempts)
        return self._record(action, call, target, outcome, status, body, attempts)

    def _refused(self, action: ModerationAction, call: PlatformCall, target: str, why: str
                 ) -> PlatformAnswer:
        return self._record(action, call, target or "unknown", "refused", None,
                            {"error": why}, 1)

    def _record(self, action: ModerationAction, call: PlatformCall, target: str, outcome: str,
                status: int | None, body: dict[str, Any], attempts: int) -> PlatformAnswer:
        return PlatformAnswer.model_validate({
            "id": f"{action.id}:{call}:{target}", "action_id": action.id,
            "platform": action.author_key.partition(":")[0], "call": call, "target": target,
            "comment_id": action.comment_id, "author_id": action.author_key.partition(":")[2],
            "by": action.moderator, "outcome": outcome, "status": status, "answer": body,
            "attempts": attempts})


def _blocking(client: ApiClient, page: str, author: str, blocked: bool) -> Call:
    return lambda: facebook_graph.block(client, page, author, blocked)


def run_executor(settings: Settings, stop: threading.Event) -> None:
    """Consume ``moderation.actions`` until ``stop`` is set, carrying each to its platform."""
    asyncio.run(_run(settings, stop))


async def _run(settings: Settings, stop: threading.Event) -> None:
    join = settings.kafka.group_join_timeout_ms
    consumer = KafkaConsumer(
        settings.topics.actions, bootstrap_servers=settings.kafka.bootstrap_servers,
        **client_options(settings.kafka),
        group_id=settings.sources.actions_group, client_id="civicmod-platform-actions",
        enable_auto_commit=False, auto_offset_reset="earliest", max_poll_interval_ms=join,
        session_timeout_ms=join, heartbeat_interval_ms=max(join // 4, 500))
    producer = CommentProducer(settings)
    async with aiohttp.ClientSession() as session:
        clients = platform_clients(session, settings)
        actions = PlatformActions(settings, clients)
        try:
            health.STATE.set_ready()
            while not stop.is_set():
                health.STATE.beat()
                polled = await asyncio.to_thread(consumer.poll, timeout_ms=500)
                for messages in polled.values():
                    for message in messages:
                        for answer in await _answers(actions, message.value):
                            producer.send_platform(answer, f"{answer.platform}:"
                                                           f"{answer.author_id}")
                if polled:
                    await asyncio.to_thread(producer.flush)
                    await asyncio.to_thread(consumer.commit)
        finally:
            consumer.close(autocommit=False)
            producer.close()


async def _answers(actions: PlatformActions, value: bytes | None) -> list[PlatformAnswer]:
    try:
        action = ModerationAction.model_validate_json(value or b"")
    except ValidationError:
        log.warning("not a moderation action; skipped (it is archived as it is)")
        return []
    return await actions.carry_out(action)


def platform_clients(session: aiohttp.ClientSession, settings: Settings) -> dict[str, ApiClient]:
    """An API client per configured platform."""
    clients: dict[str, ApiClient] = {}
    for platform in GRAPH_HIDE_PARAMS:
        if platform in settings.sources.configured:
            clients[platform] = facebook_graph.graph_client(session, settings.sources)
    if "youtube" in settings.sources.configured:
        clients["youtube"] = youtube.youtube_client(session, settings.sources)
    return clients
