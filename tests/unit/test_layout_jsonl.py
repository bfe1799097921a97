"""Archive object keys and the gzip JSON Lines format."""

from __future__ import annotations

import base64
import gzip
import json
import random
from datetime import UTC, date, datetime

import pytest

from sinks.jsonl import ArchivedRecord, deserialize, serialize
from sinks.layout import (
    SUFFIX,
    date_prefix,
    day_of,
    object_key,
    parse_day,
    partition_prefix,
)


def ms(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def test_object_key_layout() -> None:
    key = object_key("comments.verdicts", 3, 1234, date(2026, 7, 4))
    assert key == (
        "comments.verdicts/dt=2026-07-04/p=003/comments.verdicts+3+0000000000000001234.jsonl.gz"
    )
    assert key.startswith(partition_prefix("comments.verdicts", date(2026, 7, 4), 3))
    assert key.startswith(date_prefix("comments.verdicts"))
    assert key.endswith(SUFFIX)


def test_object_key_is_deterministic() -> None:
    args = ("comments.deadletter", 0, 99, date(2026, 1, 2))
    assert object_key(*args) == object_key(*args)
    assert object_key(*args) != object_key("comments.deadletter", 0, 100, date(2026, 1, 2))
    assert object_key(*args) != object_key("comments.deadletter", 1, 99, date(2026, 1, 2))


def test_lexical_order_is_offset_order() -> None:
    offsets = [0, 1, 9, 10, 99, 100, 999, 1000, 123456, 10**12, 2**63 - 1]
    shuffled = offsets[:]
    random.Random(4).shuffle(shuffled)
    keys = sorted(object_key("t", 1, o, date(2026, 1, 1)) for o in shuffled)
    assert keys == [object_key("t", 1, o, date(2026, 1, 1)) for o in offsets]
    assert len({len(k) for k in keys}) == 1  # zero-padded to one width


def test_partition_folders_sort_numerically_up_to_999() -> None:
    folders = [partition_prefix("t", date(2026, 1, 1), p) for p in (0, 2, 10, 100, 999)]
    assert sorted(folders) == folders


def test_date_folders_sort_chronologically() -> None:
    days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 10), date(2026, 10, 2)]
    assert sorted(partition_prefix("t", d, 0) for d in days) == [
        partition_prefix("t", d, 0) for d in days
    ]


@pytest.mark.parametrize(
    ("timestamp_ms", "day"),
    [
        (0, date(1970, 1, 1)),
        (ms(2026, 3, 8, 23, 59, 59) + 999, date(2026, 3, 8)),
        (ms(2026, 3, 9, 0, 0, 0), date(2026, 3, 9)),
        (ms(2024, 2, 29, 12, 0, 0), date(2024, 2, 29)),
    ],
)
def test_day_of_is_the_utc_date(timestamp_ms: int, day: date) -> None:
    assert day_of(timestamp_ms) == day


def test_day_of_ignores_the_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    # 2026-03-09 03:00 UTC is still 2026-03-08 in Arizona (UTC-7).
    monkeypatch.setenv("TZ", "MST7")  # POSIX form: needs no tz database
    time.tzset()
    try:
        assert day_of(ms(2026, 3, 9, 3, 0, 0)) == date(2026, 3, 9)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(1999, 12, 31), date(2024, 2, 29)])
def test_parse_day_inverts_the_date_folder(day: date) -> None:
    folder = f"{date_prefix('comments.verdicts')}dt={day.isoformat()}/"
    assert parse_day(folder) == day
    assert parse_day(folder.rstrip("/")) == day
    prefix = partition_prefix("comments.verdicts", day, 1)
    assert parse_day(prefix.rsplit("p=", 1)[0]) == day


def test_parse_day_with_a_topic_named_like_a_folder() -> None:
    assert parse_day("odd.dt=topic/dt=2026-05-06/") == date(2026, 5, 6)


def record(offset: int, value: bytes, key: bytes | None = b"facebook:u-1") -> ArchivedRecord:
    return ArchivedRecord(
        topic="comments.verdicts",
        partition=1,
        offset=offset,
        timestamp_ms=ms(2026, 6, 1, 12, 0, 0) + offset,
        key=key,
        value=value,
    )


RECORDS = [
    record(10, json.dumps({"action": "allow", "text": "Grüße ✓"}).encode()),
    record(11, b'{"nested": {"list": [1, 2.5, null, true]}}', key=None),
    record(12, b"\xff\x00not json"),
    record(13, b"plain text, not JSON"),
    record(14, b""),
    record(15, b'{"id": 1}', key=b"\xff\xfebad-key"),
]


def test_serialize_is_deterministic() -> None:
    first = serialize(RECORDS)
    assert first == serialize(RECORDS)
    assert first == serialize(list(RECORDS))
    assert first[:2] == b"\x1f\x8b"  # gzip
    assert first[4:8] == b"\x00\x00\x00\x00"  # no mtime in the header


def test_serialize_is_one_json_line_per_record() -> None:
    text = gzip.decompress(serialize(RECORDS)).decode("utf-8")
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == len(RECORDS) + 1
    assert "Grüße ✓" in text  # UTF-8, not \u escapes


def test_deserialize_round_trips() -> None:
    lines = list(deserialize(serialize(RECORDS)))
    assert [line["offset"] for line in lines] == [10, 11, 12, 13, 14, 15]
    assert all(line["topic"] == "comments.verdicts" and line["partition"] == 1 for line in lines)
    assert [line["timestamp_ms"] for line in lines] == [r.timestamp_ms for r in RECORDS]
    assert lines[0]["key"] == "facebook:u-1"
    assert lines[0]["record"] == {"action": "allow", "text": "Grüße ✓"}
    assert lines[1]["key"] is None
    assert lines[1]["record"] == {"nested": {"list": [1, 2.5, None, True]}}
    assert "raw_base64" not in lines[0]


@pytest.mark.parametrize("index", [2, 3, 4])
def test_non_json_values_are_kept_as_raw_base64(index: int) -> None:
    line = list(deserialize(serialize(RECORDS)))[index]
    assert "record" not in line
    assert base64.b64decode(line["raw_base64"]) == RECORDS[index].value


def test_undecodable_key_is_replaced_not_fatal() -> None:
    line = list(deserialize(serialize(RECORDS)))[5]
    assert line["key"] == "\ufffd\ufffdbad-key"
    assert line["record"] == {"id": 1}


def test_empty_batch() -> None:
    assert list(deserialize(serialize([]))) == []
