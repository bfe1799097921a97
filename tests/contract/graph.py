"""A contract server of the Facebook Graph API, from its public documentation's shapes.

- ``GET /{page-id}/feed`` and ``GET /{post-id}/comments``: ``{"data": [...], "paging":
  {"cursors": {"before", "after"}, "next"}}`` (``next`` only when there is more), ``limit`` and
  ``after`` honoured;
- ``POST /{comment-id}`` with ``is_hidden`` and ``DELETE /{comment-id}``: ``{"success": true}``;
- ``POST|DELETE /{page-id}/blocked`` with ``user``: ``{"<user>": true}`` / ``{"success": true}``;
- ``GET /{page-id}?fields=id,name``, ``GET /me/permissions``;
- Instagram (Facebook Login, same host): ``GET /{ig-user-id}/media`` (newest first, ``id``,
  ``timestamp``, ``media_product_type``), ``GET /{ig-media-id}/comments`` (top-level comments:
  ``id``, ``text``, ``timestamp``, ``from {id, username}``, ``username``) and
  ``GET /{ig-comment-id}/replies`` (also ``parent_id``), paged like the rest;
  ``POST /{ig-comment-id}`` with ``hide`` and ``DELETE /{ig-comment-id}``: ``{"success": true}``;
  ``GET /{ig-user-id}?fields=id,username``;
- errors: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``: a wrong
  token is code 190 (expired), an unknown node code 100; queued faults answer the next calls
  (rate limit code 32 with ``X-Business-Use-Case-Usage``, a 500).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

VERSION = "v21.0"
TOKEN = "page-token-for-tests"


def error(status: int, code: int, message: str, headers: dict[str, str] | None = None,
          kind: str = "OAuthException", subcode: int | None = None) -> web.Response:
    """A Graph API error answer."""
    body: dict[str, Any] = {"message": message, "type": kind, "code": code,
                            "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        body["error_subcode"] = subcode
    return web.json_response({"error": body}, status=status, headers=headers)


def rate_limited(page: str, minutes: int = 1) -> web.Response:
    """Code 32 (page-level throttling) with the BUC usage header."""
    usage = {page: [{"type": "pages", "call_count": 100, "total_cputime": 10, "total_time": 10,
                     "estimated_time_to_regain_access": minutes}]}
    return error(400, 32, "Page request limit reached",
                 {"X-Business-Use-Case-Usage": json.dumps(usage)})


def expired() -> web.Response:
    """Code 190, subcode 463: the access token has expired."""
    return error(400, 190, "Error validating access token: Session has expired", subcode=463)


def server_error() -> web.Response:
    """A 500 with the documented error body (code 2, a temporary issue)."""
    return error(500, 2, "An unexpected error has occurred. Please retry your request later.")


@dataclass
class GraphState:
    """What the fake platform holds and what it was asked."""

    pages: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    """Instagram professional accounts: id → username."""
    media: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ig_comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Top-level comments by media id, and replies by parent comment id."""
    posts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    blocked: dict[str, set[str]] = field(default_factory=dict)
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    faults: list[web.Response] = field(default_factory=list)
    traps: list[tuple[Callable[[web.Request], bool], web.Response]] = field(
        default_factory=list)
    """One-shot faults answering the first request that matches."""

    def add_post(self, page: str, post: str, created_ts: int) -> None:
        """A post on ``page`` created at Unix time ``created_ts``."""
        self.posts.setdefault(page, []).append(
            {"id": post, "created_ts": created_ts, "created_time": _iso(created_ts)})

    def add_comment(self, post: str, comment_id: str, message: str, created_ts: int,
                    author: str = "u-1", parent: str | None = None) -> None:
        """A comment on ``post`` in the shape ``GET /{post-id}/comments`` returns."""
        item: dict[str, Any] = {
            "id": comment_id, "message": message, "created_time": _iso(created_ts),
            "from": {"id": author, "name": f"Person {author}"},
            "permalink_url": f"https://www.facebook.com/{post}?comment_id={comment_id}"}
        if parent:
            item["parent"] = {"id": parent}
        self.comments.setdefault(post, []).append(item)

    def add_media(self, account: str, media: str, created_ts: int) -> None:
        """A media on an Instagram account, listed newest first like the API."""
        listed = self.media.setdefault(account, [])
        listed.append({"id": media, "timestamp": _iso(created_ts), "media_product_type": "FEED"})
        listed.sort(key=lambda m: m["timestamp"], reverse=True)

    def add_ig_comment(self, under: str, comment_id: str, text: str, created_ts: int,
                       author: str = "ig-u-1", reply: bool = False) -> None:
        """An IG comment on a media (or, with ``reply``, a reply to the comment ``under``)."""
        item: dict[str, Any] = {"id": comment_id, "text": text, "timestamp": _iso(created_ts),
                                "from": {"id": author, "username": f"user_{author}"},
                                "username": f"user_{author}"}
        if reply:
            item["parent_id"] = under
        self.ig_comments.setdefault(under, []).append(item)

    def comment(self, comment_id: str) -> dict[str, Any] | None:
        """The comment with this id (Facebook or Instagram)."""
        for items in [*self.comments.values(), *self.ig_comments.values()]:
            for item in items:
                if item["id"] == comment_id:
                    return item
        return None


