"""The console's aiohttp application: components, routes, templates; and serving it."""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from civicmod.console import (
    admin_views,
    auth_views,
    author_views,
    dashboard_views,
    holds_views,
    queue_views,
    records_views,
)
from civicmod.console.archive import ArchiveReader, IndexFacts
from civicmod.console.audit import Auditor
from civicmod.console.keys import (
    AUDITOR,
    DESK,
    LIMITER,
    LIVE,
    QUEUE,
    READER,
    SESSIONS,
    SETTINGS,
    USERS,
)
from civicmod.console.live import Broadcast
from civicmod.console.queue import QueueService
from civicmod.console.security import PUBLIC, SESSION, allow, guard
from civicmod.console.sessions import LoginLimiter, SessionStore
from civicmod.console.users import UserStore, users_path
from pipeline.desk import ActionDesk
from pipeline.settings import Settings

SHUTDOWN_SECONDS = 5.0
"""How long a stopping console waits for open requests (live queue streams never end)."""
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def build_console_app(settings: Settings) -> web.Application:
    """The console for ``settings`` (connects its producers to the broker now)."""
    console = settings.console
    app = web.Application(middlewares=[guard], client_max_size=64 * 1024)
    env = aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("civicmod.console",
                                                                "templates"),
                               autoescape=True, context_processors=[_context])
    env.filters["duration"] = duration
    reader, live = ArchiveReader(settings), Broadcast()
    app[SETTINGS] = settings
    app[USERS] = UserStore(users_path(settings))
    app[SESSIONS] = SessionStore(console.session_minutes)
    app[LIMITER] = LoginLimiter(console.login_attempts, console.login_window_seconds)
    app[READER] = reader
    app[LIVE] = live
    app[QUEUE] = QueueService(settings, settings.moderation.team, live.changed)
    app[AUDITOR] = Auditor(settings)
    app[DESK] = ActionDesk(settings, IndexFacts(reader), "civicmod console")
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    _routes(app.router)
    return app


def _routes(router: web.UrlDispatcher) -> None:
    get, post = router.add_get, router.add_post
    get("/login", auth_views.login_form)
    post("/login", auth_views.login)
    post("/logout", auth_views.logout)
    get("/static/{name}", static)
    get("/", dashboard_views.dashboard)
    get("/queue", queue_views.queue_page)
    get("/queue/rows", queue_views.queue_rows)
    get("/queue/events", queue_views.queue_events)
    get("/queue/next", queue_views.next_item)
    get("/queue/item/{item_id}", queue_views.item_page)
    post("/queue/item/{item_id}/claim", queue_views.take_over)
    post("/queue/item/{item_id}/act", queue_views.act)
    get("/authors/{author_key}", author_views.author_page)
    post("/authors/{author_key}/act", author_views.moderate)
    get("/records", records_views.search_page)
    get("/records/comment/{comment_id}", records_views.comment_page)
    get("/records/export", records_views.export_form)
    post("/records/export", records_views.export)
    get("/records/exports/{name}", records_views.download)
    get("/records/verify", records_views.verify_page)
    post("/records/verify", records_views.verify)
    get("/records/holds", holds_views.holds_page)
    post("/records/holds", holds_views.hold_set)
    post("/records/holds/release", holds_views.hold_release)
    get("/records/disposition", holds_views.disposition_page)
    get("/admin/users", admin_views.users_page)
    get("/admin/settings", admin_views.settings_page)


@allow(PUBLIC)
async def static(request: web.Request) -> web.Response:
    """The console's stylesheet and script."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    body = resources.files("civicmod.console").joinpath("static", name).read_bytes()
    return web.Response(body=body, content_type=STATIC[name],
                        headers={"Cache-Control": "max-age=300"})


def duration(seconds: float) -> str:
    """A duration in words: seconds under two minutes, else minutes or hours."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


async def _context(request: web.Request) -> dict[str, Any]:
    session = request.get(SESSION)
    return {"session": session, "csrf": session.csrf if session else "",
            "path": request.path}


async def _start(app: web.Application) -> None:
    app[LIVE].bind(asyncio.get_running_loop())
    app[QUEUE].start()


async def _stop(app: web.Application) -> None:
    await asyncio.to_thread(app[QUEUE].stop)
    app[DESK].close()
    app[AUDITOR].close()


class PathOnlyAccessLog(AbstractAccessLogger):
    """One line per request without its query string: search words never reach a log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Log address, method, path, status and duration."""
        self.logger.info("%s %s %s %d %.3fs", request.remote, request.method, request.path,
                         response.status, time)


def serve_console(settings: Settings) -> None:
    """Serve the console on ``console.host``:``console.port`` until interrupted."""
    web.run_app(build_console_app(settings), host=settings.console.host,
                port=settings.console.port, print=None, shutdown_timeout=SHUTDOWN_SECONDS,
                access_log_class=PathOnlyAccessLog)
