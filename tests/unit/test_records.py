"""The record models: JSON round trips, immutability, strictness, dead letters' bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from pipeline.records import Comment, DeadLetter, Evidence, Finding, Verdict

CREATED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def make_comment(**changes: object) -> Comment:
    data: dict[str, object] = {
        "id": "c-1",
        "platform": "facebook",
        "page": "town-page",
        "post": "post-9",
        "author_id": "u-42",
        "author_name": "Pat Q. Resident",
        "text": "When will the library reopen? ünïcödé ✓",
        "created_at": CREATED,
        "url": "https://example.org/post-9#c-1",
    }
    data.update(changes)
    return Comment.model_validate(data)


def make_finding() -> Finding:
    return Finding(
        category="g",
        score=0.97,
        evidence=(Evidence(start=4, end=20, text="****-****-****-1111"),),
        detector="regex-pii",
        version="1.2.0",
        label="credit card",
    )


def make_verdict() -> Verdict:
    return Verdict(
        comment=make_comment(),
        findings=(make_finding(),),
        action="remove",
        reasons=("Removed under E.1.g",),
        policy_version="2026-11-25.1",
        model_version="regex-pii@1.2.0",
        scored_chars=39,
    )


@pytest.mark.parametrize(
    "record",
    [
        make_comment(),
        make_comment(parent="c-0", url=None, author_name=""),
        make_finding(),
        make_verdict(),
        DeadLetter.from_bytes(b"{not json", "malformed JSON", "comments.raw[0]@7"),
    ],
    ids=["comment", "comment-minimal", "finding", "verdict", "deadletter"],
)
def test_round_trip_through_json(record: Comment | Finding | Verdict | DeadLetter) -> None:
    encoded = record.to_json_bytes()
    assert isinstance(encoded, bytes)
    json.loads(encoded)  # compact, valid JSON
    again = type(record).model_validate_json(encoded)
    assert again == record
    assert again.to_json_bytes() == encoded


def test_timestamps_keep_their_instant_and_zone() -> None:
    comment = make_comment()
    again = Comment.model_validate_json(comment.to_json_bytes())
    assert again.created_at == CREATED
    assert again.created_at.utcoffset() is not None
    assert again.ingested_at == comment.ingested_at
    assert comment.ingested_at.tzinfo is not None


def test_verdict_nests_the_whole_comment_and_findings() -> None:
    data = json.loads(make_verdict().to_json_bytes())
    assert data["comment"]["author_id"] == "u-42"
    assert data["findings"][0]["evidence"][0] == {
        "start": 4,
        "end": 20,
        "text": "****-****-****-1111",
    }
    assert data["truncated"] is False


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        (make_comment(), "text", "changed"),
        (make_finding(), "score", 0.1),
        (make_verdict(), "action", "allow"),
        (DeadLetter.from_bytes(b"x", "e", "s"), "error", "other"),
    ],
)
def test_records_are_frozen(record: object, field: str, value: object) -> None:
    before = getattr(record, field)
    with pytest.raises(ValidationError, match="frozen"):
        setattr(record, field, value)
    assert getattr(record, field) == before


def test_nested_evidence_is_frozen_too() -> None:
    finding = make_finding()
    with pytest.raises(ValidationError):
        finding.evidence[0].text = "unmasked"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Comment, {**make_comment().model_dump(mode="json"), "likes": 3}),
        (Finding, {**make_finding().model_dump(mode="json"), "extra": True}),
        (Verdict, {**make_verdict().model_dump(mode="json"), "moderator": "x"}),
        (
            DeadLetter,
            {**DeadLetter.from_bytes(b"x", "e", "s").model_dump(mode="json"), "retry": 1},
        ),
    ],
)
def test_extra_fields_are_rejected(model: type[Comment], data: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model.model_validate(data)


def test_extra_field_nested_in_a_verdict_is_rejected() -> None:
    data = make_verdict().model_dump(mode="json")
    data["comment"]["shadow"] = "x"
    with pytest.raises(ValidationError) as info:
        Verdict.model_validate(data)
    assert info.value.errors()[0]["loc"] == ("comment", "shadow")


@pytest.mark.parametrize(
    ("model", "data", "loc"),
    [
        (Finding, {**make_finding().model_dump(), "score": 1.5}, ("score",)),
        (Finding, {**make_finding().model_dump(), "category": "z"}, ("category",)),
        (Verdict, {**make_verdict().model_dump(), "action": "delete"}, ("action",)),
        (Comment, {**make_comment().model_dump(), "author_id": ""}, ("author_id",)),
        (Comment, {**make_comment().model_dump(), "id": "x" * 513}, ("id",)),
    ],
)
def test_out_of_range_values_are_rejected(
    model: type[Comment], data: dict[str, object], loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert info.value.errors()[0]["loc"] == loc


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00\x80 not utf-8 \xc3\x28",
        b"\x00" * 17,
        b'{"text": "nul \x00 inside"}',
        bytes(range(256)),
    ],
    ids=["empty", "invalid-utf8", "nuls", "json-with-nul", "every-byte"],
)
def test_deadletter_keeps_arbitrary_bytes_exactly(raw: bytes) -> None:
    letter = DeadLetter.from_bytes(raw, "invalid UTF-8 at byte 0", "http:127.0.0.1#0")
    assert letter.raw == raw
    again = DeadLetter.model_validate_json(letter.to_json_bytes())
    assert again.raw == raw
    assert again.error == "invalid UTF-8 at byte 0"
    assert again.source == "http:127.0.0.1#0"
    letter.to_json_bytes().decode("ascii")  # the JSON itself is plain ASCII


def test_deadletter_requires_a_reason_and_source() -> None:
    with pytest.raises(ValidationError):
        DeadLetter.from_bytes(b"x", "", "src")
    with pytest.raises(ValidationError):
        DeadLetter.from_bytes(b"x", "reason", "")


def test_author_key_is_platform_colon_author_id() -> None:
    assert make_comment().author_key == "facebook:u-42"
    assert make_comment(platform="instagram", author_id="a:b").author_key == "instagram:a:b"


def test_author_key_is_not_serialised() -> None:
    assert "author_key" not in json.loads(make_comment().to_json_bytes())
