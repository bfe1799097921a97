"""Instagram professional accounts through the Graph API (Facebook Login): the poller.

The webhook (``object: instagram``, fields ``comments`` and ``live_comments``) is served with
Facebook's (:mod:`civicmod.sources.facebook_webhook`); errors, retries, the resumable pass and
the calls are the Graph API's (:mod:`civicmod.sources.facebook_graph`).
Polling: ``GET /{ig-user-id}/media`` (newest first) until a page reaches media older than
``sources.backfill_days``, then ``GET /{ig-media-id}/comments`` and, for each comment,
``GET /{ig-comment-id}/replies``, all followed through ``paging.cursors.after``.
Calls: ``POST /{ig-comment-id}`` with ``hide=true|false``, ``DELETE /{ig-comment-id}``. The API
has no call to block or restrict an account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from civicmod.sources.facebook_graph import GraphPoller
from civicmod.sources.facebook_webhook import platform_time
from pipeline.records import Comment

HIDE_PARAM = "hide"
MEDIA_FIELDS = "id,timestamp,media_product_type"
COMMENT_FIELDS = "id,text,timestamp,from{id,username},username,parent_id"


class InstagramPoller(GraphPoller):
    """Polls each configured account's recent media for comments and replies."""

    platform = "instagram"
    edge = "media"

    def accounts(self) -> tuple[str, ...]:
        """The configured Instagram professional accounts."""
        return self.settings.instagram_accounts

    def list_params(self, since: int) -> dict[str, Any]:
        """The media list (newest first; the window is applied by :meth:`too_old`)."""
        return {"fields": MEDIA_FIELDS, "limit": 25}

    def too_old(self, item: dict[str, Any], since: int) -> bool:
        """Media posted before the backfill window."""
        return platform_time(item.get("timestamp")).timestamp() < since

    async def visit(self, account: str, item: dict[str, Any], now: datetime) -> int:
        """Every comment of one media, then the replies of each."""
        media = str(item["id"])
        params = {"fields": COMMENT_FIELDS, "limit": 50}
        produced, comments = await self.capture_edge(f"{media}/comments", params,
                                                     _reader(account, media, None, now))
        for comment in comments:
            parent = str(comment.get("id", ""))
            produced += (await self.capture_edge(f"{parent}/replies", params,
                                                 _reader(account, media, parent, now)))[0]
        return produced


def _reader(account: str, media: str, parent: str | None, now: datetime
            ) -> Callable[[dict[str, Any], bool], Comment]:
    def read(found: dict[str, Any], known: bool) -> Comment:
        author = found.get("from") or {}
        return Comment(
            id=str(found.get("id", "")), platform="instagram", page=account, post=media,
            parent=found.get("parent_id") or parent,
            author_id=str(author.get("id") or "unknown"),
            author_name=str(author.get("username") or found.get("username", "")),
            text=found.get("text", ""), created_at=platform_time(found.get("timestamp")),
            edited_at=now if known else None)

    return read
