"""Who may do what, checked on every request before any handler runs.

Every route names the roles that may use it (:func:`allow`); a route that names none is
refused. A POST needs the session's CSRF token in its ``csrf`` field. Responses carry a
strict Content-Security-Policy (no inline script or style, nothing from another origin).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, SESSIONS
from civicmod.console.sessions import Session

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC = "public"
SESSION_COOKIE = "civicmod_session"
SESSION = web.RequestKey("session", Session)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def allow(*roles: str) -> Callable[[Handler], Handler]:
    """Mark a handler with the roles that may use it (``PUBLIC``: anyone)."""
    def mark(handler: Handler) -> Handler:
        handler.roles = frozenset(roles)  # type: ignore[attr-defined]
        return handler
    return mark


def session_of(request: web.Request) -> Session:
    """The session of an authorised request."""
    return request[SESSION]


def remote(request: web.Request) -> str:
    """The client's address, for audit records and the login limiter."""
    return request.remote or "unknown"


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Authenticate, authorise and check CSRF; then add the security headers."""
    response = await _checked(request, handler)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _checked(request: web.Request, handler: Handler) -> web.StreamResponse:
    roles: frozenset[str] = getattr(request.match_info.handler, "roles", frozenset())
    if PUBLIC in roles or request.match_info.http_exception is not None:  # or 404/405
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    session = request.app[SESSIONS].get(token) if token else None
    if session is None:
        if request.method == "GET":
            raise web.HTTPSeeOther("/login")
        raise web.HTTPUnauthorized(text="log in first")
    request[SESSION] = session
    if session.user.role not in roles:
        await refuse(request, session, "role")
        raise web.HTTPForbidden(text=f"a {session.user.role} may not use this page")
    if request.method == "POST":
        form = await request.post()
        if not session.csrf_ok(str(form.get("csrf", ""))):
            await refuse(request, session, "csrf")
            raise web.HTTPForbidden(text="the form's CSRF token is missing or wrong: reload")
    return await handler(request)


async def refuse(request: web.Request, session: Session, why: str, **detail: Any) -> None:
    """Archive a refusal (a page or form the user may not use)."""
    await request.app[AUDITOR].write(audit_record(
        "refused", session.user.name, session.user.role, remote(request), why,
        method=request.method, path=request.path, **detail))
