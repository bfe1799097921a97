"""The Facebook Graph API: its error shapes, the poller (backfill and gaps) and moderation calls.

Polling: ``GET /{page-id}/feed?since=`` (posts of the last ``sources.backfill_days``), then
``GET /{post-id}/comments`` for each, both followed through ``paging.cursors.after``. The
feed cursor is stored after each page of posts, so a stopped poll resumes there.
Calls: ``POST /{comment-id}`` with ``is_hidden=true|false`` (or ``DELETE /{comment-id}`` when
``sources.facebook_remove_mode`` is ``delete``), ``POST|DELETE /{page-id}/blocked`` with
``user=<id>`` for a ban and an unban.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
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


class FacebookPoller:
    """Polls each configured page's recent posts for comments missed by the webhook."""

    def __init__(self, client: ApiClient, capture: Capture, ledger: Ledger,
                 settings: SourceSettings) -> None:
        self.client = client
        self.capture = capture
        self.ledger = ledger
        self.settings = settings

    async def poll(self, now: datetime | None = None) -> int:
        """One pass over every page; return the comment versions produced. A page whose
        token expired or whose rate limit outlasts the retries stops; its cursor stays."""
        produced = 0
        for page in self.settings.facebook_pages:
            produced += await self.poll_page(page, now or datetime.now(UTC))
        return produced

    async def poll_page(self, page: str, now: datetime) -> int:
        """Resume (or start) the pass over ``page``'s feed; return versions produced."""
        counted = [0]
        try:
            await self._pass(page, now, counted)
        except ApiError as exc:
            log.error("facebook page %s: poll stopped (%s): %s", page, type(exc).__name__, exc)
        return counted[0]

    async def _pass(self, page: str, now: datetime, counted: list[int]) -> None:
        name = f"facebook:{page}:feed"
        state = self.ledger.cursor(name) or {
            "since": int((now - timedelta(days=self.settings.backfill_days)).timestamp())}
        while True:
            params: dict[str, Any] = {"since": state["since"], "fields": "id,created_time",
                                      "limit": 25}
            if state.get("after"):
                params["after"] = state["after"]
            feed = (await self.client.call("GET", f"{page}/feed", params)).body
            for post in feed.get("data", []):
                counted[0] += await self.poll_post(page, str(post["id"]), now)
            after = (feed.get("paging") or {}).get("cursors", {}).get("after")
            if not (feed.get("paging") or {}).get("next") or not after:
                self.ledger.set_cursor(name, None)
                return
            state = {**state, "after": after}
            self.ledger.set_cursor(name, state)

    async def poll_post(self, page: str, post: str, now: datetime) -> int:
        """Every comment of one post (replies included); return versions produced."""
        params: dict[str, Any] = {"fields": COMMENT_FIELDS, "filter": "stream", "limit": 100}
        produced = 0
        while True:
            answer = (await self.client.call("GET", f"{post}/comments", params)).body
            observed = [o for o in (self._observed(page, post, c, now)
                                    for c in answer.get("data", [])) if o is not None]
            produced += (await self.capture.take(observed)).comments
            paging = answer.get("paging") or {}
            after = paging.get("cursors", {}).get("after")
            if not paging.get("next") or not after:
                return produced
            params = {**params, "after": after}

    def _observed(self, page: str, post: str, item: dict[str, Any], now: datetime
                  ) -> Observed | None:
        author = item.get("from") or {}
        parent = (item.get("parent") or {}).get("id")
        comment_id = str(item.get("id", ""))
        known = self.ledger.knows("facebook", comment_id)
        try:
            comment = Comment(
                id=comment_id, platform="facebook", page=page, post=post, parent=parent,
                author_id=str(author.get("id") or "unknown"),
                author_name=str(author.get("name", "")), text=item.get("message", ""),
                created_at=platform_time(item.get("created_time")),
                url=item.get("permalink_url"), edited_at=now if known else None)
        except (ValidationError, ValueError) as exc:
            log.warning("facebook comment %s skipped: %s", comment_id,
                        type(exc).__name__)  # e.g. a photo-only comment: no text
            return None
        return Observed(comment, original=not known)


async def hide(client: ApiClient, comment_id: str, hidden: bool) -> dict[str, Any]:
    """Hide or unhide a comment; the platform's answer."""
    answer = await client.call("POST", comment_id, {"is_hidden": "true" if hidden else "false"})
    return answer.body


async def delete(client: ApiClient, comment_id: str) -> dict[str, Any]:
    """Delete a comment; the platform's answer."""
    return (await client.call("DELETE", comment_id)).body


async def block(client: ApiClient, page: str, user: str, blocked: bool) -> dict[str, Any]:
    """Block (ban) or unblock a person on a page; the platform's answer."""
    return (await client.call("POST" if blocked else "DELETE", f"{page}/blocked",
                              {"user": user})).body
