"""The Facebook Graph API: its error shapes, the poller (backfill and gaps) and moderation calls.

:class:`GraphPoller` is the resumable pass both Graph platforms share (Facebook here, Instagram
in :mod:`civicmod.sources.instagram`). Facebook polling: ``GET /{page-id}/feed?since=`` (posts
of the last ``sources.backfill_days``), then
``GET /{post-id}/comments`` for each, both followed through ``paging.cursors.after``. The
feed cursor is stored after each page of posts, so a stopped poll resumes there.
Calls: ``POST /{comment-id}`` with ``is_hidden=true|false`` (or ``DELETE /{comment-id}`` when
``sources.facebook_remove_mode`` is ``delete``), ``POST|DELETE /{page-id}/blocked`` with
``user=<id>`` for a ban and an unban.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from pydantic import ValidationError

from civicmod.sources.api import (
    ApiClient,
    ApiError,
    RateLimited,
    Refused,
    TokenExpired,
    Transient,
)
from civicmod.sources.capture import Capture, Observed
from civicmod.sources.facebook_webhook import platform_time
from civicmod.sources.ledger import Ledger
from pipeline.records import Comment
from pipeline.settings import SourceSettings

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80010)})
TOKEN_CODES = frozenset({190, 102})
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"


def classify(status: int, body: Mapping[str, Any], headers: Mapping[str, str]
             ) -> ApiError | None:
    """Graph API errors (``{"error": {"code", "message", ...}}``) as :class:`ApiError`."""
    error = body.get("error")
    if status < 400 and not error:
        return None
    details = error if isinstance(error, dict) else {}
    code = details.get("code")
    message = f"Graph API {status} code {code}: {details.get('message', '')}"[:300]
    if code in TOKEN_CODES:
        return TokenExpired(message, status, body)
    if code in RATE_LIMIT_CODES or status == 429:
        return RateLimited(message, status, body, retry_after=_regain_seconds(headers))
    if status >= 500 or code in (1, 2):
        return Transient(message, status, body)
    return Refused(message, status, body)


def _regain_seconds(headers: Mapping[str, str]) -> float:
    """Seconds until access returns: ``X-Business-Use-Case-Usage``'s
    ``estimated_time_to_regain_access`` (minutes), else ``Retry-After``, else 60."""
    try:
        usage = json.loads(headers.get("X-Business-Use-Case-Usage", "{}"))
        minutes = [float(u.get("estimated_time_to_regain_access", 0))
                   for uses in usage.values() for u in uses]
        if minutes and max(minutes) > 0:
            return max(minutes) * 60
    except (ValueError, AttributeError, TypeError):
        pass
    try:
        return float(headers.get("Retry-After", "60"))
    except ValueError:
        return 60.0


def graph_client(session: aiohttp.ClientSession, settings: SourceSettings) -> ApiClient:
    """A Graph API client with the page token (sent as a header, never in URLs or logs)."""
    token = settings.facebook_page_token.get_secret_value()
    return ApiClient(session, settings.facebook_graph_url, settings, classify,
                     {"Authorization": f"Bearer {token}"})


class GraphPoller(ABC):
    """A resumable pass over each account's list edge (a Page's ``feed``, an Instagram
    account's ``media``), capturing every comment under each item; subclasses name the edge
    and read the items. The list cursor is stored after each page, so a pass stopped by an
    expired token or a rate limit resumes there."""

    platform = ""
    edge = ""

    def __init__(self, client: ApiClient, capture: Capture, ledger: Ledger,
                 settings: SourceSettings) -> None:
        self.client = client
        self.capture = capture
        self.ledger = ledger
        self.settings = settings

    @abstractmethod
    def accounts(self) -> tuple[str, ...]:
        """The configured ids whose edge is walked."""

    @abstractmethod
    def list_params(self, since: int) -> dict[str, Any]:
        """The query of the list edge for items since Unix time ``since``."""

    @abstractmethod
    async def visit(self, account: str, item: dict[str, Any], now: datetime) -> int:
        """Capture the comments under one listed item; return versions produced."""

    def too_old(self, item: dict[str, Any], since: int) -> bool:
        """True for a listed item older than ``since``: it is skipped, and the pass ends
        after its page (lists run newest first). Default: the platform filtered already."""
        return False

    async def poll(self, now: datetime | None = None) -> int:
        """One pass over every account; return the comment versions produced. An account
        whose token expired or whose rate limit outlasts the retries stops; its cursor stays."""
        produced = 0
        for account in self.accounts():
            produced += await self.poll_account(account, now or datetime.now(UTC))
        return produced

    async def poll_account(self, account: str, now: datetime) -> int:
        """Resume (or start) the pass over ``account``'s edge; return versions produced."""
        counted = [0]
        try:
            await self._pass(account, now, counted)
        except ApiError as exc:
            log.error("%s %s: poll stopped (%s): %s", self.platform, account,
                      type(exc).__name__, exc)
        return counted[0]

    async def _pass(self, account: str, now: datetime, counted: list[int]) -> None:
        name = f"{self.platform}:{account}:{self.edge}"
        state = self.ledger.cursor(name) or {
            "since": int((now - timedelta(days=self.settings.backfill_days)).timestamp())}
        while True:
            params = self.list_params(state["since"])
            if state.get("after"):
                params["after"] = state["after"]
            listed = (await self.client.call("GET", f"{account}/{self.edge}", params)).body
            items = listed.get("data", [])
            fresh = [item for item in items if not self.too_old(item, state["since"])]
            for item in fresh:
                counted[0] += await self.visit(account, item, now)
            after = (listed.get("paging") or {}).get("cursors", {}).get("after")
            if not (listed.get("paging") or {}).get("next") or not after \
                    or len(fresh) < len(items):
                self.ledger.set_cursor(name, None)
                return
            state = {**state, "after": after}
            self.ledger.set_cursor(name, state)

    async def capture_edge(self, path: str, params: dict[str, Any],
                           read: Callable[[dict[str, Any], bool], Comment]
                           ) -> tuple[int, list[dict[str, Any]]]:
        """Capture every comment of a paged edge (``read`` builds each; its flag: known
        before); return the versions produced and the items seen."""
        produced, seen = 0, []
        while True:
            answer = (await self.client.call("GET", path, params)).body
            items = answer.get("data", [])
            seen += items
            observed = [o for o in (self._observed(item, read) for item in items)
                        if o is not None]
            produced += (await self.capture.take(observed)).comments
            paging = answer.get("paging") or {}
            after = paging.get("cursors", {}).get("after")
            if not paging.get("next") or not after:
                return produced, seen
            params = {**params, "after": after}

    def _observed(self, item: dict[str, Any], read: Callable[[dict[str, Any], bool], Comment]
                  ) -> Observed | None:
        known = self.ledger.knows(self.platform, str(item.get("id", "")))
        try:
            comment = read(item, known)
        except (ValidationError, ValueError) as exc:
            log.warning("%s comment %s skipped: %s", self.platform, item.get("id"),
                        type(exc).__name__)  # e.g. a photo-only comment: no text
            return None
        return Observed(comment, original=not known)


