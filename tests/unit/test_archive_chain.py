"""ChainWriter on the in-memory bucket: continuity, create-only retries, resume, repair."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import pairwise

import pytest
from botocore.exceptions import ClientError

from sinks import layout
from sinks.chain import CHAIN_HEAD_FORMAT, ChainConflict
from sinks.manifest import format_time, sha256_hex
from sinks.series import RetentionSeries
from sinks.testing import FaultyStore
from sinks.verify import Verifier
from tests.unit.archive_support import (
    DAY,
    SETTINGS,
    TOPIC,
    archived_offsets,
    chain_writer,
    lines,
    manifests,
    memory_store,
)


def test_each_manifest_points_to_the_one_before_and_the_objects_are_locked() -> None:
    store = memory_store()
    writer = chain_writer(store)
    appended = [writer.append(TOPIC, 0, DAY, lines(first, 5)) for first in (0, 5, 10)]

    assert [(a.next_offset, a.written) for a in appended] == [(5, True), (10, True), (15, True)]
    chain = manifests(store)
    assert [m.first_offset for m in chain] == [0, 5, 10]
    assert (chain[0].prev_manifest_key, chain[0].prev_manifest_sha256) == (None, None)
    for before, after in pairwise(chain):
        assert after.prev_manifest_key == before.key
        assert after.prev_manifest_sha256 == sha256_hex(store.get(before.key))
    for manifest in chain:
        info = store.head(manifest.object_key)
        assert info is not None and info.lock_mode == "COMPLIANCE"
        assert info.retain_until is not None and manifest.retain_until is not None
        assert format_time(info.retain_until) == manifest.retain_until
    assert Verifier(store, RetentionSeries(SETTINGS)).run().ok


def test_a_fresh_writer_resumes_from_the_newest_manifest_across_days() -> None:
    store = memory_store()
    first = chain_writer(store, "first")
    first.append(TOPIC, 0, DAY, lines(0, 5))
    first.append(TOPIC, 0, DAY + timedelta(days=1), lines(5, 5))
    newest = manifests(store)[-1]

    second = chain_writer(store, "second")
    link = second.recover(TOPIC, 0)
    assert link is not None
    assert (link.manifest_key, link.last_offset) == (newest.key, 9)
    assert link.manifest_sha256 == sha256_hex(store.get(newest.key))
    second.append(TOPIC, 0, DAY + timedelta(days=1), lines(10, 5))
    assert manifests(store)[-1].prev_manifest_key == newest.key
    assert archived_offsets(store) == list(range(15))


def test_a_stale_writer_finds_the_object_exists_and_moves_past_it() -> None:
    store = memory_store()
    stale, live = chain_writer(store, "stale"), chain_writer(store, "live")
    assert stale.recover(TOPIC, 0) is None
    live.append(TOPIC, 0, DAY, lines(0, 5))
    live.append(TOPIC, 0, DAY, lines(5, 5))
    first_object = store.get(layout.object_key(TOPIC, 0, 0, DAY))

    again = stale.append(TOPIC, 0, DAY, lines(0, 5))
    assert (again.written, again.next_offset) == (False, 10)
    assert store.get(again.key) == first_object
    assert len(list(store.versions(again.key))) == 1

    stale.append(TOPIC, 0, DAY, lines(10, 5))
    assert manifests(store)[-1].prev_manifest_key == manifests(store)[1].key
    assert archived_offsets(store) == list(range(15))
    assert Verifier(store, RetentionSeries(SETTINGS)).run().ok


def test_a_put_whose_answer_was_lost_is_retried_create_only() -> None:
    store = FaultyStore(memory_store(), fail_on={3}, code="RequestTimeout", after_put=True)
    writer = chain_writer(store)
    writer.append(TOPIC, 0, DAY, lines(0, 5))
    with pytest.raises(ClientError) as failed:
        writer.append(TOPIC, 0, DAY, lines(5, 5))
    assert failed.value.response["Error"]["Code"] == "RequestTimeout"
    key = layout.object_key(TOPIC, 0, 5, DAY)
    assert store.failed == [key] and store.get_or_none(key) is not None

    retried = writer.append(TOPIC, 0, DAY, lines(5, 5))
    assert (retried.key, retried.written, retried.next_offset) == (key, False, 10)
    assert [m.first_offset for m in manifests(store)] == [0, 5]
    assert archived_offsets(store) == list(range(10))
    assert Verifier(store, RetentionSeries(SETTINGS)).run().ok


def test_a_manifest_lost_in_a_crash_is_rewritten_byte_for_byte() -> None:
    reference = memory_store()
    clean = chain_writer(reference)
    clean.append(TOPIC, 0, DAY, lines(0, 5))
    clean.append(TOPIC, 0, DAY, lines(5, 5))

    crashed = FaultyStore(memory_store(), fail_on={4})
    chain_writer(crashed).append(TOPIC, 0, DAY, lines(0, 5))
    with pytest.raises(ClientError):
        chain_writer(crashed).append(TOPIC, 0, DAY, lines(5, 5))
    manifest_key = layout.manifest_key(layout.object_key(TOPIC, 0, 5, DAY))
    assert crashed.failed == [manifest_key] and crashed.get_or_none(manifest_key) is None
    pending = Verifier(crashed, RetentionSeries(SETTINGS)).run()
    assert pending.ok and pending.out_of_scope == 1  # waiting for its manifest: beyond the cut

    link = chain_writer(crashed).recover(TOPIC, 0)
    assert link is not None and (link.manifest_key, link.last_offset) == (manifest_key, 9)
    assert crashed.get(manifest_key) == reference.get(manifest_key)
    assert Verifier(crashed, RetentionSeries(SETTINGS)).run().ok


def test_another_manifest_at_the_manifest_key_is_a_conflict() -> None:
    store = memory_store()
    key = layout.manifest_key(layout.object_key(TOPIC, 0, 0, DAY))
    store.put_json_create_only(key, b'{"forged": true}\n')
    with pytest.raises(ChainConflict, match="exists with other content"):
        chain_writer(store).append(TOPIC, 0, DAY, lines(0, 5))


def test_a_chain_head_lists_the_newest_manifest_of_each_partition() -> None:
    store = memory_store()
    writer = chain_writer(store)
    assert writer.maybe_write_head(force=True) is None  # nothing appended yet
    writer.append(TOPIC, 0, DAY, lines(0, 5))
    writer.append(TOPIC, 1, DAY, lines(0, 3, partition=1))
    writer.append(TOPIC, 0, DAY, lines(5, 5))
    assert writer.maybe_write_head() is None  # neither due by count nor by time

    key = writer.maybe_write_head(force=True)
    assert key is not None and key.startswith(layout.CHAIN_HEAD_ROOT)
    document = json.loads(store.get(key))
    assert document["format"] == CHAIN_HEAD_FORMAT
    heads = {(h["partition"], h["manifest_key"], h["manifest_sha256"], h["last_offset"])
             for h in document["heads"]}
    expected = {(p, m.key, sha256_hex(store.get(m.key)), m.last_offset)
                for p in (0, 1) for m in manifests(store, partition=p)[-1:]}
    assert heads == expected
    report = Verifier(store, RetentionSeries(SETTINGS)).run()
    assert report.ok and report.chain_heads == 1
