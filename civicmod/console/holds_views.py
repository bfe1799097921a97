"""Legal holds and disposition: officers and administrators see the holds, administrators set
and release them and review disposition (``sinks.holds``, ``sinks.disposition`` with the
administrator's archive keys, as ``archive hold`` and ``archive disposition``)."""

from __future__ import annotations

import aiohttp_jinja2
import duckdb
from aiohttp import web

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, READER, SETTINGS
from civicmod.console.security import allow, remote, session_of
from pipeline.records import utc_now
from sinks.disposition import review
from sinks.holds import active_holds, describe, matching, release_holds, set_hold


@allow("officer", "admin")
async def holds_page(request: web.Request) -> web.Response:
    """The active holds (with set and release forms for an administrator)."""
    holds = await request.app[READER].run(active_holds)
    return aiohttp_jinja2.render_template("holds.html", request, {"holds": holds,
                                                                  "error": ""})


@allow("admin")
async def hold_set(request: web.Request) -> web.Response:
    """Archive a hold on a comment or an author and set S3 legal holds."""
    form, session, app = await request.post(), session_of(request), request.app
    comment, author = str(form.get("comment", "")).strip(), str(form.get("author", "")).strip()
    reason = str(form.get("reason", "")).strip()
    if bool(comment) == bool(author) or not reason:
        holds = await app[READER].run(active_holds)
        return aiohttp_jinja2.render_template("holds.html", request, {
            "holds": holds, "error": "give a reason and exactly one of comment or author"},
            status=400)
    reader, settings = app[READER], app[SETTINGS]
    store = reader.store("admin")
    hold, objects = await reader.run(lambda db: set_hold(
        store, settings, db, comment or None, author or None, reason,
        f"{session.user.name} (console)"))
    await app[AUDITOR].write(audit_record(
        "hold", session.user.name, session.user.role, remote(request), "ok",
        hold=describe(hold), objects=len(objects)))
    raise web.HTTPSeeOther("/records/holds")


@allow("admin")
async def hold_release(request: web.Request) -> web.Response:
    """Archive the release of one hold and lift the S3 legal holds no other hold needs."""
    form, session, app = await request.post(), session_of(request), request.app
    hold_id, reason = str(form.get("hold_id", "")), str(form.get("reason", "")).strip()
    reader, settings = app[READER], app[SETTINGS]
    store = reader.store("admin")

    def release(db: duckdb.DuckDBPyConnection) -> int:
        holds = matching(active_holds(db), hold_id, "", "")
        if not holds:
            return -1
        return len(release_holds(store, settings, db, holds, reason,
                                 f"{session.user.name} (console)"))

    freed = await reader.run(release) if reason else -2
    outcome = {-1: "no such hold", -2: "no reason"}.get(freed, "ok")
    await app[AUDITOR].write(audit_record(
        "release", session.user.name, session.user.role, remote(request), outcome,
        hold_id=hold_id))
    if freed < 0:
        raise web.HTTPBadRequest(text=f"not released: {outcome}")
    raise web.HTTPSeeOther("/records/holds")


@allow("admin")
async def disposition_page(request: web.Request) -> web.Response:
    """What passed retention: eligible, kept by a hold, still locked (``sinks.disposition``
    review, as ``archive disposition`` without ``--confirm``)."""
    reader, settings = request.app[READER], request.app[SETTINGS]
    store = reader.store("admin")
    found = await reader.run(lambda db: review(db, store, settings, utc_now()))
    return aiohttp_jinja2.render_template("disposition.html", request, {"found": found})
