"""Power loss: ``civicmod up`` and everything it started SIGKILLed at once, mid-stream, then
``civicmod up`` again on the same data: nothing ingested is lost, no record is archived twice.

The test drives the stack as a user does: ``civicmod up`` (free ports, a temporary state
directory), ``civicmod ingest FILE`` (valid comments and malformed lines, all acknowledged),
demo traffic (``civicmod demo``) still sending at the kill, ``civicmod archive verify`` and the
records officers' search index. The kill comes once the sink has committed its first batch
and the demo traffic reaches the broker. Everything in ``comments.raw`` counts as ingested.

"Exactly once", as docs/decisions/0003-at-least-once.md defines it: every Kafka record is
archived once (the sink), every dead letter once, every comment id at least once and once in
the records officers' index; the worker re-moderates what it had not committed, and those
second verdicts are archived as records of their own (counted, printed, not an error).
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from civicmod.demo import generate_comments, malformed_lines
from civicmod.scrape import read_endpoints
from civicmod.stack.embedded import SEAWEED_OFFSETS, child_environment, embedded_endpoints
from civicmod.stack.ports import free_port
from civicmod.stack.services import GRPC_OFFSET
from civicmod.status import ENDPOINTS_FILE, collect_status, committed_offsets, true_end_offsets
from pipeline.settings import EmbeddedSettings, KafkaSettings, Settings, load_settings
from sinks.index import Indexer, connect
from sinks.reader import archived_lines
from sinks.series import RetentionSeries
from tests.integration.archive_helpers import role_store
from tests.integration.helpers import http_get, read_topic, wait_for

pytestmark = pytest.mark.integration

ACKNOWLEDGED = 4000
"""Comments of the file ingest, all acknowledged by the broker before the power loss."""
IN_FLIGHT_RATE = 1000
"""Comments/s of the demo traffic still being sent when the power goes."""
MALFORMED = 60
SETTLE_SECONDS = 150.0
JOIN_MS = 3000
"""The workers' group join and session timeout: half the default, to halve the wait for the
dead worker's session to expire after the restart (test time, not behaviour)."""
READY = (200, '{"status": "ok"}')


def _stack(state: Path) -> tuple[Settings, dict[str, str]]:
    """Settings on free ports and a temporary state directory, and the environment that gives
    every ``civicmod`` command of this test exactly those settings."""
    # `up` puts SeaweedFS's master, volume, filer and admin 1000 above the S3 port.
    s3_port = free_port((0, GRPC_OFFSET, *(1000 + o for o in SEAWEED_OFFSETS)))
    settings = embedded_endpoints(load_settings(
        embedded=EmbeddedSettings(state_dir=state, s3_port=s3_port, broker_port=free_port()),
        kafka=KafkaSettings(partitions=2, group_join_timeout_ms=JOIN_MS)))
    settings = settings.model_copy(update={
        "ingest": settings.ingest.model_copy(update={"http_port": free_port()}),
        "console": settings.console.model_copy(update={"port": free_port()}),
    })
    return settings, {**os.environ, **child_environment(settings)}


def _civicmod(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "civicmod.cli", *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from /proc (the supervisor's children, theirs…)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def _up(env: dict[str, str], state: Path, log: Path) -> subprocess.Popen[bytes]:
    """``civicmod up``, returned once its worker, sink and HTTP ingest are ready."""
    up = _civicmod(["up"], env, log)

    def ready() -> bool:
        if up.poll() is not None:
            raise AssertionError(f"civicmod up exited; see {log}")
        urls = read_endpoints(state / ENDPOINTS_FILE)
        return bool(urls) and all(http_get(f"{urls[role]}/readyz") == READY
                                  for role in ("worker", "sink", "http"))

    wait_for(ready, 120, "civicmod up to be ready")
    return up


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "civicmod.cli", *args],
                          env=env | {"COLUMNS": "200"}, capture_output=True, text=True,
                          timeout=120)


def _last(done: subprocess.CompletedProcess[str]) -> str:
    """The last line a command printed (the verdict of ``verify``, the count of ``index``)."""
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1] if lines else f"(no output, exit {done.returncode})"


def _indexed(settings: Settings, path: Path) -> int:
    """How many comments the records officers' search index holds (one row per comment id)."""
    db = connect(path)
    try:
        Indexer(role_store(settings, "officer"), RetentionSeries(settings), db).update()
        row = db.execute("SELECT count(*) FROM comments").fetchone()
        return int(row[0]) if row else 0
    finally:
        db.close()


