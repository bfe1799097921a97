"""Each process's /metrics, /healthz and /readyz on the real stack, and `status` reading them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from civicmod.stack.ports import free_port
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.supervisor import write_endpoints
from civicmod.status import collect_status
from pipeline.settings import EmbeddedSettings, IngestSettings, MetricsSettings, Settings
from tests.integration.helpers import (
    http_get,
    isolated,
    metric,
    scrape,
    start,
    wait_for,
    wait_ready,
)

pytestmark = pytest.mark.integration

CLEAN = 5


def _start(name: str, args: list[str], settings: Settings, **extra: object) -> tuple[
        ManagedProcess, str]:
    port = free_port()
    own = settings.model_copy(update={"metrics": MetricsSettings(port=port), **extra})
    return start(name, args, own), f"http://127.0.0.1:{port}"


def _post(port: int, body: object) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/comments", data=json.dumps(body).encode(),
        headers={"content-type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_worker_sink_and_ingest_expose_counters_that_move(
    stack: Settings, tmp_path: Path
) -> None:
    settings = isolated(stack, "metrics")
    http_port = free_port()
    ingest = IngestSettings(http_port=http_port)
    processes = []
    try:
        worker, worker_url = _start("metrics-worker", ["worker"], settings)
        sink, sink_url = _start("metrics-sink", ["sink"], settings)
        http, http_url = _start("metrics-http", ["serve-http"], settings, ingest=ingest)
        processes = [worker, sink, http]
        first = wait_ready([worker_url, sink_url, http_url], 90)
        assert first[:2] == [503, 503], "worker or sink ready before joining their group"
        for url in (worker_url, sink_url, http_url):
            assert http_get(f"{url}/healthz") == (200, '{"status": "ok"}')

        comments = [{"id": f"m-{n}", "platform": "facebook", "page": "town", "post": "p1",
                     "author_id": f"u-{n}", "text": f"When does the library open, day {n}?",
                     "created_at": "2026-11-25T09:30:00Z"} for n in range(CLEAN)]
        vulgar = {**comments[0], "id": "m-vulgar", "author_id": "u-v",
                  "text": "This sh1t road work never ends"}
        assert _post(http_port, [*comments, vulgar]) == 202
        assert _post(http_port, {"id": "no-text"}) == 400

        total = CLEAN + 1
        wait_for(lambda: metric(sink_url, "civicmod_archive_records_total",
                                topic=settings.topics.verdicts) >= total,
                 90, "the verdicts archived")
        wait_for(lambda: metric(sink_url, "civicmod_archive_records_total",
                                topic=settings.topics.deadletter) >= 1,
                 30, "the dead letter archived")
        wait_for(lambda: sum(v for (n, _), v in scrape(sink_url).items()
                             if n == "civicmod_archive_lag_records") == 0, 30, "no archive lag")

        assert metric(http_url, "civicmod_ingest_comments_total", outcome="accepted") == total
        assert metric(http_url, "civicmod_dead_letters_total", stage="ingest") == 1
        assert metric(worker_url, "civicmod_worker_messages_total") == total
        verdicts = {dict(labels)["action"]: value for (name, labels), value
                    in scrape(worker_url).items() if name == "civicmod_verdicts_total"}
        assert sum(verdicts.values()) == total and verdicts.get("allow", 0) >= CLEAN - 1
        assert metric(worker_url, "civicmod_flagged_total") >= 1
        assert metric(worker_url, "civicmod_processing_seconds_count") == total
        assert any(name == "civicmod_versions_info" for name, _ in scrape(worker_url))
        assert metric(sink_url, "civicmod_archive_objects_total",
                      topic=settings.topics.verdicts) >= 1
        assert metric(sink_url, "civicmod_archive_records_total",
                      topic=settings.topics.verdicts) == total

        local = settings.model_copy(update={"embedded": EmbeddedSettings(state_dir=tmp_path)})
        write_endpoints(local, {"worker": int(worker_url.rsplit(":", 1)[1]),
                                "sink": int(sink_url.rsplit(":", 1)[1])})
        status = collect_status(local, count_archive=False)
        assert status.processes == {"worker": "ready", "sink": "ready"}
        assert status.metrics["verdicts"] == total
        assert status.metrics["archived records"] >= total + 1
        assert status.lag[settings.sink.group_id] == 0
    finally:
        for process in processes:
            process.stop()
