"""The administrator's pages: users (added with ``civicmod users add``) and the settings."""

from __future__ import annotations

import json

import aiohttp_jinja2
from aiohttp import web

from civicmod.console.keys import SETTINGS, USERS
from civicmod.console.security import allow


@allow("admin")
async def users_page(request: web.Request) -> web.Response:
    """Every console user and role."""
    return aiohttp_jinja2.render_template("users.html", request, {
        "users": request.app[USERS].list()})


@allow("admin")
async def settings_page(request: web.Request) -> web.Response:
    """The effective settings, secrets masked (as ``civicmod config show``)."""
    return aiohttp_jinja2.render_template("settings.html", request, {
        "settings": json.dumps(request.app[SETTINGS].masked(), indent=2, default=str)})
