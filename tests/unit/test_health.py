"""The health server: liveness by the main loop's tick, readiness by the process's word."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from pipeline import health, metrics
from pipeline.settings import MetricsSettings


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[health.HealthServer]:
    monkeypatch.setattr(health, "STATE", health.Health())
    started = health.serve_health(MetricsSettings(port=0, stall_seconds=30), "test")
    assert started is not None
    yield started
    started.stop()


def test_not_ready_until_the_process_says_so(server: health.HealthServer) -> None:
    assert _get(server.port, "/healthz")[0] == 200
    assert _get(server.port, "/readyz")[0] == 503
    health.STATE.set_ready()
    assert _get(server.port, "/readyz") == (200, '{"status": "ok"}')


def test_a_stalled_main_loop_fails_liveness_and_readiness(server: health.HealthServer) -> None:
    health.STATE.set_ready()
    health.STATE.last_beat -= 31
    assert _get(server.port, "/healthz")[0] == 503
    assert _get(server.port, "/readyz")[0] == 503
    health.STATE.beat()
    assert _get(server.port, "/healthz")[0] == 200


def test_metrics_are_served_in_the_prometheus_format(server: health.HealthServer) -> None:
    metrics.count_ingested("dead_lettered")
    status, body = _get(server.port, "/metrics")
    assert status == 200
    assert 'civicmod_ingest_comments_total{outcome="dead_lettered"}' in body
    assert 'civicmod_dead_letters_total{stage="ingest"}' in body
    assert _get(server.port, "/nothing")[0] == 404


def test_disabled_serves_nothing() -> None:
    assert health.serve_health(MetricsSettings(enabled=False), "test") is None
