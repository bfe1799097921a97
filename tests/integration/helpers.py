"""Helpers for integration tests: isolated topic sets, child processes, bounded waits."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kafka import KafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from civicmod.history import ArchiveFacts
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.supervisor import civicmod_process
from pipeline.settings import Settings, SinkSettings, TopicSettings, WorkerSettings
from pipeline.topics import create_topics
from sinks.index import Indexer, connect
from sinks.s3 import s3_client
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore

T = TypeVar("T")


def isolated(stack: Settings, name: str, **sink: Any) -> Settings:
    """Settings on the shared stack with topics, groups and app id of their own."""
    topics = TopicSettings(**{
        field: f"{name}.{default}" for field, default in TopicSettings().model_dump().items()
    })
    settings = stack.model_copy(update={
        "topics": topics,
        "sink": SinkSettings(group_id=f"{name}-archive", idle_flush_seconds=0.5, **sink),
        "worker": WorkerSettings(app_id=f"{name}-moderation", batch_within_seconds=0.2),
    })
    create_topics(settings)
    return settings


def start(name: str, args: list[str], settings: Settings) -> ManagedProcess:
    """Start a ``civicmod`` sub-command as a child process."""
    process = civicmod_process(name, args, settings)
    process.start()
    return process


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``check`` until it returns a truthy value; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.3)


def archive_store(settings: Settings) -> ArchiveStore:
    """The archive as the pipeline identity sees it."""
    return ArchiveStore(s3_client(settings.s3), settings.s3.archive_bucket)


def archive_facts(settings: Settings, index_file: Path) -> ArchiveFacts:
    """The moderation facts of ``settings``' topics, through an index kept in ``index_file``."""
    indexer = Indexer(archive_store(settings), RetentionSeries(settings), connect(index_file))
    return ArchiveFacts(indexer, settings.topics)


def read_topic(settings: Settings, topic: str, expected: int, timeout: float) -> list[Any]:
    """Every message of ``topic`` from the beginning (no consumer group), until ``expected``."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers,
                             enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        messages: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(messages) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
        return messages
    finally:
        consumer.close()


def http_get(url: str) -> tuple[int, str] | None:
    """Status and body of a GET, or None while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return None


def scrape(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of ``base``/metrics, by name and labels."""
    answer = http_get(f"{base}/metrics")
    assert answer is not None and answer[0] == 200, f"{base}/metrics: {answer}"
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer[1]) for s in family.samples}


def metric(base: str, name: str, **labels: str) -> float:
    """One sample of ``base``/metrics (0 when absent)."""
    return scrape(base).get((name, frozenset(labels.items())), 0.0)


def wait_ready(urls: list[str], timeout: float) -> list[int]:
    """The first ``/readyz`` status each process answered; returns once all are ready."""
    first: dict[str, int] = {}

    def all_answered() -> bool:
        for url in urls:
            answer = http_get(f"{url}/readyz")
            if answer is not None:
                first.setdefault(url, answer[0])
        return len(first) == len(urls)

    wait_for(all_answered, timeout, "every process to answer")
    wait_for(lambda: all(http_get(f"{url}/readyz") == (200, '{"status": "ok"}')
                         for url in urls), timeout, "every process to be ready")
    return [first[url] for url in urls]
