"""YouTube Data API v3: ``commentThreads.list`` polled for a channel, and moderation calls.

Polling: ``GET commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=…&order=time``
paged by ``nextPageToken``, until a page holds only threads not updated since the pass's
``since`` (``sources.backfill_days`` back). A comment whose ``updatedAt`` differs from its
``publishedAt`` was edited: that text is a version in effect from ``updatedAt``. The page token
is stored after each page, so a stopped pass resumes there. Quota: each list call costs one
unit of the project's daily quota (10,000 by default).
Calls: ``POST comments/setModerationStatus?id=…&moderationStatus=rejected|published``
(``banAuthor=true`` for a ban).
"""

from __future__ import annotations

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

QUOTA_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded",
                           "dailyLimitExceeded"})


def classify(status: int, body: Mapping[str, Any], headers: Mapping[str, str]
             ) -> ApiError | None:
    """Google API errors (``{"error": {"code", "message", "errors": [{"reason"}]}}``)."""
    if status < 400:
        return None
    found = body.get("error")
    error: dict[str, Any] = found if isinstance(found, dict) else {}
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    message = f"YouTube {status} {sorted(r for r in reasons if r)}: {error.get('message', '')}"
    if status == 401:
        return TokenExpired(message[:300], status, body)
    if status == 429 or reasons & QUOTA_REASONS:
        retry = headers.get("Retry-After")
        return RateLimited(message[:300], status, body,
                           retry_after=float(retry) if retry and retry.isdigit() else 60.0)
    if status >= 500:
        return Transient(message[:300], status, body)
    return Refused(message[:300], status, body)


def youtube_client(session: aiohttp.ClientSession, settings: SourceSettings) -> ApiClient:
    """A YouTube Data API client with the channel owner's OAuth token."""
    token = settings.youtube_oauth_token.get_secret_value()
    return ApiClient(session, settings.youtube_api_url, settings, classify,
                     {"Authorization": f"Bearer {token}"})


class YouTubePoller:
    """Polls the channel's comment threads."""

    def __init__(self, client: ApiClient, capture: Capture, ledger: Ledger,
                 settings: SourceSettings) -> None:
        self.client = client
        self.capture = capture
        self.ledger = ledger
        self.settings = settings

    async def poll(self, now: datetime | None = None) -> int:
        """One pass (resumed if one was stopped); return the comment versions produced."""
        channel = self.settings.youtube_channel_id
        name = f"youtube:{channel}:threads"
        moment = now or datetime.now(UTC)
        state = self.ledger.cursor(name) or {
            "since": (moment - timedelta(days=self.settings.backfill_days)).isoformat()}
        since = datetime.fromisoformat(state["since"])
        produced = 0
        try:
            while True:
                params: dict[str, Any] = {"part": "snippet,replies", "maxResults": 100,
                                          "allThreadsRelatedToChannelId": channel,
                                          "order": "time", "textFormat": "plainText"}
                if state.get("pageToken"):
                    params["pageToken"] = state["pageToken"]
                page = (await self.client.call("GET", "commentThreads", params)).body
                items = page.get("items", [])
                observed = [o for thread in items for o in self._thread(thread)]
                produced += (await self.capture.take(observed)).comments
                token = page.get("nextPageToken")
                recent = any(o.effective_at >= since for o in observed)
                if not token or not recent:
                    self.ledger.set_cursor(name, None)
                    return produced
                state = {**state, "pageToken": token}
                self.ledger.set_cursor(name, state)
        except ApiError as exc:
            log.error("youtube channel %s: poll stopped (%s): %s", channel,
                      type(exc).__name__, exc)
            return produced

    def _thread(self, thread: dict[str, Any]) -> list[Observed]:
        snippet = thread.get("snippet", {})
        top = snippet.get("topLevelComment", {})
        replies = (thread.get("replies") or {}).get("comments", [])
        found = [self._comment(top, snippet.get("videoId", ""), None)]
        found += [self._comment(r, snippet.get("videoId", ""), top.get("id")) for r in replies]
        return [o for o in found if o is not None]

    def _comment(self, item: dict[str, Any], video: str, parent: str | None
                 ) -> Observed | None:
        s = item.get("snippet", {})
        try:
            published = platform_time(s.get("publishedAt"))
            updated = platform_time(s.get("updatedAt") or s.get("publishedAt"))
            comment = Comment(
                id=str(item.get("id", "")), platform="youtube",
                page=str(s.get("channelId") or self.settings.youtube_channel_id),
                post=str(s.get("videoId") or video or "channel"),
                parent=s.get("parentId") or parent,
                author_id=str((s.get("authorChannelId") or {}).get("value") or "unknown"),
                author_name=str(s.get("authorDisplayName", "")),
                text=s.get("textOriginal") or s.get("textDisplay") or "",
                created_at=published, edited_at=updated if updated > published else None)
        except (ValidationError, ValueError) as exc:
            log.warning("youtube comment %s skipped: %s", item.get("id"), type(exc).__name__)
            return None
        return Observed(comment, original=comment.edited_at is None)


async def set_moderation_status(client: ApiClient, comment_id: str, status: str,
                                ban: bool = False) -> dict[str, Any]:
    """``comments.setModerationStatus``; YouTube answers 204 with no body."""
    params: dict[str, Any] = {"id": comment_id, "moderationStatus": status}
    if ban:
        params["banAuthor"] = "true"
    answer = await client.call("POST", "comments/setModerationStatus", params)
    return {"status": answer.status, **answer.body}
