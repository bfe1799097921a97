"""Crashes found by the hostile-input tests (tests/fuzz/, issue 15): each input raised out of
validation, the dead-letter record or the CSV reader, which would have stopped the worker's
batch or the ingest, instead of becoming a dead letter."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from pipeline.detection import Registry
from pipeline.ingest import csv_rows
from pipeline.policy import load_policy
from pipeline.records import DeadLetter
from pipeline.screening import RawMessage, Screener
from pipeline.settings import CONFIG_DIR
from pipeline.validation import InvalidComment, parse_comment

VALID = {"id": "c-1", "platform": "facebook", "page": "p", "post": "p-1", "author_id": "u-1",
         "text": "hello", "created_at": "2026-11-25T10:00:00Z"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON: nested too deeply"),  # RecursionError
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "malformed JSON: nested too deeply"),
        (b"9" * 5000, "malformed JSON: Exceeds the limit (4300 digits)"),  # ValueError
        (json.dumps(VALID).encode()[:-1] + b', "version": ' + b"9" * 5000 + b"}",
         "malformed JSON: Exceeds the limit (4300 digits)"),
    ],
    ids=["deep-array", "deep-object", "huge-int", "huge-int-field"],
)
def test_deep_nesting_and_huge_integers_are_invalid_comments(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidComment) as caught:
        parse_comment(raw, 20_000)
    assert caught.value.reason.startswith(reason)


def test_a_reason_quoting_a_5000_character_field_name_still_makes_a_dead_letter() -> None:
    raw = json.dumps({**VALID, "k" * 5000: 1}).encode()
    with pytest.raises(InvalidComment) as caught:
        parse_comment(raw, 20_000)
    assert len(caught.value.reason) > 512  # DeadLetter.error allows 512: this raised before
    letter = DeadLetter.from_bytes(raw, caught.value.reason, "x" * 600)
    assert letter.raw == raw
    assert len(letter.error) == 512 and letter.error.endswith("…")
    assert letter.error.startswith("k" * 100)
    assert len(letter.source) == 512


def test_csv_quote_running_past_the_field_limit_is_passed_on_and_reading_goes_on() -> None:
    header = b"id,platform,page,post,author_id,text,created_at\n"
    broken = b'c-2,fb,p,p-1,u-2,"never closed,2026-11-25T10:00:00Z\n' + b"x" * 140_000 + b"\n"
    after = b"c-3,fb,p,p-1,u-3,after,2026-11-25T10:00:00Z\n"
    rows = list(csv_rows(io.BytesIO(header + broken + after), "in.csv"))  # raised csv.Error
    assert rows[0][0] == broken
    assert [source for _, source in rows] == ["in.csv:2", "in.csv:3"]
    assert json.loads(rows[1][0])["id"] == "c-3"
    with pytest.raises(InvalidComment):
        parse_comment(rows[0][0], 20_000)


def test_csv_header_past_the_field_limit_is_passed_on() -> None:
    header = b'"' + b"h" * 140_000 + b"\n"
    rows = list(csv_rows(io.BytesIO(header + b"id,text\nc-1,hi\n"), "in.csv"))
    assert rows[0][0] == header
    assert json.loads(rows[1][0]) == {"id": "c-1", "text": "hi"}


def test_one_deeply_nested_message_no_longer_takes_its_batch_to_the_dead_letters() -> None:
    # Before: Screener.screen raised RecursionError, and the worker's fallback dead-lettered
    # the whole batch ("moderation failed … dead-lettering 6 messages"), valid comments too.
    screener = Screener(Registry([]), load_policy(CONFIG_DIR / "policy.yaml"),
                        max_text_chars=20_000, score_window_chars=10_000)
    deep = b"[" * 100_000 + b"]" * 100_000
    valid = [json.dumps({**VALID, "id": f"c-{n}"}).encode() for n in range(5)]
    outcomes = screener.screen([RawMessage(b"k", raw, f"raw[0]@{n}")
                                for n, raw in enumerate([deep, *valid])])
    assert outcomes[0].deadletter is not None and outcomes[0].deadletter.raw == deep
    assert [o.verdict.comment.id for o in outcomes[1:] if o.verdict is not None] == [
        f"c-{n}" for n in range(5)]


def test_a_dead_letter_over_the_raw_limit_keeps_its_head_length_and_digest() -> None:
    # Before: a 10 MB line made a 13 MB dead letter; kafka-python raised
    # MessageSizeTooLargeError out of CommentProducer.send and `civicmod ingest` stopped.
    raw = b'{"text": "' + b"a" * 3_000_000 + b'"}'
    letter = DeadLetter.from_bytes(raw, "text has 3000000 characters", "big.jsonl:1", 1_048_576)
    assert letter.raw == raw[:1_048_576]
    assert letter.error.startswith(
        f"kept the first 1048576 of {len(raw)} bytes (sha256 {hashlib.sha256(raw).hexdigest()})")
    assert letter.error.endswith(": text has 3000000 characters")
    assert DeadLetter.from_bytes(b"short", "why", "src", 1024).raw == b"short"
