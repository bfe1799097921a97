"""Helpers for console tests: the console served on a free port from a thread, a small HTTP
client that keeps cookies by hand (to see every attribute) and never follows redirects."""

from __future__ import annotations

import asyncio
import http.client
import re
import threading
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from pydantic import SecretStr
from typer.testing import CliRunner

from civicmod.cli import app as cli_app
from civicmod.console.app import build_console_app
from civicmod.stack.embedded import child_environment
from civicmod.stack.ports import free_port
from civicmod.stack.supervisor import civicmod_process
from pipeline.settings import ConsoleSettings, ModerationSettings, Settings
from tests.integration.helpers import wait_for

PASSWORD = "correct horse battery staple"
ATTEMPTS = 3


def console_settings(settings: Settings, folder: Path, team: str, **console: Any) -> Settings:
    """``settings`` with a console on a free port, users and index under ``folder``."""
    return settings.model_copy(update={
        "console": ConsoleSettings(port=free_port(), users_file=str(folder / "users.sqlite"),
                                   **console),
        "archive": settings.archive.model_copy(update={
            "index_file": str(folder / "index.duckdb")}),
        "moderation": ModerationSettings(team=team),
        # as `civicmod up` starts it: each role's own embedded archive keys
        "s3": settings.s3.model_copy(update={"access_key": SecretStr(""),
                                             "secret_key": SecretStr("")}),
    })


def add_user(settings: Settings, name: str, role: str, password: str = PASSWORD) -> str:
    """``civicmod users add`` (the password from the environment); return its output."""
    env = {**child_environment(settings), "CIVICMOD_CONSOLE_PASSWORD": password}
    result = CliRunner().invoke(cli_app, ["users", "add", name, "--role", role], env=env)
    assert result.exit_code == 0, result.output
    return result.output


class RunningConsole:
    """The console app served from its own event loop in a thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = settings.console.port
        self.loop = asyncio.new_event_loop()
        self.runner: web.AppRunner | None = None
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> RunningConsole:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=60)
        return self

    async def _start(self) -> None:
        self.runner = web.AppRunner(build_console_app(self.settings))
        await self.runner.setup()
        for attempt in range(ATTEMPTS):
            try:
                await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
                return
            except OSError:  # a parallel test took the port first
                if attempt == ATTEMPTS - 1:
                    raise
                self.port = free_port()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    @property
    def url(self) -> str:
        """The console's base address."""
        return f"http://127.0.0.1:{self.port}"


class ConsoleProcess:
    """``civicmod console`` as a child process (what ``civicmod up`` starts), on a port free
    when it starts (another port if a parallel test took that one first)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = settings.console.port
        self.process = civicmod_process("console", ["console"], settings)

    def __enter__(self) -> ConsoleProcess:
        for _ in range(ATTEMPTS):
            self.process = civicmod_process("console", ["console"], self.settings)
            self.process.start()
            if wait_for(self._state, 60, f"civicmod console on port {self.port}") == "up":
                return self
            self.port = free_port()
            self.settings = self.settings.model_copy(update={
                "console": self.settings.console.model_copy(update={"port": self.port})})
        raise AssertionError(f"the console did not start: see {self.process.log_path}")

    def _state(self) -> str:
        """``up`` (our console answers), ``gone`` (it exited) or "" (not yet)."""
        if not self.process.alive():
            return "gone"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/login")
            page = connection.getresponse().read()
            connection.close()
        except OSError:
            return ""
        return "up" if b'name="login_token"' in page and self.process.alive() else ""

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.process.stop()


class Reply:
    """One HTTP answer."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        """The first header ``name`` ("" if absent)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def set_cookies(self) -> list[str]:
        """Every Set-Cookie header, verbatim."""
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def csrf(self) -> str:
        """The CSRF token of the page's forms."""
        found = re.search(r'name="csrf" value="([^"]+)"', self.text)
        assert found, "no CSRF token on the page"
        return found.group(1)


class Client:
    """A user agent: cookies kept by hand, redirects returned, not followed."""

    def __init__(self, console: RunningConsole | ConsoleProcess) -> None:
        self.port = console.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, Any] | None = None) -> Reply:
        """Send one request; store the cookies it sets."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = urlencode(form or {}, doseq=True) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.getheaders(), response.read())
        finally:
            connection.close()
        for raw in reply.set_cookies():
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return reply

    def get(self, path: str) -> Reply:
        """GET ``path``."""
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, Any]) -> Reply:
        """POST ``form`` to ``path``."""
        return self.request("POST", path, form)

    def login(self, name: str, password: str = PASSWORD) -> Reply:
        """Fetch the login form and post it."""
        page = self.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token, page.text
        return self.post("/login", {"login_token": token.group(1), "username": name,
                                    "password": password})
