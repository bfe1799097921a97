"""The test stores themselves answer as the S3 ArchiveStore does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from sinks import layout
from sinks.store import ArchiveStore, ObjectExists, Store, error_code
from sinks.testing import FaultyStore
from tests.unit.archive_support import DAY, NOW, TOPIC, memory_store


def _conforms(store: Store) -> Store:
    return store


def test_every_store_has_the_protocol() -> None:
    stores: list[Store] = [_conforms(memory_store()), _conforms(FaultyStore(memory_store())),
                           _conforms(ArchiveStore(client=None, bucket="b"))]
    for store in stores:
        assert all(callable(getattr(store, name)) for name in (
            "put_create_only", "put_json_create_only", "partition_keys_desc", "keys",
            "versions", "get", "get_with_info", "head", "get_or_none", "days"))


def test_create_only_puts_lock_and_refuse_an_existing_key() -> None:
    store = memory_store()
    version = store.put_create_only("t/a", b"one", 3, 7, 5)
    with pytest.raises(ObjectExists):
        store.put_create_only("t/a", b"two", 3, 7, 5)
    with pytest.raises(ObjectExists):
        store.put_json_create_only("t/a", b"{}")
    body, info = store.get_with_info("t/a")
    assert body == b"one" and info.version_id == version
    assert info.lock_mode == "COMPLIANCE" and info.retain_until == NOW + timedelta(days=1825)
    assert info.metadata["first-offset"] == "3" and info.metadata["record-count"] == "5"
    until = NOW + timedelta(days=9, microseconds=123)
    store.put_json_create_only("t/b", b"{}", until)
    assert store.head("t/b") == store.get_with_info("t/b")[1]
    assert store.get_with_info("t/b")[1].retain_until == until.replace(microsecond=0)


def test_a_delete_marker_hides_the_key_but_keeps_its_version() -> None:
    store = memory_store()
    version = store.put_create_only("t/a", b"one", 0, 0, 1)
    marker = store.place_delete_marker("t/a")
    assert list(store.keys("t/")) == [] and store.head("t/a") is None
    assert store.get_or_none("t/a") is None
    with pytest.raises(ClientError) as missing:
        store.get("t/a")
    assert error_code(missing.value) == "NoSuchKey"
    assert store.get_with_info("t/a", version)[0] == b"one"
    assert [(v.version_id, v.is_latest, v.delete_marker) for v in store.versions("t/")] == [
        (marker, True, True), (version, False, False)]
    store.put_create_only("t/a", b"two", 0, 0, 1)  # If-None-Match passes over a marker
    assert store.get("t/a") == b"two"


def test_listings_by_prefix_day_and_partition() -> None:
    store = memory_store()
    for day, first in ((DAY, 0), (DAY, 5), (DAY + timedelta(days=1), 10)):
        store.put_create_only(layout.object_key(TOPIC, 0, first, day), b"x", first, first, 1)
    store.put_create_only(layout.object_key(TOPIC, 1, 0, DAY), b"x", 0, 0, 1)
    assert store.days(layout.date_prefix(TOPIC)) == [DAY, DAY + timedelta(days=1)]
    assert [layout.coordinates(k)[2] for k in store.partition_keys_desc(TOPIC, 0)] == [10, 5, 0]
    assert len(list(store.keys(TOPIC))) == 4 and list(store.keys("nothing/")) == []


def test_the_faulty_store_fails_the_chosen_puts_with_the_chosen_code() -> None:
    inner = memory_store()
    store = FaultyStore(inner, fail_on={2}, code="SlowDown")
    store.put_json_create_only("a", b"1")
    with pytest.raises(ClientError) as failed:
        store.put_json_create_only("b", b"2")
    assert error_code(failed.value) == "SlowDown"
    assert inner.get_or_none("b") is None and store.failed == ["b"]
    store.put_json_create_only("b", b"2")
    assert store.get("b") == b"2" and store.puts == 3


def test_the_faulty_store_can_fail_after_the_put_reached_the_store() -> None:
    inner = memory_store()
    store = FaultyStore(inner, fail_on={1}, code="RequestTimeout", after_put=True)
    with pytest.raises(ClientError) as failed:
        store.put_create_only("a", b"1", 0, 0, 1)
    assert error_code(failed.value) == "RequestTimeout"
    assert inner.get("a") == b"1"
    with pytest.raises(ObjectExists):
        store.put_create_only("a", b"1", 0, 0, 1)
