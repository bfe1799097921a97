"""The archive sink killed right after a PUT (object or manifest), before it can commit,
loses nothing and duplicates nothing; the restarted sink completes the chain."""

from __future__ import annotations

import json
import signal
from collections import Counter
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaProducer

from civicmod.status import committed_offsets
from pipeline.settings import Settings
from sinks import layout
from sinks.reader import archived_lines
from sinks.series import RetentionSeries
from sinks.verify import Verifier
from tests.integration.archive_helpers import role_store
from tests.integration.crashing_sink import crashing_sink
from tests.integration.helpers import archive_store, isolated, start, wait_for

pytestmark = pytest.mark.integration

RECORDS = 300


@pytest.mark.parametrize(("put", "leaves"), [(1, "object"), (2, "manifest")],
                         ids=["after-object", "after-manifest"])
def test_sigkill_between_put_and_commit_neither_loses_nor_duplicates(
    stack: Settings, put: int, leaves: str,
) -> None:
    settings = isolated(stack, f"crash-{leaves}", batch_max_records=50)
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    for n in range(RECORDS):
        producer.send(settings.topics.verdicts, key=f"k{n % 5}".encode(),
                      value=json.dumps({"n": n}).encode())
    producer.flush()
    producer.close()
    store = archive_store(settings)
    topic = settings.topics.verdicts

    sink = crashing_sink(f"crash-{leaves}-sink-1", settings, kill_after_put=put)
    sink.start()
    try:
        wait_for(lambda: sink.popen is not None and sink.popen.poll() is not None, 60,
                 f"the sink to kill itself after PUT {put}")
    finally:
        sink.stop()  # a no-op once it is dead
    assert sink.popen is not None and sink.popen.returncode == -signal.SIGKILL
    objects = list(store.keys(layout.date_prefix(topic)))
    manifests = list(store.keys(f"{layout.MANIFEST_ROOT}{topic}/"))
    assert len(objects) == 1
    assert manifests == ([layout.manifest_key(objects[0])] if leaves == "manifest" else [])
    assert 0 < len(list(archived_lines(store, topic))) <= 50
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    assert committed_offsets(admin, settings.sink.group_id) == {}
    admin.close()

    def everything() -> list[dict[str, Any]] | None:
        found = list(archived_lines(store, topic))
        return found if len(found) >= RECORDS else None

    sink = start(f"crash-{leaves}-sink-2", ["sink"], settings)
    try:
        lines = wait_for(everything, 90, f"{RECORDS} archived records")
    finally:
        sink.stop()
    numbers = Counter(line["record"]["n"] for line in lines)
    assert len(lines) == RECORDS
    assert set(numbers) == set(range(RECORDS))
    assert max(numbers.values()) == 1
    officer = role_store(settings, "officer")  # the pipeline may not list versions
    report = Verifier(officer, RetentionSeries(settings)).run_objects(store.keys(
        layout.date_prefix(topic)))
    assert report.ok, report.problems
    assert report.objects == report.manifests >= 2
