"""``civicmod up``: start the stack in order, restart what dies, stop in reverse order."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping

from civicmod.stack.embedded import EmbeddedServices, child_environment
from civicmod.stack.processes import ManagedProcess
from civicmod.status import collect_status, summary_line
from pipeline.settings import Settings
from pipeline.topics import create_topics

log = logging.getLogger(__name__)

RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)
REPORT_EVERY_SECONDS = 10.0


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


def children(settings: Settings, demo_rate: float = 0.0, demo_count: int = 0
             ) -> list[ManagedProcess]:
    """The processes ``up`` runs, in start order: worker, sink, HTTP ingest, the web console,
    the platform sources and their actions when a platform is configured (else nothing
    more), demo."""
    processes = [
        civicmod_process("worker", ["worker"], settings),
        civicmod_process("sink", ["sink"], settings),
        civicmod_process("http", ["serve-http"], settings),
        civicmod_process("console", ["console"], settings, _per_role_keys(settings)),
    ]
    if settings.sources.configured:
        processes += [civicmod_process("sources", ["sources", "serve"], settings),
                      civicmod_process("platform-actions", ["sources", "act"], settings)]
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
        self.children = children(effective, self.demo_rate, self.demo_count)
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
