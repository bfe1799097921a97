"""Manifests, record series and retention dates, without S3."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from pipeline.settings import ArchiveSettings, load_settings
from sinks import layout
from sinks.jsonl import serialize_lines
from sinks.manifest import ChainLink, Manifest, describe, sha256_hex
from sinks.series import RetentionSeries

SETTINGS = load_settings(archive=ArchiveSettings(comments_days=10, removed_comments_days=30,
                                                 dead_letters_days=5))
CLASSIFIER = RetentionSeries(SETTINGS)
T0 = int(datetime(2026, 11, 25, 12, 0, tzinfo=UTC).timestamp() * 1000)


def verdict(offset: int, comment_id: str, action: str = "allow") -> dict[str, object]:
    return {"topic": "comments.verdicts", "partition": 2, "offset": offset,
            "timestamp_ms": T0 + offset, "key": "facebook:u-1",
            "record": {"comment": {"id": comment_id}, "action": action}}


def test_manifest_lists_hash_counts_offsets_and_record_ids() -> None:
    lines = [verdict(7, "c-7"), verdict(8, "c-8", "remove"), verdict(9, "c-9")]
    body = serialize_lines(lines)
    key = layout.object_key("comments.verdicts", 2, 7, date(2026, 11, 25))
    until = datetime(2027, 1, 1, tzinfo=UTC)
    manifest = describe(key, body, lines, until, None, CLASSIFIER)
    assert manifest.object_sha256 == sha256_hex(body)
    assert (manifest.record_count, manifest.first_offset, manifest.last_offset) == (3, 7, 9)
    assert manifest.record_ids == ("c-7", "c-8", "c-9")
    assert manifest.series == {"comments": 2, "removed_comments": 1}
    assert manifest.retain_until == "2027-01-01T00:00:00Z"
    assert manifest.prev_manifest_key is None
    assert manifest.key == layout.manifest_key(key)


def test_manifest_bytes_are_deterministic_and_round_trip() -> None:
    lines = [verdict(0, "c-0")]
    key = layout.object_key("comments.verdicts", 2, 0, date(2026, 11, 25))
    prev = ChainLink("_manifests/x.manifest.json", "ab" * 32, 41)
    first = describe(key, serialize_lines(lines), lines, None, prev, CLASSIFIER)
    again = describe(key, serialize_lines(lines), lines, None, prev, CLASSIFIER)
    assert first.to_bytes() == again.to_bytes()
    assert Manifest.from_bytes(first.to_bytes()) == first
    assert first.prev_manifest_sha256 == "ab" * 32
    assert first.link().manifest_sha256 == sha256_hex(first.to_bytes())
    with pytest.raises(ValueError):
        Manifest.from_bytes(json.dumps({"format": "other"}).encode())


def test_dead_letters_and_actions_are_identified_by_coordinates() -> None:
    dead = {"topic": "comments.deadletter", "partition": 1, "offset": 5, "timestamp_ms": T0,
            "key": None, "raw_base64": "AA=="}
    action = {"topic": "moderation.actions", "partition": 0, "offset": 3, "timestamp_ms": T0,
              "key": None, "record": {"comment_id": "c-1", "kind": "restore"}}
    assert CLASSIFIER.record_id(dead) == "comments.deadletter:1:5"
    assert CLASSIFIER.series(dead) == "dead_letters"
    assert CLASSIFIER.record_id(action) == "moderation.actions:0:3"
    assert CLASSIFIER.series(action) == "actions"
    unreadable = {**verdict(4, "x"), "record": None, "raw_base64": "AA=="}
    assert CLASSIFIER.record_id(unreadable) == "comments.verdicts:2:4"


def test_retain_until_takes_the_longest_series_from_the_day_after_the_newest_record() -> None:
    now = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    until = CLASSIFIER.retain_until({"comments"}, T0, now)
    assert until == datetime(2026, 12, 6, tzinfo=UTC)
    longest = CLASSIFIER.retain_until({"comments", "removed_comments"}, T0, now)
    assert longest == datetime(2026, 12, 26, tzinfo=UTC)


def test_retain_until_of_an_old_record_is_still_in_the_future() -> None:
    now = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    until = CLASSIFIER.retain_until({"dead_letters"}, T0, now)
    assert until > now + timedelta(days=1)
    assert until == datetime(2030, 1, 3, tzinfo=UTC)


def test_manifest_key_mirrors_the_object_key() -> None:
    key = layout.object_key("comments.verdicts", 3, 12, date(2026, 1, 2))
    manifest = layout.manifest_key(key)
    assert manifest.startswith("_manifests/comments.verdicts/dt=2026-01-02/p=003/")
    assert layout.data_key_of(manifest) == key
    assert layout.coordinates(key) == ("comments.verdicts", 3, 12)
    assert layout.day_of_key(manifest) == date(2026, 1, 2)


def test_serialize_lines_is_plain_gzip_json_lines() -> None:
    lines = [verdict(0, "c-0"), verdict(1, "c-1")]
    text = gzip.decompress(serialize_lines(lines)).decode()
    assert [json.loads(row) for row in text.splitlines()] == lines
