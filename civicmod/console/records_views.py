"""The records officers' pages: search, one comment's history, export, verify."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiMapping

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, READER, SETTINGS
from civicmod.console.security import allow, remote, session_of
from civicmod.review import segments
from pipeline.records import CATEGORY_NAMES, Finding, utc_now
from sinks.export import FORMATS, export_bundle
from sinks.history import comment_history
from sinks.search import ACTIONS, Query, QueryError, search
from sinks.verify import Verifier

FILTERS = ("since", "until", "platform", "page", "post", "author", "author_name", "category",
           "action", "text", "regex", "comment")
EXPORT_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[a-z0-9.-]+\.zip$")
READERS = ("officer", "admin")


def query_of(values: MultiMapping[Any]) -> Query:
    """The search a form's filter fields describe; raise :class:`QueryError` if unusable."""
    given: dict[str, Any] = {name: str(values.get(name, "")).strip() for name in FILTERS}
    for name in ("since", "until"):
        try:
            given[name] = date.fromisoformat(given[name]) if given[name] else None
        except ValueError:
            raise QueryError(f"{name} must be a date (YYYY-MM-DD)") from None
    return Query().merged(**given)


def _filters(values: MultiMapping[Any]) -> dict[str, str]:
    return {name: str(values.get(name, "")) for name in FILTERS}


@allow(*READERS)
async def search_page(request: web.Request) -> web.Response:
    """Search with the archive's filters, a page of results at a time."""
    size = request.app[SETTINGS].console.page_size
    asked = request.query.get("p", "1")
    page = max(int(asked), 1) if asked.isdigit() else 1
    context: dict[str, Any] = {"filters": _filters(request.query), "actions": ACTIONS,
                               "names": CATEGORY_NAMES, "page": page, "rows": None,
                               "error": ""}
    if any(request.query.get(name) for name in FILTERS):
        try:
            query = query_of(request.query)
            rows = await request.app[READER].run(
                lambda db: search(db, query, size + 1, (page - 1) * size))
            context.update(rows=rows[:size], more=len(rows) > size, described=query.describe())
        except QueryError as exc:
            context["error"] = str(exc)
    return aiohttp_jinja2.render_template("search.html", request, context)


@allow(*READERS)
async def comment_page(request: web.Request) -> web.Response:
    """One comment: as received, its verdict with the evidence, and its full history."""
    comment_id = request.match_info["comment_id"]
    found = await request.app[READER].run(lambda db: comment_history(db, comment_id))
    if found is None:
        raise web.HTTPNotFound(text=f"comment {comment_id} is not in the archive")
    findings = tuple(Finding.model_validate(f) for f in found["verdict"].get("findings", []))
    return aiohttp_jinja2.render_template("comment.html", request, {
        "found": found, "segments": segments(found["comment"]["text"], findings),
        "findings": findings, "names": CATEGORY_NAMES})


@allow("officer")
async def export_form(request: web.Request) -> web.Response:
    """The export of the current search: format and redaction."""
    try:
        described = query_of(request.query).describe()
    except QueryError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    return aiohttp_jinja2.render_template("export.html", request, {
        "filters": _filters(request.query), "described": described, "formats": FORMATS})


@allow("officer")
async def export(request: web.Request) -> web.Response:
    """Write the verified bundle of the search (``sinks.export``, as ``archive export``)."""
    form = await request.post()
    session, app = session_of(request), request.app
    fmt, redact = str(form.get("format", "csv")), form.get("redact_g") == "on"
    try:
        query = query_of(form)
    except QueryError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    if fmt not in FORMATS:
        raise web.HTTPBadRequest(text=f"format must be one of {', '.join(FORMATS)}")
    folder = exports_dir(app[SETTINGS].embedded.state_dir)
    name = f"{utc_now():%Y%m%dT%H%M%S}-{session.user.name.lower()}.zip"
    reader = app[READER]
    verifier = Verifier(reader.store("officer"), reader.series)
    result = await reader.run(
        lambda db: export_bundle(db, verifier, query, fmt, folder / name, redact))
    digest = await asyncio.to_thread(_sha256, result.path)
    await app[AUDITOR].write(audit_record(
        "export", session.user.name, session.user.role, remote(request),
        "ok" if result.verification.ok else "verification-failed", query=query.describe(),
        format=fmt, redact_g=redact, records=result.records, bundle=name, sha256=digest))
    return aiohttp_jinja2.render_template("exported.html", request, {
        "result": result, "name": name, "sha256": digest, "described": query.describe()})


@allow("officer")
async def download(request: web.Request) -> web.FileResponse:
    """A bundle written by :func:`export`."""
    name = request.match_info["name"]
    path = exports_dir(request.app[SETTINGS].embedded.state_dir) / name
    if not EXPORT_NAME.match(name) or not path.is_file():
        raise web.HTTPNotFound(text="no such bundle")
    return web.FileResponse(path, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@allow(*READERS)
async def verify_page(request: web.Request) -> web.Response:
    """The last verification of the archive, and a form to run one."""
    return aiohttp_jinja2.render_template("verify.html", request, {
        "last": _last_verify(request), "error": ""})


@allow(*READERS)
async def verify(request: web.Request) -> web.Response:
    """Verify the archive (``sinks.verify``, as ``archive verify``) and keep the result."""
    form, session, app = await request.post(), session_of(request), request.app
    try:
        since = date.fromisoformat(str(form["since"])) if form.get("since") else None
        until = date.fromisoformat(str(form["until"])) if form.get("until") else None
    except ValueError:
        return aiohttp_jinja2.render_template("verify.html", request, {
            "last": _last_verify(request), "error": "dates are YYYY-MM-DD"}, status=400)
    reader = app[READER]
    report = await asyncio.to_thread(
        Verifier(reader.store("officer"), reader.series).run, since, until)
    last = {**report.to_json(), "ok": report.ok, "at": utc_now().isoformat(),
            "by": session.user.name, "since": str(since or ""), "until": str(until or "")}
    _verify_file(request).write_text(json.dumps(last, indent=2), encoding="utf-8")
    await app[AUDITOR].write(audit_record(
        "verify", session.user.name, session.user.role, remote(request),
        "ok" if report.ok else "problems", since=last["since"], until=last["until"],
        problems=len(report.problems)))
    raise web.HTTPSeeOther("/records/verify")


def exports_dir(state_dir: Path) -> Path:
    """Where the console keeps the bundles it wrote."""
    folder = state_dir / "console-exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _verify_file(request: web.Request) -> Path:
    return request.app[SETTINGS].embedded.state_dir / "console-last-verify.json"


def _last_verify(request: web.Request) -> dict[str, Any] | None:
    path = _verify_file(request)
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
