"""The typed keys of what the console's aiohttp application holds."""

from __future__ import annotations

from aiohttp import web

from civicmod.console.archive import ArchiveReader
from civicmod.console.audit import Auditor
from civicmod.console.live import Broadcast
from civicmod.console.queue import QueueService
from civicmod.console.sessions import LoginLimiter, SessionStore
from civicmod.console.users import UserStore
from pipeline.desk import ActionDesk
from pipeline.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
USERS = web.AppKey("users", UserStore)
SESSIONS = web.AppKey("sessions", SessionStore)
LIMITER = web.AppKey("limiter", LoginLimiter)
AUDITOR = web.AppKey("auditor", Auditor)
READER = web.AppKey("reader", ArchiveReader)
QUEUE = web.AppKey("queue", QueueService)
DESK = web.AppKey("desk", ActionDesk)
LIVE = web.AppKey("live", Broadcast)
