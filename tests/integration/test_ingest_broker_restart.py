"""``civicmod ingest`` while the real broker (Tansu) is stopped and started again: it waits and
completes, or, when the broker stays away, stops with one line saying how to resume; resuming
with ``--skip`` loses nothing. The broker is stopped and started by PID."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient

from civicmod.demo import generate_comments
from civicmod.stack.embedded import (
    EmbeddedServices,
    child_environment,
    free_port_settings,
    start_embedded,
)
from civicmod.stack.ports import wait_listening
from pipeline.ingest import CommentProducer, ingest_stream
from pipeline.settings import IngestSettings, Settings
from tests.integration.helpers import read_topic, wait_for

pytestmark = pytest.mark.integration

COMMENTS = 1200
CHUNK = 100


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[tuple[EmbeddedServices, Settings]]:
    """A stack of this test's own: its broker is stopped, which the shared one must not be."""
    services, effective = start_embedded(free_port_settings(tmp_path / "state"))
    try:
        yield services, effective
    finally:
        services.stop()


def _with_ingest(settings: Settings, wait_seconds: float) -> Settings:
    ingest = IngestSettings(chunk_records=CHUNK, broker_wait_seconds=wait_seconds)
    return settings.model_copy(update={"ingest": ingest})


def _comments_file(tmp_path: Path) -> tuple[Path, list[bytes]]:
    lines = [json.dumps(c).encode() for c in generate_comments(COMMENTS, seed=16)]
    path = tmp_path / "comments.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path, lines


def _restart_broker(services: EmbeddedServices, settings: Settings) -> None:
    services.tansu.start()

    def ready() -> bool:
        if not wait_listening(settings.embedded.broker_port):
            return False
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers,
                                 request_timeout_ms=3000)
        try:
            return settings.topics.raw in admin.list_topics()
        finally:
            admin.close()

    wait_for(lambda: _quietly(ready), 60, "the broker to come back")


def _quietly(check: object) -> bool:
    try:
        return bool(check())  # type: ignore[operator]
    except Exception:
        return False


def _raw_ids(settings: Settings, expected: int) -> list[str]:
    return [json.loads(m.value)["id"]
            for m in read_topic(settings, settings.topics.raw, expected, timeout=60)]


def test_ingest_waits_for_a_restarted_broker_and_completes(
    own_stack: tuple[EmbeddedServices, Settings], tmp_path: Path
) -> None:
    services, effective = own_stack
    settings = _with_ingest(effective, wait_seconds=120)
    path, _ = _comments_file(tmp_path)
    producer = CommentProducer(settings)
    waits: list[tuple[int, float]] = []

    def waiting(unacknowledged: int, seconds: float) -> None:
        waits.append((unacknowledged, seconds))
        if len(waits) == 3:  # the ingest is waiting for the broker: bring it back
            _restart_broker(services, settings)

    with path.open("rb") as stream:
        progress = ingest_stream(producer, stream, path.name, "jsonl", on_wait=waiting)
        for counts in progress:
            if counts.acknowledged == 3 * CHUNK and services.tansu.alive():
                services.tansu.stop()  # mid-file, by PID
    producer.close()

    assert len(waits) >= 3, "the ingest never waited for the broker"
    assert (counts.accepted, counts.acknowledged) == (COMMENTS, COMMENTS)
    ids = _raw_ids(settings, COMMENTS)
    assert set(ids) == {f"{c['id']}" for c in generate_comments(COMMENTS, seed=16)}


def test_ingest_stops_with_one_line_when_the_broker_stays_away_and_resumes_with_skip(
    own_stack: tuple[EmbeddedServices, Settings], tmp_path: Path
) -> None:
    services, effective = own_stack
    settings = _with_ingest(effective, wait_seconds=6)
    path, lines = _comments_file(tmp_path)
    env = {**os.environ, **child_environment(settings)}
    cli = [sys.executable, "-m", "civicmod.cli", "ingest", "-", "--format", "jsonl"]
    first = subprocess.Popen(cli, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert first.stdin is not None
    half = COMMENTS // 2
    first.stdin.write(b"".join(line + b"\n" for line in lines[:half]))
    first.stdin.flush()
    wait_for(lambda: len(read_topic(settings, settings.topics.raw, half, timeout=5)) >= half
             or None, 60, "the first half of the file on the broker")
    services.tansu.stop()  # by PID; it stays away
    _, err = first.communicate(b"".join(line + b"\n" for line in lines[half:]), timeout=120)
    report = err.decode()

    assert first.returncode == 1, report
    assert "Traceback" not in report
    *before, line = report.strip().splitlines()
    assert line.startswith("ingest stopped: 100 messages not acknowledged by the broker")
    assert not [x for x in before if "kafka" in x], before  # the progress bar tells the wait
    assert f"{half} lines acknowledged" in line
    assert "--skip " in line
    skip = int(line.split("--skip ", 1)[1].split()[0])
    assert skip == half
    assert f"{CHUNK} not," in line

    _restart_broker(services, settings)
    second = subprocess.run([*cli[:3], "ingest", str(path), "--skip", str(skip)], env=env,
                            capture_output=True, timeout=120)
    assert second.returncode == 0, second.stderr.decode()
    assert f"skipped {skip}" in second.stderr.decode()
    ids = _raw_ids(settings, COMMENTS)
    assert sorted(set(ids)) == sorted(json.loads(x)["id"] for x in lines)