STATE = web.AppKey("state", GraphState)


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _paged(request: web.Request, items: list[dict[str, Any]], default_limit: int
           ) -> web.Response:
    limit = int(request.query.get("limit", default_limit))
    after = request.query.get("after")
    start = int(base64.b64decode(after)) if after else 0
    chunk = items[start:start + limit]
    paging: dict[str, Any] = {"cursors": {
        "before": base64.b64encode(str(start).encode()).decode(),
        "after": base64.b64encode(str(start + len(chunk)).encode()).decode()}}
    if start + limit < len(items):
        query = {**request.query, "after": paging["cursors"]["after"]}
        paging["next"] = str(request.url.with_query(query))
    return web.json_response({"data": chunk, "paging": paging})


@web.middleware
async def _guard(request: web.Request, handler: Any) -> web.StreamResponse:
    state = request.app[STATE]
    params = {**request.query, **(await request.post())}
    state.calls.append((request.method, request.path, {k: str(v) for k, v in params.items()}))
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return expired()
    if state.faults:
        return state.faults.pop(0)
    for n, (matches, trapped) in enumerate(state.traps):
        if matches(request):
            del state.traps[n]
            return trapped
    response: web.StreamResponse = await handler(request)
    return response


async def feed(request: web.Request) -> web.Response:
    state = request.app[STATE]
    page = request.match_info["node"]
    since = int(request.query.get("since", "0"))
    posts = [p for p in state.posts.get(page, []) if p["created_ts"] >= since]
    shown = [{"id": p["id"], "created_time": p["created_time"]} for p in posts]
    return _paged(request, shown, 25)


async def comments(request: web.Request) -> web.Response:
    state = request.app[STATE]
    post = request.match_info["node"]
    found = state.ig_comments if request.path.endswith("/replies") or any(
        post == m["id"] for listed in state.media.values() for m in listed) else state.comments
    visible = [c for c in found.get(post, []) if c["id"] not in state.deleted]
    return _paged(request, visible, 25)


async def media(request: web.Request) -> web.Response:
    return _paged(request, request.app[STATE].media.get(request.match_info["node"], []), 25)


async def blocked(request: web.Request) -> web.Response:
    state = request.app[STATE]
    page = request.match_info["node"]
    user = (await request.post()).get("user") or request.query.get("user", "")
    if request.method == "POST":
        state.blocked.setdefault(page, set()).add(str(user))
        return web.json_response({str(user): True})
    state.blocked.get(page, set()).discard(str(user))
    return web.json_response({"success": True})


async def permissions(request: web.Request) -> web.Response:
    return web.json_response({"data": [
        {"permission": "pages_manage_engagement", "status": "granted"},
        {"permission": "pages_read_user_content", "status": "granted"},
        {"permission": "pages_manage_metadata", "status": "granted"}]})


async def node(request: web.Request) -> web.Response:
    state = request.app[STATE]
    node_id = request.match_info["node"]
    if request.method == "GET" and node_id in state.pages:
        return web.json_response({"id": node_id, "name": state.pages[node_id]})
    if request.method == "GET" and node_id in state.accounts:
        return web.json_response({"id": node_id, "username": state.accounts[node_id]})
    comment = state.comment(node_id)
    if comment is None or node_id in state.deleted:
        return error(400, 100, f"Unsupported {request.method.lower()} request. Object with ID "
                               f"'{node_id}' does not exist", kind="GraphMethodException")
    if request.method == "DELETE":
        state.deleted.add(node_id)
        return web.json_response({"success": True})
    if request.method == "POST":
        params = {**request.query, **(await request.post())}
        hide = params.get("hide" if "text" in comment else "is_hidden")  # IG: text, hide
        if hide == "true":
            state.hidden.add(node_id)
        elif hide == "false":
            state.hidden.discard(node_id)
        else:
            return error(400, 100, "(#100) The parameter to hide is required")
        return web.json_response({"success": True})
    return web.json_response(comment)


def graph_app(state: GraphState) -> web.Application:
    """The contract server's application over ``state``."""
    app = web.Application(middlewares=[_guard])
    app[STATE] = state
    prefix = f"/{VERSION}"
    app.router.add_get(f"{prefix}/me/permissions", permissions)
    app.router.add_get(prefix + "/{node}/feed", feed)
    app.router.add_get(prefix + "/{node}/comments", comments)
    app.router.add_get(prefix + "/{node}/replies", comments)
    app.router.add_get(prefix + "/{node}/media", media)
    app.router.add_route("POST", prefix + "/{node}/blocked", blocked)
    app.router.add_route("DELETE", prefix + "/{node}/blocked", blocked)
    app.router.add_route("*", prefix + "/{node}", node)
    return app
