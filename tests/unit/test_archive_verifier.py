"""The verifier on the in-memory bucket: each kind of damage is reported at its key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest

from sinks.jsonl import serialize_lines
from sinks.manifest import Manifest
from sinks.series import RetentionSeries
from sinks.testing import MemoryStore
from sinks.verify import Report, Verifier
from tests.unit.archive_support import (
    DAY,
    NOW,
    SETTINGS,
    TOPIC,
    chain_writer,
    lines,
    manifests,
    memory_store,
)


def _archive() -> tuple[MemoryStore, list[Manifest]]:
    """Partition 0: three objects of four records; partition 1: one; a chain head."""
    store = memory_store()
    writer = chain_writer(store)
    for first in (0, 4, 8):
        writer.append(TOPIC, 0, DAY, lines(first, 4))
    writer.append(TOPIC, 1, DAY, lines(0, 2, partition=1))
    assert writer.maybe_write_head(force=True)
    return store, manifests(store) + manifests(store, partition=1)


def _verify(store: MemoryStore) -> Report:
    return Verifier(store, RetentionSeries(SETTINGS)).run()


def _found(report: Report) -> set[tuple[str, str]]:
    return {(p.kind, p.key) for p in report.problems}


def test_the_untouched_archive_verifies() -> None:
    store, _ = _archive()
    report = _verify(store)
    assert report.ok, report.problems
    assert (report.objects, report.records, report.manifests) == (4, 14, 4)
    assert (report.partitions, report.chain_heads) == (2, 1)


def test_an_altered_object_is_reported() -> None:
    store, chain = _archive()
    key = chain[1].object_key
    store.tamper_body(key, serialize_lines(lines(4, 3)))  # one record dropped
    assert _found(_verify(store)) == {("altered", key)}


def test_a_missing_object_is_reported() -> None:
    store, chain = _archive()
    key = chain[1].object_key
    store.remove_all_versions(key)
    report = _verify(store)
    assert _found(report) == {("missing", key)}
    assert "lists 4 records" in report.problems[0].message


def test_an_edited_manifest_breaks_the_chain_at_the_next_one() -> None:
    store, chain = _archive()
    edited = dataclasses.replace(chain[1], series={"comments": 3})
    store.tamper_body(chain[1].key, edited.to_bytes())
    assert _found(_verify(store)) == {("chain", chain[2].key)}


def test_a_removed_manifest_leaves_an_orphan_and_a_broken_chain() -> None:
    store, chain = _archive()
    store.remove_all_versions(chain[1].key)
    assert _found(_verify(store)) == {
        ("orphan", chain[1].object_key), ("gap", chain[2].key), ("chain", chain[2].key)}


@pytest.mark.parametrize("which", ["object", "manifest"])
def test_missing_retention_is_reported(which: str) -> None:
    store, chain = _archive()
    key = chain[0].object_key if which == "object" else chain[0].key
    store.set_retention(key, None, None)
    assert _found(_verify(store)) == {("unlocked", key)}


def test_retention_shorter_than_the_manifest_says_is_reported() -> None:
    store, chain = _archive()
    key = chain[2].object_key
    store.set_retention(key, "COMPLIANCE", NOW + timedelta(days=30))
    report = _verify(store)
    assert _found(report) == {("unlocked", key)}
    assert "retained only until" in report.problems[0].message


def test_a_delete_marker_is_reported_and_names_the_surviving_version() -> None:
    store, chain = _archive()
    key = chain[1].object_key
    store.place_delete_marker(key)
    report = _verify(store)
    assert _found(report) == {("delete-marker", key)}
    assert "its locked version" in report.problems[0].message


def test_a_rewritten_key_is_reported_even_with_the_same_bytes() -> None:
    store, chain = _archive()
    key = chain[0].object_key
    store.overwrite(key, store.get(key))  # the new version gets the bucket's default lock
    found = _found(_verify(store))
    assert ("rewritten", key) in found and {k for _, k in found} == {key}


@pytest.mark.parametrize("damage", [
    lambda s, c: s.tamper_body(c[0].object_key, b"not gzip"),
    lambda s, c: s.remove_all_versions(c[3].object_key),
    lambda s, c: s.place_delete_marker(c[3].key),
], ids=["corrupt", "missing-other-partition", "hidden-manifest"])
def test_verify_objects_reports_damage_to_the_objects_it_is_given(
    damage: Callable[[MemoryStore, list[Manifest]], None],
) -> None:
    store, chain = _archive()
    keys = [m.object_key for m in chain]
    assert Verifier(store, RetentionSeries(SETTINGS)).run_objects(keys).ok
    damage(store, chain)
    assert not Verifier(store, RetentionSeries(SETTINGS)).run_objects(keys).ok
