"""``civicmod status`` on the real stack: services, archive objects, and a stack that is down."""

from __future__ import annotations

import json

import pytest
from kafka import KafkaProducer

from civicmod.stack.ports import free_port
from civicmod.status import Status, collect_status, summary_line
from pipeline.settings import KafkaSettings, S3Settings, Settings
from tests.integration.helpers import isolated, start, wait_for

pytestmark = pytest.mark.integration


def test_status_counts_archived_objects_and_reports_no_sink_lag(stack: Settings) -> None:
    settings = isolated(stack, "status")
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    for n in range(20):
        producer.send(settings.topics.verdicts, key=b"k", value=json.dumps({"n": n}).encode())
    producer.flush()
    producer.close()
    sink = start("status-sink", ["sink"], settings)
    try:
        def archived_and_committed() -> Status | None:
            status = collect_status(settings)
            ready = status.archive_objects and settings.sink.group_id in status.lag
            return status if ready else None

        status = wait_for(archived_and_committed, 60,
                          "an archived object and the sink's committed offsets")
    finally:
        sink.stop()
    assert status.services == {"kafka": True, "s3": True}
    assert status.archive_objects is not None and status.archive_objects >= 1
    assert status.lag[settings.sink.group_id] == 0
    assert not status.errors
    assert "archive objects" in summary_line(status)
    assert collect_status(settings, count_archive=False).archive_objects is None


def test_status_reports_a_stack_that_is_down_without_raising(stack: Settings) -> None:
    nowhere = stack.model_copy(update={
        "kafka": KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}"),
        "s3": S3Settings(endpoint_url=f"http://127.0.0.1:{free_port()}"),
    })
    status = collect_status(nowhere)
    assert status.services == {"kafka": False, "s3": False}
    assert status.archive_objects is None
    assert "kafka=DOWN" in summary_line(status)
