"""A contract server of the YouTube Data API v3, from its public documentation's shapes.

- ``GET /youtube/v3/commentThreads`` (``part``, ``allThreadsRelatedToChannelId``,
  ``maxResults``, ``pageToken``): ``{"kind": "youtube#commentThreadListResponse",
  "nextPageToken", "pageInfo", "items": [commentThread]}``;
- ``POST /youtube/v3/comments/setModerationStatus`` (``id``, ``moderationStatus``,
  ``banAuthor``): 204 and no body;
- ``GET /youtube/v3/channels``;
- errors: ``{"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}``: a
  wrong token 401 ``authError``, a queued ``quotaExceeded`` 403 or a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "youtube-token-for-tests"
PREFIX = "/youtube/v3"


def google_error(status: int, reason: str, message: str, domain: str = "youtube") -> web.Response:
    """A Google API error answer."""
    return web.json_response({"error": {"code": status, "message": message, "errors": [
        {"domain": domain, "reason": reason, "message": message}]}}, status=status)


def quota_exceeded() -> web.Response:
    """403 quotaExceeded: the project's daily quota is spent."""
    return google_error(403, "quotaExceeded", "The request cannot be completed because you "
                                              "have exceeded your quota.", "youtube.quota")


def comment(comment_id: str, channel: str, video: str, text: str, published: str,
            updated: str | None = None, author: str = "UC-author",
            parent: str | None = None) -> dict[str, Any]:
    """A ``youtube#comment`` resource."""
    snippet: dict[str, Any] = {
        "authorDisplayName": f"Viewer {author}", "authorChannelId": {"value": author},
        "authorChannelUrl": f"http://www.youtube.com/channel/{author}", "channelId": channel,
        "videoId": video, "textDisplay": text, "textOriginal": text, "canRate": True,
        "viewerRating": "none", "likeCount": 0, "publishedAt": published,
        "updatedAt": updated or published}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": f"e-{comment_id}", "id": comment_id,
            "snippet": snippet}


def thread(top: dict[str, Any], replies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A ``youtube#commentThread`` resource around a top-level comment."""
    snippet = top["snippet"]
    resource: dict[str, Any] = {
        "kind": "youtube#commentThread", "etag": f"t-{top['id']}", "id": top["id"],
        "snippet": {"channelId": snippet["channelId"], "videoId": snippet["videoId"],
                    "topLevelComment": top, "canReply": True,
                    "totalReplyCount": len(replies or []), "isPublic": True}}
    if replies:
        resource["replies"] = {"comments": replies}
    return resource


@dataclass
class YouTubeState:
    """The channel's threads (newest first), the calls made and queued faults."""

    threads: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    faults: list[web.Response] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)


STATE = web.AppKey("state", YouTubeState)


@web.middleware
async def _guard(request: web.Request, handler: Any) -> web.StreamResponse:
    state = request.app[STATE]
    state.calls.append((request.method, request.path, dict(request.query)))
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return google_error(401, "authError", "Invalid Credentials", "global")
    if state.faults:
        return state.faults.pop(0)
    response: web.StreamResponse = await handler(request)
    return response


async def comment_threads(request: web.Request) -> web.Response:
    state = request.app[STATE]
    size = int(request.query.get("maxResults", 20))
    start = int(request.query.get("pageToken", "0") or 0)
    items = state.threads[start:start + size]
    body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": "list",
                            "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
                            "items": items}
    if start + size < len(state.threads):
        body["nextPageToken"] = str(start + size)
    return web.json_response(body)


async def set_moderation_status(request: web.Request) -> web.Response:
    state = request.app[STATE]
    status = request.query.get("moderationStatus", "")
    if status not in ("heldForReview", "published", "rejected"):
        return google_error(400, "invalidModerationStatus", "Invalid moderation status")
    state.statuses[request.query.get("id", "")] = status
    return web.Response(status=204)


async def channels(request: web.Request) -> web.Response:
    return web.json_response({"kind": "youtube#channelListResponse", "items": [
        {"kind": "youtube#channel", "id": request.query.get("id"),
         "snippet": {"title": "Town of Queen Creek"}}]})


def youtube_app(state: YouTubeState) -> web.Application:
    """The contract server's application over ``state``."""
    app = web.Application(middlewares=[_guard])
    app[STATE] = state
    app.router.add_get(f"{PREFIX}/commentThreads", comment_threads)
    app.router.add_post(f"{PREFIX}/comments/setModerationStatus", set_moderation_status)
    app.router.add_get(f"{PREFIX}/channels", channels)
    return app
