"""Regression: a JSON value holding a lone surrogate once made the whole batch unwritable."""

from __future__ import annotations

import base64

from sinks.jsonl import ArchivedRecord, deserialize, serialize


def test_unwritable_json_value_is_kept_as_raw_bytes_and_the_batch_still_serialises() -> None:
    bad = b'{"text": "\\ud800"}'
    good = b'{"text": "fine"}'
    records = [
        ArchivedRecord("t", 0, 0, 0, None, bad),
        ArchivedRecord("t", 0, 1, 0, None, good),
    ]
    lines = list(deserialize(serialize(records)))
    assert base64.b64decode(lines[0]["raw_base64"]) == bad
    assert "record" not in lines[0]
    assert lines[1]["record"] == {"text": "fine"}