def _end_total(settings: Settings) -> int:
    """How many messages ``comments.raw`` holds (true end offsets: Tansu under-reports)."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
    try:
        partitions = [TopicPartition(settings.topics.raw, p)
                      for p in range(settings.kafka.partitions)]
        return sum(true_end_offsets(consumer, partitions).values())
    finally:
        consumer.close()


def _write_file(directory: Path) -> tuple[Path, set[str], list[bytes]]:
    valid = [json.dumps({**c, "id": f"ack-{n}"}).encode()
             for n, c in enumerate(generate_comments(ACKNOWLEDGED, seed=15))]
    broken = [line for line in malformed_lines(MALFORMED * 2, seed=15)
              if b"\n" not in line and line.strip()][:MALFORMED]
    lines = valid[:]
    for n, line in enumerate(broken):  # spread through the file
        lines.insert(n * len(valid) // len(broken), line)
    path = directory / "comments.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, {f"ack-{n}" for n in range(ACKNOWLEDGED)}, broken


@pytest.mark.timeout(600)
def test_sigkill_of_every_process_mid_stream_then_up_archives_everything_once(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    settings, env = _stack(state)
    path, acknowledged, broken = _write_file(tmp_path)
    log = tmp_path / "up.log"
    began = time.monotonic()
    laps: dict[str, float] = {}

    def lap(name: str) -> None:
        laps[name] = round(time.monotonic() - began - sum(laps.values()), 1)

    up = _up(env, state, log)
    lap("up")
    killed: list[int] = []
    try:
        counts = re.search(r"accepted (\d+), dead-lettered (\d+)", _last(_run(
            ["ingest", str(path)], env)))
        assert counts is not None
        assert (int(counts[1]), int(counts[2])) == (ACKNOWLEDGED, MALFORMED)
        lap("ingest")
        flying = _civicmod(["demo", "--rate", str(IN_FLIGHT_RATE), "--count", "1000000"],
                           env, tmp_path / "demo.log")

        admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
        try:
            archived = wait_for(lambda: sum(
                o for tp, o in committed_offsets(admin, settings.sink.group_id).items()
                if tp.topic == settings.topics.verdicts), 60, "the sink to commit a batch")
        finally:
            admin.close()
        wait_for(lambda: _end_total(settings) > ACKNOWLEDGED, 60,
                 "the demo traffic to reach the broker")
        assert flying.poll() is None, "the demo traffic ended before the kill: not mid-stream"

        # Power loss: the supervisor first (so it restarts nothing), then every child of it
        # and the ingest still sending, as fast as the loop goes.
        victims = [up.pid, *_children(up.pid), flying.pid]
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        killed = victims
        lap("mid-stream, kill")
        up.wait()
        flying.wait()
        wait_for(lambda: all(_gone(pid) for pid in victims), 30, "every process to be gone")
        print(f"\ncold restart: SIGKILL of {len(victims)} processes; the sink had committed "
              f"{archived} verdicts a moment before, the demo traffic was still sending")

        up = _up(env, state, log)
        lap("up again")
        raw = read_topic(settings, settings.topics.raw, _end_total(settings), timeout=60)
        ingested = Counter(json.loads(m.value)["id"] for m in raw)
        assert acknowledged <= set(ingested), "the broker lost acknowledged comments"

        def settled() -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
            if any(collect_status(settings, count_archive=False).lag.values()):
                return None
            store = role_store(settings, "officer")
            verdicts = list(archived_lines(store, settings.topics.verdicts))
            dead = list(archived_lines(store, settings.topics.deadletter))
            found = {line["record"]["comment"]["id"] for line in verdicts}
            return (verdicts, dead) if found >= set(ingested) and len(dead) >= MALFORMED \
                else None

        verdicts, dead = wait_for(settled, SETTLE_SECONDS, "the archive to hold every comment")
        lap("settle")
        verify = _run(["archive", "verify"], env)
        indexed = _indexed(settings, tmp_path / "index.duckdb")
        lap("verify, index")
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGTERM)
            up.wait(60)
            lap("stop")
        for pid in killed:  # reaped by init; a survivor would be a bug in this test
            assert _gone(pid), pid

    archive = Counter(line["record"]["comment"]["id"] for line in verdicts)
    letters = Counter(base64.b64decode(line["record"]["raw_base64"]) for line in dead)
    records = Counter((line["topic"], line["partition"], line["offset"])
                      for line in verdicts + dead)
    expected = Counter(broken)
    figures = {
        "ingested": ingested.total(), "archived": len(archive),
        "missing": sum((ingested - archive).values()),
        "duplicated (re-moderated)": sum((archive - ingested).values()),
        "records archived twice": sum(n - 1 for n in records.values()),
        "dead letters in": expected.total(), "dead letters archived": letters.total(),
        "dead letters missing": sum((expected - letters).values()),
        "dead letters duplicated": sum((letters - expected).values()),
    }
    print(f"  {figures} ({ingested.total() - ACKNOWLEDGED} of them demo traffic cut off)")
    holes = [line for line in verify.stdout.splitlines() if "not in the broker's log" in line]
    print(f"  holes in the broker's log, declared by the sink and noted by verify: {holes}")
    print(f"  the records officers' index holds {indexed} comments; archive verify: "
          f"{_last(verify)}")
    print(f"  seconds: {laps}")
    assert figures["missing"] == figures["records archived twice"] == 0
    assert letters == expected
    assert indexed == len(ingested)
    assert verify.returncode == 0 and _last(verify).startswith("OK:"), verify.stdout
