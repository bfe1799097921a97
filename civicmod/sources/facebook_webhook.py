"""The Meta webhook (Facebook Pages and Instagram): verification, signature check, changes →
records. Both objects come from the same app, signed with the same app secret, to one URL.

- ``GET``: answers ``hub.challenge`` when ``hub.mode`` is ``subscribe`` and ``hub.verify_token``
  matches ``sources.facebook_verify_token``; 403 otherwise.
- ``POST``: the ``X-Hub-Signature-256`` header must be ``sha256=`` + the HMAC-SHA256 of the raw
  body with the app secret (compared in constant time); 403 and nothing produced otherwise.
  ``object: page``, ``entry[].changes[]`` with ``field: feed`` and ``value.item: comment``:
  ``add`` → a comment, ``edited`` → a new version, ``remove``/``hide``/``unhide`` → a platform
  event. ``object: instagram``, ``entry[].changes[]`` with ``field: comments`` or
  ``live_comments``: a new comment (Instagram reports neither edits nor deletions). Other
  changes (likes, posts, mentions) are ignored; a signed body that cannot be read is kept as
  a dead letter. 200 once the broker has what was produced; 503 (Facebook retries) otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from civicmod.sources.capture import Capture, Observed
from pipeline.ingest import ProduceFailed
from pipeline.platform import PlatformChange, PlatformEvent
from pipeline.records import Comment
from pipeline.settings import SourceSettings

log = logging.getLogger(__name__)

PATH = "/webhooks/facebook"
CAPTURE_KEY = web.AppKey("capture", Capture)
SETTINGS_KEY = web.AppKey("settings", SourceSettings)
EVENT_VERBS: dict[str, PlatformChange] = {"remove": "deleted", "hide": "hidden",
                                          "unhide": "unhidden"}
INSTAGRAM_FIELDS = frozenset({"comments", "live_comments"})


class Malformed(ValueError):
    """A signed payload that is not the documented shape."""


def signature_ok(body: bytes, header: str | None, secret: str) -> bool:
    """True when ``header`` is ``sha256=<HMAC-SHA256 of body with secret>`` (constant time)."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def platform_time(value: Any) -> datetime:
    """A Graph API time: Unix seconds (webhooks) or ISO 8601 (reads), as UTC."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise Malformed(f"not a time: {type(value).__name__}")


def parse_notification(payload: Any) -> tuple[list[Observed], list[PlatformEvent]]:
    """The comments and platform events of one notification, by its ``object``; raise
    :class:`Malformed`."""
    if isinstance(payload, dict) and payload.get("object") == "instagram":
        return parse_instagram(payload), []
    return parse_feed(payload)


def parse_instagram(payload: dict[str, Any]) -> list[Observed]:
    """The new comments of an ``object: instagram`` notification; raise :class:`Malformed`."""
    observed: list[Observed] = []
    try:
        for entry in payload["entry"]:
            account, notified = str(entry["id"]), platform_time(entry["time"])
            for change in entry.get("changes", []):
                if change.get("field") in INSTAGRAM_FIELDS:
                    observed.append(_instagram(account, change["value"], notified))
    except (KeyError, TypeError, ValidationError) as exc:
        raise Malformed(f"{type(exc).__name__}: {exc}") from exc
    return observed


def _instagram(account: str, value: dict[str, Any], notified: datetime) -> Observed:
    author = value.get("from") or {}
    parent = value.get("parent_id")
    comment = Comment(
        id=str(value["id"]), platform="instagram", page=account,
        post=str(value["media"]["id"]), parent=str(parent) if parent else None,
        author_id=str(author.get("id") or "unknown"),
        author_name=str(author.get("username", "")), text=value["text"], created_at=notified)
    return Observed(comment, original=True)


def parse_feed(payload: Any) -> tuple[list[Observed], list[PlatformEvent]]:
    """The comments and platform events of one webhook payload; raise :class:`Malformed`."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise Malformed("expected object 'page'")
    observed: list[Observed] = []
    events: list[PlatformEvent] = []
    try:
        for entry in payload["entry"]:
            page, notified = str(entry["id"]), platform_time(entry["time"])
            for change in entry.get("changes", []):
                value = change.get("value") or {}
                if change.get("field") != "feed" or value.get("item") != "comment":
                    continue
                verb = value["verb"]
                if verb in ("add", "edited"):
                    observed.append(_observed(page, value, verb, notified))
                elif verb in EVENT_VERBS:
                    events.append(_event(page, value, EVENT_VERBS[verb], notified))
    except (KeyError, TypeError, ValidationError) as exc:
        raise Malformed(f"{type(exc).__name__}: {exc}") from exc
    return observed, events


