"""``civicmod sources check``: is each configured platform reachable with its tokens, and what
does it let civicmod see? Prints names and permissions, never a token or secret."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from civicmod.sources.api import ApiClient, ApiError
from civicmod.sources.facebook_graph import graph_client
from civicmod.sources.youtube import youtube_client
from pipeline.settings import SourceSettings


@dataclass(frozen=True)
class Finding:
    """One line of the check: what was checked, whether it is fine, what was seen."""

    what: str
    ok: bool
    detail: str


async def check_sources(settings: SourceSettings) -> list[Finding]:
    """Check every configured platform; an empty list when none is configured."""
    findings: list[Finding] = []
    async with aiohttp.ClientSession() as session:
        if settings.meta_configured:
            graph = graph_client(session, settings)
            findings += _secrets(settings)
            findings += await _nodes(graph, "facebook page", settings.facebook_pages, "name")
            findings += await _nodes(graph, "instagram account", settings.instagram_accounts,
                                     "username")
            findings += await _permissions(graph)
        if "youtube" in settings.configured:
            findings += await _youtube(youtube_client(session, settings), settings)
    return findings


def _secrets(settings: SourceSettings) -> list[Finding]:
    named = {"app secret (CIVICMOD_SOURCES__FACEBOOK_APP_SECRET)": settings.facebook_app_secret,
             "verify token (CIVICMOD_SOURCES__FACEBOOK_VERIFY_TOKEN)":
                 settings.facebook_verify_token,
             "page token (CIVICMOD_SOURCES__FACEBOOK_PAGE_TOKEN)": settings.facebook_page_token}
    return [Finding(f"facebook {name}", bool(value.get_secret_value()),
                    "set" if value.get_secret_value() else "missing")
            for name, value in named.items()]


async def _nodes(client: ApiClient, what: str, ids: tuple[str, ...], shown: str
                 ) -> list[Finding]:
    found: list[Finding] = []
    for node in ids:
        try:
            body = (await client.call("GET", node, {"fields": f"id,{shown}"})).body
            found.append(Finding(f"{what} {node}", True, str(body.get(shown, "?"))))
        except ApiError as exc:
            found.append(Finding(f"{what} {node}", False, _why(exc)))
    return found


async def _permissions(client: ApiClient) -> list[Finding]:
    try:
        body = (await client.call("GET", "me/permissions")).body
    except ApiError as exc:
        return [Finding("graph permissions", False, _why(exc))]
    granted = sorted(p.get("permission", "?") for p in body.get("data", [])
                     if p.get("status") == "granted")
    return [Finding("graph permissions", True, ", ".join(granted) or "none listed")]


async def _youtube(client: ApiClient, settings: SourceSettings) -> list[Finding]:
    channel = settings.youtube_channel_id
    try:
        body = (await client.call("GET", "channels", {"part": "snippet", "id": channel})).body
        items = body.get("items", [])
        title = items[0].get("snippet", {}).get("title", "?") if items else ""
        return [Finding(f"youtube channel {channel}", bool(items), title or "not visible")]
    except ApiError as exc:
        return [Finding(f"youtube channel {channel}", False, _why(exc))]


def _why(exc: ApiError) -> str:
    return f"{type(exc).__name__}: {exc}"
