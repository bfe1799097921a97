"""The archive sink killed between PUT and commit loses nothing and duplicates nothing."""

from __future__ import annotations

import json
import signal
from collections import Counter

import pytest
from kafka import KafkaAdminClient, KafkaProducer

from civicmod.status import committed_offsets
from pipeline.settings import Settings
from sinks.reader import archived_lines
from tests.integration.helpers import archive_store, isolated, start, wait_for

pytestmark = pytest.mark.integration

RECORDS = 300


def test_sigkill_between_put_and_commit_neither_loses_nor_duplicates(stack: Settings) -> None:
    crashing = isolated(stack, "crash", fault_kill_after_put=True, batch_max_records=50)
    producer = KafkaProducer(bootstrap_servers=crashing.kafka.bootstrap_servers, acks="all")
    for n in range(RECORDS):
        producer.send(crashing.topics.verdicts, key=f"k{n % 5}".encode(),
                      value=json.dumps({"n": n}).encode())
    producer.flush()
    producer.close()
    store = archive_store(crashing)

    sink = start("crash-sink-1", ["sink"], crashing)
    wait_for(lambda: sink.popen is not None and sink.popen.poll() is not None, 60,
             "the sink to kill itself after its first PUT")
    assert sink.popen is not None and sink.popen.returncode == -signal.SIGKILL
    first_put = list(archived_lines(store, crashing.topics.verdicts))
    assert 0 < len(first_put) <= 50
    admin = KafkaAdminClient(bootstrap_servers=crashing.kafka.bootstrap_servers)
    assert committed_offsets(admin, crashing.sink.group_id) == {}
    admin.close()

    healthy = crashing.model_copy(update={
        "sink": crashing.sink.model_copy(update={"fault_kill_after_put": False})
    })
    sink = start("crash-sink-2", ["sink"], healthy)
    try:
        lines = wait_for(
            lambda: (found := list(archived_lines(store, healthy.topics.verdicts)))
            and len(found) >= RECORDS and found,
            90, f"{RECORDS} archived records",
        )
    finally:
        sink.stop()
    numbers = Counter(line["record"]["n"] for line in lines)
    assert len(lines) == RECORDS
    assert set(numbers) == set(range(RECORDS))
    assert max(numbers.values()) == 1