def _observed(page: str, value: dict[str, Any], verb: str, notified: datetime) -> Observed:
    author = value.get("from") or {}
    post = str(value["post_id"])
    parent = value.get("parent_id")
    created = platform_time(value.get("created_time", notified.timestamp()))
    comment = Comment(
        id=str(value["comment_id"]), platform="facebook", page=page, post=post,
        parent=str(parent) if parent and parent != post else None,
        author_id=str(author.get("id") or "unknown"), author_name=str(author.get("name", "")),
        text=value["message"], created_at=created,
        url=value.get("permalink_url"),
        edited_at=notified if verb == "edited" else None,
    )
    return Observed(comment, original=verb == "add")


def _event(page: str, value: dict[str, Any], change: PlatformChange, notified: datetime
           ) -> PlatformEvent:
    comment_id = str(value["comment_id"])
    author = str((value.get("from") or {}).get("id") or "")
    at = platform_time(value.get("created_time", notified.timestamp())) if change == "deleted" \
        else notified
    event_id = hashlib.sha256(f"facebook|{comment_id}|{change}|{at.timestamp()}".encode()
                              ).hexdigest()[:32]
    by = "page" if change != "deleted" or author == page else \
        (f"facebook:{author}" if author else "unknown")
    return PlatformEvent(id=event_id, platform="facebook", page=page,
                         post=str(value.get("post_id", "")), comment_id=comment_id,
                         author_id=author, action=change, by=by, at=at, source="webhook")


async def verify(request: web.Request) -> web.Response:
    """The subscription handshake: echo ``hub.challenge`` for the right verify token."""
    token = request.app[SETTINGS_KEY].facebook_verify_token.get_secret_value()
    query = request.query
    given = query.get("hub.verify_token", "")
    if query.get("hub.mode") == "subscribe" and token and hmac.compare_digest(given, token):
        return web.Response(text=query.get("hub.challenge", ""))
    return web.Response(status=403, text="verification refused")


async def receive(request: web.Request) -> web.Response:
    """One signed notification: produce what is new in it, then answer 200."""
    body = await request.read()
    secret = request.app[SETTINGS_KEY].facebook_app_secret.get_secret_value()
    if not signature_ok(body, request.headers.get("X-Hub-Signature-256"), secret):
        log.warning("webhook refused: bad or missing signature from %s", request.remote)
        return web.Response(status=403, text="bad signature")
    capture = request.app[CAPTURE_KEY]
    try:
        try:
            observed, events = parse_notification(json.loads(body))
        except (ValueError, Malformed) as exc:
            await capture.reject(body, f"facebook webhook: {exc}", f"webhook:{request.remote}")
            return web.json_response({"kept": "dead letter"})
        captured = await capture.take(observed, events)
    except ProduceFailed as exc:
        log.error("webhook not stored (Meta will retry): %s", exc)
        return web.Response(status=503, text="not stored, retry")
    log.info("webhook: %d comment version(s), %d event(s), %d duplicate(s)",
             captured.comments, captured.events, captured.duplicates)
    return web.json_response({"comments": captured.comments, "events": captured.events,
                              "duplicates": captured.duplicates})


def add_routes(app: web.Application, capture: Capture, settings: SourceSettings) -> None:
    """Serve the Meta webhook (Facebook and Instagram) on ``app`` at :data:`PATH`."""
    app[CAPTURE_KEY] = capture
    app[SETTINGS_KEY] = settings
    app.router.add_get(PATH, verify)
    app.router.add_post(PATH, receive)
