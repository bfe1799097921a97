"""``civicmod status``: services, topics, consumer-group lag and the archive's size."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from civicmod.archive_access import open_store
from civicmod.scrape import read_endpoints, readiness, scrape_totals, waits
from civicmod.stack.ports import wait_listening
from pipeline.kafka_auth import client_options
from pipeline.lag import effective_end, partition_lag
from pipeline.settings import Settings

LAST_BATCH_SECONDS = 5.0
ENDPOINTS_FILE = "endpoints.json"


@dataclass
class Status:
    """A snapshot of the running system."""

    services: dict[str, bool] = field(default_factory=dict)
    end_offsets: dict[str, int] = field(default_factory=dict)
    lag: dict[str, int] = field(default_factory=dict)
    archive_objects: int | None = None  # data objects only, not manifests or chain heads
    processes: dict[str, str] = field(default_factory=dict)  # role → ready/not ready/down
    metrics: dict[str, float] = field(default_factory=dict)  # summed over the processes
    waits: list[str] = field(default_factory=list)  # why a process waits (archive sink)
    errors: list[str] = field(default_factory=list)


def _endpoint_up(url: str) -> bool:
    parsed = urlparse(url if "://" in url else f"tcp://{url}")
    return wait_listening(parsed.port or 80, parsed.hostname or "127.0.0.1")


def collect_status(settings: Settings, count_archive: bool = True) -> Status:
    """Probe the broker and the archive; unreachable parts are reported, never raised.

    Counting archive objects LISTs the whole bucket: the periodic status line of ``up``
    leaves it out (``count_archive=False``) so its cost does not grow with the archive.
    """
    status = Status()
    endpoints = read_endpoints(settings.embedded.state_dir / ENDPOINTS_FILE)
    status.processes = {role: readiness(url) for role, url in endpoints.items()}
    status.metrics = scrape_totals(endpoints)
    status.waits = waits(endpoints)
    status.services["kafka"] = _endpoint_up(settings.kafka.bootstrap_servers.split(",")[0])
    status.services["s3"] = _endpoint_up(settings.s3.endpoint_url)
    if status.services["kafka"]:
        try:
            _kafka_status(settings, status)
        except Exception as exc:
            status.errors.append(f"kafka: {type(exc).__name__}: {exc}")
    if status.services["s3"] and count_archive:
        try:
            store = open_store(settings, "officer")
            status.archive_objects = sum(
                1
                for topic in settings.topics.all()
                for _ in store.keys(f"{topic}/")
            )
        except Exception as exc:
            status.errors.append(f"s3: {type(exc).__name__}")
    return status


def committed_offsets(admin: KafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    """The offsets ``group`` has committed (partitions never committed are left out)."""
    found = admin.list_group_offsets(group).get(group, {})
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}


def _kafka_status(settings: Settings, status: Status) -> None:
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers, enable_auto_commit=False,
        **client_options(settings.kafka),
    )
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers,
                             **client_options(settings.kafka))
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in settings.topics.all()
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends = true_end_offsets(consumer, partitions)
        for tp in partitions:
            status.end_offsets[tp.topic] = status.end_offsets.get(tp.topic, 0) + ends[tp]
        for group in (settings.sink.group_id, settings.worker.app_id):
            committed = committed_offsets(admin, group)
            status.lag[group] = sum(
                partition_lag(ends.get(tp, 0), offset) for tp, offset in committed.items()
            )
    finally:
        consumer.close()
        admin.close()


def true_end_offsets(
    consumer: KafkaConsumer, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """End offsets corrected by reading from the reported end - 1 (Tansu under-reports them:
    pipeline/lag.py); on Kafka that read finds the one last record and changes nothing."""
    reported: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    nonempty = [tp for tp in partitions if reported[tp] > 0]
    consumer.assign(nonempty)
    for tp in nonempty:
        consumer.seek(tp, reported[tp] - 1)
    seen: dict[TopicPartition, list[int]] = {}
    deadline = time.monotonic() + LAST_BATCH_SECONDS
    while nonempty and time.monotonic() < deadline:
        polled = consumer.poll(timeout_ms=300)
        for tp, records in polled.items():
            seen.setdefault(tp, []).extend(r.offset for r in records)
        if not polled and len(seen) == len(nonempty):
            break
    return {tp: effective_end(reported[tp], seen.get(tp, ())) for tp in partitions}


def summary_line(status: Status) -> str:
    """One log line: services, messages per topic, lag per group, archive objects."""
    services = " ".join(f"{name}={'up' if up else 'DOWN'}" for name, up in status.services.items())
    topics = " ".join(f"{topic}={end}" for topic, end in status.end_offsets.items())
    lag = " ".join(f"{group}={value}" for group, value in status.lag.items())
    line = f"{services} | end offsets: {topics or '?'} | lag: {lag or '?'}"
    if status.archive_objects is not None:
        line += f" | archive objects: {status.archive_objects}"
    if status.metrics:
        line += " | " + " ".join(f"{k}={v:g}" for k, v in status.metrics.items())
    if status.waits:
        line += " | " + "; ".join(status.waits)
    return line
