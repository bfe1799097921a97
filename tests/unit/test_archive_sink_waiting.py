"""While S3 fails, the archive sink backs off (doubling delays) and says why it waits."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from kafka import TopicPartition
from prometheus_client import REGISTRY

from civicmod.scrape import waits
from pipeline.health import HealthServer
from sinks import archive_sink
from sinks.testing import FaultyStore, MemoryStore, client_error
from sinks.waiting import Waiting, reason_of, retry_delay
from tests.unit.archive_support import archived_offsets
from tests.unit.test_archive_sink_flush import TP0, MemoryConsumer, _sink

WAITING = "civicmod_archive_waiting_since_seconds"


def _since(reason: str, error: str) -> float | None:
    return REGISTRY.get_sample_value(WAITING, {"reason": reason, "error": error})


def _status(code: int) -> Any:
    return {"HTTPStatusCode": code, "HTTPHeaders": {}, "HostId": "", "RequestId": "",
            "RetryAttempts": 0}


def test_retry_delays_double_up_to_a_ceiling() -> None:
    assert [retry_delay(n, 2.0, 16.0) for n in range(1, 7)] == [2, 4, 8, 16, 16, 16]


def test_failures_are_told_apart_by_kind() -> None:
    refused = ClientError({"Error": {"Code": "Oops"}, "ResponseMetadata": _status(500)}, "Put")
    denied = ClientError({"Error": {"Code": "AccessDenied"}, "ResponseMetadata": _status(403)},
                         "PutObject")
    assert reason_of(EndpointConnectionError(endpoint_url="http://x")) == (
        "s3_unreachable", "EndpointConnectionError")
    assert reason_of(refused) == ("s3_refusing", "Oops")
    assert reason_of(client_error("SlowDown")) == ("s3_refusing", "SlowDown")  # no status
    assert reason_of(denied) == ("s3_rejecting", "AccessDenied")
    assert reason_of(ValueError()) == ("other", "ValueError")


def test_waiting_counts_retries_and_is_cleared() -> None:
    waiting = Waiting()
    before = time.time()
    for _ in range(3):
        waiting.failed(EndpointConnectionError(endpoint_url="http://x"))
    since = _since("s3_unreachable", "EndpointConnectionError")
    assert since is not None and before <= since <= time.time()
    assert REGISTRY.get_sample_value("civicmod_archive_waiting_retries") == 2
    waiting.cleared()
    assert _since("s3_unreachable", "EndpointConnectionError") is None
    assert REGISTRY.get_sample_value("civicmod_archive_waiting_retries") == 0


def test_a_failing_partition_is_retried_later_each_time_then_resumes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive_sink, "RETRY_AFTER_SECONDS", 1.0)
    monkeypatch.setattr(archive_sink, "RETRY_AT_MOST_SECONDS", 4.0)
    memory = MemoryStore()
    store = FaultyStore(memory, fail_on=(1, 2, 3, 4), code="InternalError")
    consumer = MemoryConsumer()
    consumer.produce(TP0, 5)
    sink = _sink(store, consumer)

    delays = []
    while len(store.failed) < 4:
        sink.poll_once()
        assert TP0 in consumer.paused, "a failing partition is consumed on"
        delays.append(round(sink.paused_until[TP0] - time.monotonic()))
        sink.paused_until[TP0] = 0.0  # due now: the next poll retries
    assert delays == [1, 2, 4, 4]
    assert _since("s3_refusing", "InternalError") is not None
    assert REGISTRY.get_sample_value("civicmod_archive_waiting_retries") == 3
    sink.poll_once()
    sink.poll_once()
    assert consumer.committed == {TP0: 5}
    assert _since("s3_refusing", "InternalError") is None, "still waiting after the retry worked"


def test_status_reads_why_the_sink_waits_from_its_metrics() -> None:
    waiting = Waiting()
    server = HealthServer("127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        assert waits({"sink": url}) == []
        waiting.failed(EndpointConnectionError(endpoint_url="http://x"))
        waiting.failed(EndpointConnectionError(endpoint_url="http://x"))
        [line] = waits({"sink": url})
        assert line.startswith("sink waiting: S3 unreachable (EndpointConnectionError) since ")
        assert line.endswith(" UTC, 1 retries")
        waiting.cleared()
        assert waits({"sink": url}) == []
    finally:
        server.stop()


def test_a_failed_batch_is_kept_and_the_partition_never_seeks_back() -> None:
    """Regression: seeking back during a long S3 outage made kafka-python 3 on Tansu skip
    2,000 records per partition, committed unarchived (tests/chaos, 40 s outage)."""
    memory = MemoryStore()
    store = FaultyStore(memory, fail_on=(1, 2, 3), code="InternalError")
    consumer = MemoryConsumer()
    consumer.produce(TP0, 12)
    seeks: list[int] = []
    seek = consumer.seek

    def recording_seek(tp: TopicPartition, offset: int) -> None:
        seeks.append(offset)
        seek(tp, offset)

    consumer.seek = recording_seek  # type: ignore[method-assign]
    sink = _sink(store, consumer)
    seeks.clear()  # the seek of the assignment itself (to the archive's position)

    for _ in range(20):
        sink.paused_until = dict.fromkeys(sink.paused_until, 0.0)  # every retry due now
        sink.poll_once()
    sink.flush_all()
    assert seeks == [], "the sink sought back"
    assert consumer.committed == {TP0: 12}
    assert len(store.failed) == 3
    assert archived_offsets(memory) == list(range(12))
