"""The sink writes a chained manifest per object, repairs one lost in a crash, archives heads."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from kafka import KafkaProducer

from pipeline.settings import Settings
from sinks import layout
from sinks.jsonl import ArchivedRecord, deserialize, serialize
from sinks.manifest import Manifest
from sinks.reader import archived_lines
from sinks.series import RetentionSeries
from sinks.verify import Verifier
from tests.integration.archive_helpers import chain_heads, manifests, role_store
from tests.integration.helpers import archive_store, isolated, read_topic, start, wait_for

pytestmark = pytest.mark.integration

VERDICTS = 240
DEAD = 30


def _produce(settings: Settings) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    for n in range(VERDICTS):
        value = {"comment": {"id": f"c-{n}"}, "action": "remove" if n % 9 == 0 else "allow"}
        producer.send(settings.topics.verdicts, key=f"k{n % 5}".encode(),
                      value=json.dumps(value).encode())
    for n in range(DEAD):
        producer.send(settings.topics.deadletter, value=f"not json {n}".encode())
    producer.flush()
    producer.close()


def test_sink_chains_a_manifest_per_object_and_repairs_one_lost_in_a_crash(
    stack: Settings,
) -> None:
    settings = isolated(stack, "manifests", batch_max_records=40)
    _produce(settings)
    store = archive_store(settings)
    topic = settings.topics.verdicts

    # The state a crash between the object's PUT and its manifest's PUT leaves behind.
    messages = read_topic(settings, topic, VERDICTS, 30)
    first = sorted((m for m in messages if m.partition == 0), key=lambda m: m.offset)[:10]
    records = [ArchivedRecord(topic, 0, m.offset, m.timestamp, m.key, m.value) for m in first]
    orphan = layout.object_key(topic, 0, first[0].offset, layout.day_of(first[0].timestamp))
    store.put_create_only(orphan, serialize(records), first[0].offset, first[-1].offset, 10)

    sink = start("manifests-sink", ["sink"], settings)
    try:
        wait_for(lambda: len(list(archived_lines(store, topic))) >= VERDICTS
                 and len(list(archived_lines(store, settings.topics.deadletter))) >= DEAD,
                 90, "every record archived")
    finally:
        sink.stop()

    ids = Counter(line["record"]["comment"]["id"] for line in archived_lines(store, topic))
    assert len(ids) == VERDICTS and max(ids.values()) == 1

    retention = RetentionSeries(settings)
    chains: dict[tuple[str, int], list[tuple[Manifest, str]]] = defaultdict(list)
    for name in (topic, settings.topics.deadletter):
        data_keys = set(store.keys(f"{name}/"))
        found = list(manifests(store, name))
        assert {m.object_key for m, _ in found} == data_keys
        for manifest, digest in found:
            body = store.get(manifest.object_key)
            lines = list(deserialize(body))
            assert manifest.object_sha256 == Manifest.from_bytes(
                store.get(manifest.key)).object_sha256
            assert manifest.record_ids == tuple(retention.record_id(li) for li in lines)
            assert manifest.record_count == len(lines)
            chains[(name, manifest.partition)].append((manifest, digest))

    repaired = next(m for m, _ in chains[(topic, 0)] if m.object_key == orphan)
    assert repaired.prev_manifest_key is None and repaired.record_count == 10
    assert repaired.record_ids == tuple(json.loads(m.value)["comment"]["id"] for m in first)

    for chain in chains.values():
        chain.sort(key=lambda item: item[0].first_offset)
        assert chain[0][0].prev_manifest_sha256 is None
        for (before, digest), (after, _) in pairwise(chain):
            assert after.prev_manifest_key == before.key
            assert after.prev_manifest_sha256 == digest
            assert after.first_offset == before.last_offset + 1

    newest = {key: chain[-1] for key, chain in chains.items()}
    ours = [doc for doc in chain_heads(store)
            if any((h["topic"], h["partition"]) in newest for h in doc["heads"])]
    assert ours, "the sink archives a chain head when it stops"
    last = {(h["topic"], h["partition"]): h for h in ours[-1]["heads"]}
    for where, (manifest, digest) in newest.items():
        assert (last[where]["manifest_key"], last[where]["manifest_sha256"]) == (
            manifest.key, digest)

    report = Verifier(role_store(settings, "officer"), retention).run()
    assert report.ok, report.problems
    assert report.records >= VERDICTS + DEAD
