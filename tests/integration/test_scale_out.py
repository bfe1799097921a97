"""Scale-out on the embedded stack with the settings of docker-compose.yml (6 partitions).

Several workers and archive sinks share the partitions; one worker is killed (SIGKILL) and its
partitions move to the others; every comment is archived exactly once, counted by comment id.
`make test` runs 2 workers and 2 sinks; `make scale` runs 3 workers (SCALE_WORKERS).
The worker is killed once its offsets are committed: a kill in the middle of a batch replays
that batch (at-least-once, docs/decisions/0003-at-least-once.md), deduplicated by comment id.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from kafka import KafkaAdminClient

from civicmod.demo import generate_comments
from civicmod.stack.ports import free_port
from civicmod.stack.processes import ManagedProcess
from civicmod.status import committed_offsets
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import MetricsSettings, Settings, load_settings
from sinks.reader import archived_lines
from tests.integration.helpers import archive_store, isolated, metric, start, wait_for, wait_ready

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
WORKERS = int(os.environ.get("SCALE_WORKERS", "2"))
SINKS = int(os.environ.get("SCALE_SINKS", "2"))
PER_PHASE = 300


def compose_settings(stack: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings docker-compose.yml gives civicmod, pointed at the embedded stack."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    with monkeypatch.context() as env:
        for name, value in compose["x-civicmod-env"].items():
            env.setenv(name, value)
        settings = load_settings()
    kafka = settings.kafka.model_copy(update={"bootstrap_servers": stack.kafka.bootstrap_servers})
    embedded = settings.embedded.model_copy(update={"state_dir": stack.embedded.state_dir})
    return settings.model_copy(update={"kafka": kafka, "s3": stack.s3, "embedded": embedded})


def _send(settings: Settings, comments: list[dict[str, object]]) -> None:
    producer = CommentProducer(settings)
    counts = IngestCounts()
    for item in comments:
        producer.accept_object(item, "scale", counts)
    producer.close()
    assert counts.accepted == len(comments)


@pytest.fixture
def settings(stack: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = isolated(compose_settings(stack, monkeypatch), f"scale{int(time.time())}")
    assert settings.kafka.partitions == 6 and not settings.embedded.enabled
    return settings


def _started(name: str, args: list[str], settings: Settings) -> tuple[ManagedProcess, str]:
    port = free_port()
    own = settings.model_copy(update={"metrics": MetricsSettings(port=port)})
    return start(name, args, own), f"http://127.0.0.1:{port}"


@pytest.fixture
def processes(settings: Settings) -> Iterator[dict[str, tuple[ManagedProcess, str]]]:
    started: dict[str, tuple[ManagedProcess, str]] = {}
    try:
        for n in range(WORKERS):
            started[f"worker{n}"] = _started(f"scale-worker{n}", ["worker"], settings)
        for n in range(SINKS):
            started[f"sink{n}"] = _started(f"scale-sink{n}", ["sink"], settings)
        yield started
    finally:
        for process, _ in started.values():
            process.stop()


def test_a_killed_workers_partitions_move_and_nothing_is_lost_or_doubled(
    settings: Settings, processes: dict[str, tuple[ManagedProcess, str]]
) -> None:
    comments = list(generate_comments(2 * PER_PHASE, seed=11))
    workers = {name: url for name, (_, url) in processes.items() if name.startswith("worker")}
    sinks = {name: url for name, (_, url) in processes.items() if name.startswith("sink")}

    def handled(urls: dict[str, str]) -> dict[str, float]:
        return {name: metric(url, "civicmod_worker_messages_total") for name, url in urls.items()}

    wait_ready([url for _, url in processes.values()], 120)
    _send(settings, comments[:PER_PHASE])
    wait_for(lambda: sum(handled(workers).values()) >= PER_PHASE, 120, "phase 1 moderated")
    assert all(count > 0 for count in handled(workers).values()), "a worker got no partition"
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    try:
        wait_for(lambda: sum(offset for tp, offset in committed_offsets(
            admin, settings.worker.app_id).items() if tp.topic == settings.topics.raw)
            == PER_PHASE, 30, "phase 1 offsets committed")
    finally:
        admin.close()

    victim, _ = processes["worker0"]
    survivors = {name: url for name, url in workers.items() if name != "worker0"}
    before = sum(handled(survivors).values())
    victim.kill()
    killed_at = time.monotonic()
    _send(settings, comments[PER_PHASE:])
    wait_for(lambda: sum(handled(survivors).values()) - before >= PER_PHASE, 60,
             "phase 2 moderated by the survivors")
    moved_after = time.monotonic() - killed_at
    print(f"\n{WORKERS} workers, {SINKS} sinks: the survivors took over and moderated "
          f"{PER_PHASE} comments {moved_after:.1f}s after the kill")
    assert sum(handled(survivors).values()) - before == PER_PHASE, "a comment moderated twice"

    store = archive_store(settings)
    topic = settings.topics.verdicts

    def archived() -> list[str] | None:
        ids = [str(line["record"]["comment"]["id"]) for line in archived_lines(store, topic)]
        return ids if len(ids) >= len(comments) else None

    ids = Counter(wait_for(archived, 90, "every verdict archived"))
    assert set(ids) == {str(c["id"]) for c in comments}, "a comment is missing"
    assert max(ids.values()) == 1, "a comment archived twice"
    per_sink = {name: metric(url, "civicmod_archive_records_total", topic=topic)
                for name, url in sinks.items()}
    assert sum(per_sink.values()) == len(comments) and all(per_sink.values()), per_sink
    # detected within the session timeout, reassigned within the rebalance timeout, + margin
    assert moved_after < 2 * settings.kafka.group_join_timeout_ms / 1000 + 10
