"""Login and logout. The login form is protected by a double-submit token (a cookie and a
form field that must match), every session by its own CSRF token."""

from __future__ import annotations

import asyncio
import hmac
import secrets

import aiohttp_jinja2
from aiohttp import web

from civicmod.console.audit import audit_record
from civicmod.console.keys import AUDITOR, LIMITER, SESSIONS, USERS
from civicmod.console.security import PUBLIC, SESSION_COOKIE, allow, remote, session_of
from civicmod.console.users import ROLES

LOGIN_COOKIE = "civicmod_login"
COOKIE = {"httponly": True, "secure": True, "samesite": "Strict", "path": "/"}


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    # One token per browser until login: a second tab or a redirected favicon request
    # must not invalidate the form already shown.
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = aiohttp_jinja2.render_template(
        "login.html", request, {"login_token": token, "error": error}, status=status)
    response.set_cookie(LOGIN_COOKIE, token, **COOKIE)  # type: ignore[arg-type]
    return response


@allow(PUBLIC)
async def login_form(request: web.Request) -> web.Response:
    """The login form."""
    return _login_page(request)


@allow(PUBLIC)
async def login(request: web.Request) -> web.Response:
    """Check the password (rate-limited), open a session, archive the login either way."""
    form = await request.post()
    name, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    sent, cookie = str(form.get("login_token", "")), request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        return _login_page(request, "The form expired; please log in again.", 403)
    app, address = request.app, remote(request)
    limiter = app[LIMITER]
    keys = (f"user:{name}", f"addr:{address}")
    wait = limiter.retry_after(*keys)
    if wait:
        await app[AUDITOR].write(audit_record("login", name, "", address, "rate-limited"))
        response = _login_page(request, f"Too many failed logins; try again in {wait} s.", 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = await asyncio.to_thread(app[USERS].check, name, password)
    if user is None:
        limiter.failed(*keys)
        await app[AUDITOR].write(audit_record("login", name, "", address, "failed"))
        return _login_page(request, "Wrong user name or password.", 401)
    session = app[SESSIONS].open(user)
    await app[AUDITOR].write(audit_record("login", user.name, user.role, address, "ok"))
    response = web.HTTPSeeOther("/")
    response.set_cookie(SESSION_COOKIE, session.token, **COOKIE)  # type: ignore[arg-type]
    response.del_cookie(LOGIN_COOKIE, path="/")
    raise response


@allow(*ROLES)
async def logout(request: web.Request) -> web.Response:
    """End the session."""
    session = session_of(request)
    request.app[SESSIONS].close(session.token)
    await request.app[AUDITOR].write(audit_record(
        "logout", session.user.name, session.user.role, remote(request), "ok"))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response
