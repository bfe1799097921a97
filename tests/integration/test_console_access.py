"""Who may use the console, checked over HTTP on ``civicmod console`` with the real broker:
login, cookies, the rate limit, roles on every kind of route, CSRF, and the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.settings import Settings
from tests.integration.console_helpers import (
    PASSWORD,
    Client,
    ConsoleProcess,
    add_user,
    console_settings,
)
from tests.integration.helpers import isolated, read_topic

pytestmark = pytest.mark.integration

# (method, path, the one role allowed); every other role must be refused.
ROUTES = [
    ("GET", "/queue", "moderator"),
    ("GET", "/queue/next", "moderator"),
    ("POST", "/queue/item/x:0:1/act", "moderator"),
    ("POST", "/authors/facebook:u-1/act", "moderator"),
    ("GET", "/records/export", "officer"),
    ("POST", "/records/export", "officer"),
    ("GET", "/records/exports/20260101T000000-o.zip", "officer"),
    ("POST", "/records/holds", "admin"),
    ("POST", "/records/holds/release", "admin"),
    ("GET", "/records/disposition", "admin"),
    ("GET", "/admin/users", "admin"),
    ("GET", "/admin/settings", "admin"),
]


def test_login_roles_csrf_and_audit(stack: Settings, tmp_path: Path) -> None:
    settings = console_settings(isolated(stack, "cons-access"), tmp_path, "cons-access",
                                login_attempts=3)
    assert "saved" in add_user(settings, "mia", "moderator")
    add_user(settings, "otto", "officer")
    add_user(settings, "ada", "admin")
    with ConsoleProcess(settings) as console:  # `civicmod console`, as `up` starts it
        anonymous = Client(console)
        assert anonymous.get("/").status == 303
        assert anonymous.get("/records/export").header("Location") == "/login"
        assert anonymous.post("/records/export", {"csrf": "x"}).status == 401

        wrong_form = Client(console)
        wrong_form.get("/login")
        forged = wrong_form.post("/login", {"login_token": "forged", "username": "mia",
                                            "password": PASSWORD})
        assert forged.status == 403 and "civicmod_session" not in wrong_form.cookies

        clients = {}
        for name in ("mia", "otto", "ada"):
            client = Client(console)
            reply = client.login(name)
            assert reply.status == 303, reply.text
            cookie = next(c for c in reply.set_cookies() if c.startswith("civicmod_session="))
            for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
                assert attribute in cookie, cookie
            clients[name] = client
        roles = {"mia": "moderator", "otto": "officer", "ada": "admin"}

        for method, path, allowed in ROUTES:
            for name, client in clients.items():
                page = client.get("/")
                assert page.status == 200 and "Content-Security-Policy" in dict(page.headers)
                form = {"csrf": page.csrf()}
                reply = client.get(path) if method == "GET" else client.post(path, form)
                if roles[name] == allowed:
                    assert reply.status not in (401, 403), (name, method, path, reply.status)
                else:
                    assert reply.status == 403, (name, method, path, reply.status)

        disposition = clients["ada"].get("/records/disposition")
        assert "0 eligible, 0 kept by a legal hold, 0 still locked" in disposition.text

        mia = clients["mia"]
        assert mia.post("/queue/item/x:0:1/act", {"kind": "keep"}).status == 403
        assert mia.post("/queue/item/x:0:1/act", {"kind": "keep", "csrf": "nope"}).status == 403
        other_csrf = clients["otto"].get("/").csrf()
        assert mia.post("/authors/facebook:u-1/act", {"csrf": other_csrf}).status == 403
        assert mia.post("/logout", {"csrf": mia.get("/").csrf()}).status == 303
        assert mia.get("/queue").status == 303  # the session is gone on the server

        attacker = Client(console)
        for _ in range(3):
            assert attacker.login("otto", "wrong password!").status == 401
        limited = attacker.login("otto")  # the right password, but locked for now
        assert limited.status == 429 and int(limited.header("Retry-After")) > 0
        assert "civicmod_session" not in attacker.cookies

    records = [json.loads(m.value) for m in read_topic(settings, settings.topics.audit, 10**6,
                                                       timeout=2)]
    logins = [(r["actor"], r["outcome"]) for r in records if r["action"] == "login"]
    assert ("mia", "ok") in logins and ("otto", "failed") in logins
    assert ("otto", "rate-limited") in logins
    refused = {(r["actor"], r["detail"]["path"], r["outcome"]) for r in records
               if r["action"] == "refused"}
    assert ("mia", "/records/export", "role") in refused
    assert ("mia", "/queue/item/x:0:1/act", "csrf") in refused
    assert any(r["action"] == "logout" and r["actor"] == "mia" for r in records)
