"""Facebook Pages and Instagram webhook payloads in the documented shape, and their signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"


def feed_change(page: str, verb: str, comment_id: str, post: str, *, message: str | None = None,
                author: str = "u-1", created: int = 1_764_064_800, time: int | None = None,
                parent: str | None = None) -> dict[str, Any]:
    """One ``object: page`` notification with one ``feed`` change about a comment."""
    value: dict[str, Any] = {
        "from": {"id": author, "name": f"Person {author}"}, "item": "comment",
        "post_id": post, "comment_id": comment_id, "created_time": created, "verb": verb,
        "parent_id": parent or post,
        "post": {"id": post, "status_type": "added_photos", "is_published": True},
    }
    if message is not None:
        value["message"] = message
    return {"object": "page", "entry": [{"id": page, "time": time or created,
                                         "changes": [{"field": "feed", "value": value}]}]}


def instagram_change(account: str, comment_id: str, media: str, text: str, *,
                     author: str = "ig-u-1", time: int = 1_764_064_800,
                     parent: str | None = None, field: str = "comments") -> dict[str, Any]:
    """One ``object: instagram`` notification with one ``comments`` (or ``live_comments``)
    change: ``from {id, username}``, ``media {id, media_product_type}``, ``id``, ``text``,
    ``parent_id`` for a reply."""
    value: dict[str, Any] = {
        "from": {"id": author, "username": f"user_{author}"},
        "media": {"id": media, "media_product_type": "LIVE" if field == "live_comments"
                  else "FEED"},
        "id": comment_id, "text": text}
    if parent:
        value["parent_id"] = parent
    return {"object": "instagram", "entry": [{"id": account, "time": time,
                                              "changes": [{"field": field, "value": value}]}]}


def signed(payload: Any, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and headers Facebook would send: ``X-Hub-Signature-256: sha256=<hex>``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}
