"""``civicmod up``: start the stack in order, restart what dies, stop in reverse order."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping

from civicmod.stack.embedded import EmbeddedServices, child_environment
from civicmod.stack.ports import free_port
from civicmod.stack.processes import ManagedProcess
from civicmod.status import ENDPOINTS_FILE, collect_status, summary_line
from pipeline.settings import Settings
from pipeline.topics import create_topics

log = logging.getLogger(__name__)

RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)
REPORT_EVERY_SECONDS = 10.0
ROLES = ("worker", "sink", "http")
SOURCE_ROLES = ("sources", "platform-actions")


def metrics_ports(settings: Settings) -> dict[str, int]:
    """Each long-running child's metrics port: ``up_base_port`` + 0, 1, 2 (3, 4 for the
    sources when a platform is configured), or free ports."""
    roles = ROLES + (SOURCE_ROLES if settings.sources.configured else ())
    base = settings.metrics.up_base_port
    return {role: base + n if base else free_port() for n, role in enumerate(roles)}


def write_endpoints(settings: Settings, ports: Mapping[str, int]) -> None:
    """List the children's metrics URLs in the state directory, for ``civicmod status``."""
    host = settings.metrics.host if settings.metrics.host not in ("0.0.0.0", "") else "127.0.0.1"
    urls = {role: f"http://{host}:{port}" for role, port in ports.items()}
    path = settings.embedded.state_dir / ENDPOINTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(urls, indent=2) + "\n")


def civicmod_process(
    name: str, args: list[str], settings: Settings, extra_env: Mapping[str, str] | None = None
) -> ManagedProcess:
    """A ``civicmod`` sub-command as a child process with the effective settings."""
    env = {**os.environ, **child_environment(settings), **(extra_env or {})}
    argv = [sys.executable, "-m", "civicmod.cli", *args]
    return ManagedProcess(name, argv, settings.embedded.state_dir / "logs" / f"{name}.log", env)


def _per_role_keys(settings: Settings) -> dict[str, str]:
    """Without the pipeline's keys, the console opens the archive with each role's own
    embedded keys (officers read, administrators hold: ``archive_access.open_store``)."""
    if not settings.embedded.enabled:
        return {}
    return {"CIVICMOD_S3__ACCESS_KEY": "", "CIVICMOD_S3__SECRET_KEY": ""}


def children(settings: Settings, demo_rate: float = 0.0, demo_count: int = 0,
             ports: Mapping[str, int] | None = None) -> list[ManagedProcess]:
    """The processes ``up`` runs, in start order: worker, sink, HTTP ingest, the web console,
    the platform sources and their actions when a platform is configured (else nothing
    more), demo. ``ports`` gives each child that serves metrics its port
    (:func:`metrics_ports`)."""
    commands = {"worker": ["worker"], "sink": ["sink"], "http": ["serve-http"],
                "sources": ["sources", "serve"], "platform-actions": ["sources", "act"]}
    roles = ROLES + (SOURCE_ROLES if settings.sources.configured else ())
    ports = ports or {}
    processes = [
        civicmod_process(role, commands[role], settings,
                         {"CIVICMOD_METRICS__PORT": str(ports[role])} if role in ports else None)
        for role in roles
    ]
    processes.insert(len(ROLES), civicmod_process("console", ["console"], settings,
                                                  _per_role_keys(settings)))
    if demo_count:
        processes.append(civicmod_process(
            "demo", ["demo", "--rate", str(demo_rate), "--count", str(demo_count)], settings))
    return processes


class Supervisor:
    """Owns every process of a running stack."""

    def __init__(self, settings: Settings, demo_rate: float = 0.0, demo_count: int = 0) -> None:
        self.settings = settings
        self.demo_rate = demo_rate
        self.demo_count = demo_count
        self.services: EmbeddedServices | None = None
        self.children: list[ManagedProcess] = []
        self.restarts: dict[str, int] = {}
        self.effective = settings

    def start(self) -> Settings:
        """Start services (when embedded), topics, then worker, sink, HTTP ingest, the web
        console, the configured platform sources and demo traffic."""
        effective = self.settings
        if self.settings.embedded.enabled:
            self.services = EmbeddedServices(self.settings)
            effective = self.services.start()
        else:
            create_topics(effective)
        self.effective = effective
        ports = metrics_ports(effective)
        write_endpoints(effective, ports)
        self.children = children(effective, self.demo_rate, self.demo_count, ports)
        for child in self.children:
            child.start()
        return effective

    def supervise(self, stop: threading.Event) -> None:
        """Restart any long-running child that exits, with backoff, until ``stop`` is set.

        Every ``REPORT_EVERY_SECONDS`` it logs a one-line summary (no comment text).
        """
        last_report = time.monotonic()
        while not stop.wait(1.0):
            if time.monotonic() - last_report >= REPORT_EVERY_SECONDS:
                last_report = time.monotonic()
                log.info("%s", summary_line(collect_status(self.effective, count_archive=False)))
            for child in self.children:
                if child.alive() or child.name == "demo":
                    continue
                count = self.restarts.get(child.name, 0)
                delay = RESTART_BACKOFF_SECONDS[min(count, len(RESTART_BACKOFF_SECONDS) - 1)]
                log.error("%s exited; restarting in %ds (see %s)", child.name, delay,
                          child.log_path)
                if stop.wait(delay):
                    return
                self.restarts[child.name] = count + 1
                child.start()

    def stop(self) -> None:
        """Stop children in reverse start order, then the services."""
        for child in reversed(self.children):
            child.stop()
        (self.effective.embedded.state_dir / ENDPOINTS_FILE).unlink(missing_ok=True)
        if self.services is not None:
            self.services.stop()


def run_until_signalled(supervisor: Supervisor) -> None:
    """Start the supervisor and block until SIGINT or SIGTERM, then stop everything."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        started = time.monotonic()
        supervisor.start()
        log.info("civicmod is up after %.1fs; Ctrl-C stops it", time.monotonic() - started)
        supervisor.supervise(stop)
    finally:
        supervisor.stop()
