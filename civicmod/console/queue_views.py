"""The moderators' pages: the live queue, one item with its evidence, actions and claims."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, DESK, LIVE, QUEUE, READER
from civicmod.console.queue import Conflict, Entry
from civicmod.console.security import allow, remote, session_of
from civicmod.review import segments
from pipeline.actions import Standing
from pipeline.desk import ActionRequest, InvalidAction, OneComment
from pipeline.records import CATEGORY_NAMES
from sinks.search import Query, search

HEARTBEAT_SECONDS = 15.0
THREAD = 8
"""How many other archived comments of the same post an item shows."""
ORDERS = ("newest", "severity")


def _order(request: web.Request) -> str:
    order = request.query.get("order", "newest")
    return order if order in ORDERS else "newest"


@allow("moderator")
async def queue_page(request: web.Request) -> web.Response:
    """The queue: every undecided item, newest first or by severity."""
    order = _order(request)
    return aiohttp_jinja2.render_template("queue.html", request, {
        "entries": request.app[QUEUE].items(order), "order": order,
        "version": request.app[LIVE].version, "names": CATEGORY_NAMES})


@allow("moderator")
async def queue_rows(request: web.Request) -> web.Response:
    """The queue's rows alone (what the page swaps in on a live update)."""
    return aiohttp_jinja2.render_template("queue_rows.html", request, {
        "entries": request.app[QUEUE].items(_order(request)), "names": CATEGORY_NAMES})


@allow("moderator")
async def queue_events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: ``queue`` with the change version whenever the queue changes."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store"})
    await response.prepare(request)
    live = request.app[LIVE]
    listener = live.listen()
    try:
        await response.write(f"event: queue\ndata: {live.version}\n\n".encode())
        while True:
            try:
                version = await asyncio.wait_for(listener.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            data = json.dumps({"version": version, "count": len(request.app[QUEUE].entries)})
            await response.write(f"event: queue\ndata: {data}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        live.leave(listener)
    return response


@allow("moderator")
async def next_item(request: web.Request) -> web.Response:
    """The first item nobody else has claimed, in the chosen order."""
    me = session_of(request).user.name
    for entry in request.app[QUEUE].items(_order(request)):
        if entry.claimed_by in ("", me):
            raise web.HTTPSeeOther(f"/queue/item/{entry.id}?order={_order(request)}")
    raise web.HTTPSeeOther(f"/queue?order={_order(request)}")


@allow("moderator")
async def item_page(request: web.Request) -> web.Response:
    """One item: claimed for this moderator unless another holds it (then shown, with a
    take-over button)."""
    service, me = request.app[QUEUE], session_of(request).user.name
    item_id = request.match_info["item_id"]
    try:
        entry, conflict = service.claim(item_id, me), ""
    except Conflict as exc:
        found = service.get(item_id)
        if found is None:
            return _render_gone(request, str(exc))
        entry, conflict = found, str(exc)
    return await _render_item(request, entry, conflict=conflict)


@allow("moderator")
async def take_over(request: web.Request) -> web.Response:
    """Take over another moderator's claim (knowingly)."""
    item_id = request.match_info["item_id"]
    try:
        request.app[QUEUE].claim(item_id, session_of(request).user.name, take_over=True)
    except Conflict as exc:
        return _render_gone(request, str(exc))
    raise web.HTTPSeeOther(f"/queue/item/{item_id}")


@allow("moderator")
async def act(request: web.Request) -> web.Response:
    """Write the moderator's action through the desk (as ``civicmod review`` does)."""
    service, session = request.app[QUEUE], session_of(request)
    me, item_id = session.user.name, request.match_info["item_id"]
    form = await request.post()
    try:
        entry = service.claim(item_id, me)
    except Conflict as exc:
        found = service.get(item_id)
        if found is None:
            return _render_gone(request, str(exc), status=409)
        return await _render_item(request, found, conflict=str(exc), status=409)
    kind = str(form.get("kind", ""))
    item = entry.item
    author_target = kind == "ban" or isinstance(item, Standing)
    target = item.author_key if isinstance(item, Standing) else (
        item.comment.author_key if author_target else item.comment.id)
    categories = ("i",) if kind == "ban" else tuple(str(c) for c in form.getall("category", [])
                                                    if kind == "remove")
    request_ = ActionRequest(kind=kind, target=target, moderator=me, categories=categories,
                             reason=str(form.get("reason", "")))
    facts = None if isinstance(item, Standing) else OneComment(item.comment)
    try:
        action = await asyncio.to_thread(request.app[DESK].submit, request_, facts)
    except InvalidAction as exc:
        await request.app[AUDITOR].write(audit_record(
            "moderate", me, session.user.role, remote(request), "refused", kind=kind,
            target=target, item=item_id, error=str(exc)))
        return await _render_item(request, entry, error=str(exc), status=400)
    service.done(item_id, me, action.kind)
    await request.app[AUDITOR].write(audit_record(
        "moderate", me, session.user.role, remote(request), "ok", kind=action.kind,
        target=target, item=item_id, action_id=action.id))
    raise web.HTTPSeeOther(f"/queue/next?done={action.kind}")


async def _render_item(request: web.Request, entry: Entry, conflict: str = "",
                       error: str = "", status: int = 200) -> web.Response:
    item = entry.item
    context: dict[str, Any] = {"entry": entry, "conflict": conflict, "error": error,
                               "names": CATEGORY_NAMES, "standing": isinstance(item, Standing),
                               "item": item}
    if not isinstance(item, Standing):
        context["segments"] = segments(item.comment.text, item.findings)
        context["found"] = sorted({f.category for f in item.findings})
        thread = Query(platform=item.comment.platform, post=item.comment.post)
        rows = await request.app[READER].run(lambda db: search(db, thread))
        context["thread"] = [r for r in rows if r["comment_id"] != item.comment.id][-THREAD:]
    return aiohttp_jinja2.render_template("item.html", request, context, status=status)


def _render_gone(request: web.Request, why: str, status: int = 404) -> web.Response:
    return aiohttp_jinja2.render_template("gone.html", request, {"why": why}, status=status)
