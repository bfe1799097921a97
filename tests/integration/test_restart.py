"""Stopping the whole embedded stack and starting it again keeps topics and the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from kafka import KafkaProducer

from civicmod.stack.embedded import free_port_settings, start_embedded
from pipeline.topics import create_topics
from sinks.s3 import s3_client
from sinks.store import ArchiveStore
from tests.integration.helpers import read_topic

pytestmark = pytest.mark.integration

MESSAGES = 200


def test_topics_and_archive_survive_a_full_restart(tmp_path: Path) -> None:
    settings = free_port_settings(tmp_path / "state")
    services, effective = start_embedded(settings)
    try:
        create_topics(effective)
        producer = KafkaProducer(bootstrap_servers=effective.kafka.bootstrap_servers, acks="all")
        for n in range(MESSAGES):
            producer.send(effective.topics.raw, key=f"a{n % 7}".encode(), value=str(n).encode())
        producer.flush()
        producer.close()
        store = ArchiveStore(s3_client(effective.s3), effective.s3.archive_bucket)
        store.put_create_only("restart/kept.jsonl.gz", b"kept\n", 0, 0, 1)
    finally:
        services.stop()

    services, effective = start_embedded(settings)
    try:
        messages = read_topic(effective, effective.topics.raw, MESSAGES, timeout=30)
        assert sorted(int(m.value) for m in messages) == list(range(MESSAGES))
        store = ArchiveStore(s3_client(effective.s3), effective.s3.archive_bucket)
        assert store.get("restart/kept.jsonl.gz") == b"kept\n"
    finally:
        services.stop()


def test_with_an_external_broker_only_seaweedfs_is_started(tmp_path: Path) -> None:
    outer_services, outer = start_embedded(free_port_settings(tmp_path / "outer"))
    try:
        settings = free_port_settings(tmp_path / "inner")
        settings = settings.model_copy(update={
            "kafka": outer.kafka,
            "embedded": settings.embedded.model_copy(update={"kafka": False}),
        })
        services, effective = start_embedded(settings)
        try:
            assert [p.name for p in services.processes] == ["seaweedfs"]
            assert services.tansu.pid is None
            assert effective.kafka.bootstrap_servers == outer.kafka.bootstrap_servers
            assert effective.s3.endpoint_url != outer.s3.endpoint_url
            store = ArchiveStore(s3_client(effective.s3), effective.s3.archive_bucket)
            store.put_create_only("external/one.jsonl.gz", b"x\n", 0, 0, 1)
            assert store.get("external/one.jsonl.gz") == b"x\n"
        finally:
            services.stop()
    finally:
        outer_services.stop()