class FacebookPoller(GraphPoller):
    """Polls each configured page's recent posts for comments missed by the webhook."""

    platform = "facebook"
    edge = "feed"

    def accounts(self) -> tuple[str, ...]:
        """The configured Pages."""
        return self.settings.facebook_pages

    def list_params(self, since: int) -> dict[str, Any]:
        """Posts since ``since`` (the Graph API filters them)."""
        return {"since": since, "fields": "id,created_time", "limit": 25}

    async def visit(self, account: str, item: dict[str, Any], now: datetime) -> int:
        """Every comment of one post (replies included)."""
        return await self.poll_post(account, str(item["id"]), now)

    async def poll_post(self, page: str, post: str, now: datetime) -> int:
        """Every comment of one post (replies included); return versions produced."""
        params: dict[str, Any] = {"fields": COMMENT_FIELDS, "filter": "stream", "limit": 100}

        def read(item: dict[str, Any], known: bool) -> Comment:
            author = item.get("from") or {}
            return Comment(
                id=str(item.get("id", "")), platform="facebook", page=page, post=post,
                parent=(item.get("parent") or {}).get("id"),
                author_id=str(author.get("id") or "unknown"),
                author_name=str(author.get("name", "")), text=item.get("message", ""),
                created_at=platform_time(item.get("created_time")),
                url=item.get("permalink_url"), edited_at=now if known else None)

        return (await self.capture_edge(f"{post}/comments", params, read))[0]


async def hide(client: ApiClient, comment_id: str, hidden: bool, param: str = "is_hidden"
               ) -> dict[str, Any]:
    """Hide or unhide a comment (Facebook's ``is_hidden``, Instagram's ``hide``); the
    platform's answer."""
    answer = await client.call("POST", comment_id, {param: "true" if hidden else "false"})
    return answer.body


async def delete(client: ApiClient, comment_id: str) -> dict[str, Any]:
    """Delete a comment; the platform's answer."""
    return (await client.call("DELETE", comment_id)).body


async def block(client: ApiClient, page: str, user: str, blocked: bool) -> dict[str, Any]:
    """Block (ban) or unblock a person on a page; the platform's answer."""
    return (await client.call("POST" if blocked else "DELETE", f"{page}/blocked",
                              {"user": user})).body
