"""``/metrics``, ``/healthz`` and ``/readyz`` of one process, served from a daemon thread.

- ``/healthz`` (liveness): 200 while the main loop ticked within ``stall_seconds``, else 503;
- ``/readyz`` (readiness): 200 once the process said it is ready (joined its consumer group,
  or, for HTTP ingest, reached the broker) and while it stays so, else 503;
- ``/metrics``: the Prometheus text format of :mod:`pipeline.metrics`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pipeline.settings import MetricsSettings

log = logging.getLogger(__name__)


class Health:
    """This process's liveness tick and readiness flag (one per process: :data:`STATE`)."""

    def __init__(self, stall_seconds: float = 60.0) -> None:
        self.stall_seconds = stall_seconds
        self.last_beat = time.monotonic()
        self.ready_flag = False

    def beat(self) -> None:
        """The main loop is making progress."""
        self.last_beat = time.monotonic()

    def set_ready(self, ready: bool = True) -> None:
        """Say whether the process can do its work now."""
        self.ready_flag = ready

    def alive(self) -> bool:
        """True when the main loop ticked within ``stall_seconds``."""
        return time.monotonic() - self.last_beat <= self.stall_seconds

    def ready(self) -> bool:
        """True when alive and ready."""
        return self.ready_flag and self.alive()


STATE = Health()
"""The state of this process, set by its main loop, read by the server."""


async def beat_forever(every: float = 1.0) -> None:
    """Tick :data:`STATE` while the event loop runs (liveness of an asyncio process)."""
    while True:
        STATE.beat()
        await asyncio.sleep(every)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
        elif path in ("/healthz", "/readyz"):
            ok = STATE.alive() if path == "/healthz" else STATE.ready()
            body = json.dumps({"status": "ok" if ok else "unavailable"}).encode()
            self._send(200 if ok else 503, body, "application/json")
        else:
            self._send(404, b'{"status": "not found"}', "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes and probes are not worth a log line each."""


class HealthServer:
    """The HTTP server of :data:`STATE` and the metrics, on a daemon thread."""

    def __init__(self, host: str, port: int) -> None:
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="health",
                                       daemon=True)

    @property
    def port(self) -> int:
        """The port bound (the chosen one when configured as 0)."""
        return int(self.httpd.server_address[1])

    def start(self) -> HealthServer:
        """Serve from now on; return self."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_health(settings: MetricsSettings, role: str) -> HealthServer | None:
    """Start this process's server as configured (None when disabled) and log its port."""
    STATE.stall_seconds = settings.stall_seconds
    if not settings.enabled:
        return None
    server = HealthServer(settings.host, settings.port).start()
    log.info("%s: /metrics, /healthz, /readyz on %s:%d", role, settings.host, server.port)
    return server
