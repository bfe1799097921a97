"""An author's page (their story from the archive) and a moderator's action on an archived
comment or an author (restore, keep, remove, ban, unban), checked as ``civicmod act`` does."""

from __future__ import annotations

import asyncio

import aiohttp_jinja2
from aiohttp import web

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, DESK, READER
from civicmod.console.security import allow, remote, session_of
from pipeline.desk import ActionRequest, InvalidAction


@allow("moderator", "officer", "admin")
async def author_page(request: web.Request) -> web.Response:
    """The author's comments, verdicts, actions and standings, in order."""
    return await _render(request, request.match_info["author_key"])


async def _render(request: web.Request, author_key: str, error: str = "", done: str = "",
                  status: int = 200) -> web.Response:
    reader = request.app[READER]
    story = await reader.run(lambda db: reader.facts(db).story(author_key))
    return aiohttp_jinja2.render_template("author.html", request, {
        "author_key": author_key, "story": story, "error": error, "done": done},
        status=status)


@allow("moderator")
async def moderate(request: web.Request) -> web.Response:
    """One action on an archived comment or on the author, through the desk."""
    form, session = await request.post(), session_of(request)
    author_key = request.match_info["author_key"]
    kind = str(form.get("kind", ""))
    target = author_key if kind in ("ban", "unban") else str(form.get("comment", "")).strip()
    categories = ("i",) if kind == "ban" else tuple(
        c for c in str(form.get("categories", "")) if c.isalpha())
    action_request = ActionRequest(kind=kind, target=target, moderator=session.user.name,
                                   categories=categories, reason=str(form.get("reason", "")))
    try:
        action = await asyncio.to_thread(request.app[DESK].submit, action_request)
    except InvalidAction as exc:
        await request.app[AUDITOR].write(audit_record(
            "moderate", session.user.name, session.user.role, remote(request), "refused",
            kind=kind, target=target, error=str(exc)))
        return await _render(request, author_key, error=str(exc), status=400)
    await request.app[AUDITOR].write(audit_record(
        "moderate", session.user.name, session.user.role, remote(request), "ok",
        kind=action.kind, target=target, action_id=action.id))
    return await _render(request, author_key, done=f"{action.kind} written ({action.id})")
