"""Untrusted bytes to comments: every kind of bad input is refused with a clear reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pipeline.records import Comment
from pipeline.validation import InvalidComment, comment_from_object, parse_comment

LIMIT = 200


def comment_dict(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "c-7",
        "platform": "facebook",
        "page": "queen-creek",
        "post": "p-1",
        "author_id": "u-9",
        "text": "Thanks for fixing the crosswalk on Ellsworth.",
        "created_at": "2026-04-02T08:15:00Z",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def encode(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def refused(raw: bytes, limit: int = LIMIT) -> InvalidComment:
    with pytest.raises(InvalidComment) as info:
        parse_comment(raw, limit)
    assert str(info.value) == info.value.reason
    return info.value


def test_a_valid_comment_parses() -> None:
    comment = parse_comment(encode(comment_dict(parent="c-6", url="https://x.test/1")), LIMIT)
    assert isinstance(comment, Comment)
    assert comment.id == "c-7"
    assert comment.text == "Thanks for fixing the crosswalk on Ellsworth."
    assert comment.created_at == datetime(2026, 4, 2, 8, 15, tzinfo=UTC)
    assert comment.parent == "c-6"
    assert comment.author_key == "facebook:u-9"


def test_ingested_at_is_filled_when_absent() -> None:
    before = datetime.now(UTC)
    comment = parse_comment(encode(comment_dict()), LIMIT)
    after = datetime.now(UTC)
    assert before <= comment.ingested_at <= after
    assert comment.ingested_at.utcoffset() == timedelta(0)


def test_ingested_at_is_kept_when_present() -> None:
    comment = parse_comment(encode(comment_dict(ingested_at="2026-04-02T09:00:00+00:00")), LIMIT)
    assert comment.ingested_at == datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


def test_unicode_text_within_the_limit_parses() -> None:
    text = "Café ☕ — 👍" * 5
    comment = parse_comment(json.dumps(comment_dict(text=text), ensure_ascii=False).encode(), 60)
    assert comment.text == text


@pytest.mark.parametrize(
    "raw",
    [b"{", b'{"id": "c-7",}', b"not json at all", b"", b"{'id': 'single quotes'}"],
    ids=["truncated", "trailing-comma", "prose", "empty", "single-quotes"],
)
def test_malformed_json(raw: bytes) -> None:
    error = refused(raw)
    assert error.reason.startswith("malformed JSON: ")
    assert " at line 1 col " in error.reason
    assert error.field is None


def test_malformed_json_reports_the_position() -> None:
    error = refused(b'{\n  "id": "c-7",\n  oops\n}')
    assert "line 3 col 3" in error.reason


@pytest.mark.parametrize(
    ("raw", "position"),
    [(b"\xff" + encode(comment_dict()), 0), (b'{"text": "caf\xe9"}', 13)],
    ids=["leading-ff", "latin-1-e-acute"],
)
def test_invalid_utf8(raw: bytes, position: int) -> None:
    error = refused(raw)
    assert error.reason == f"invalid UTF-8 at byte {position}"
    assert error.field is None


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (comment_dict(text=42), "text"),
        (comment_dict(text=None), "text"),
        (comment_dict(author_id=7), "author_id"),
        (comment_dict(created_at="last tuesday"), "created_at"),
        (comment_dict(platform=["facebook"]), "platform"),
    ],
    ids=["text-number", "text-null", "author-number", "bad-date", "platform-list"],
)
def test_wrong_types_name_the_field(value: dict[str, Any], field: str) -> None:
    error = refused(encode(value))
    assert error.field == field
    assert error.reason.startswith(f"{field}: ")


@pytest.mark.parametrize("missing", ["id", "platform", "page", "post", "author_id", "text"])
def test_missing_fields_are_named(missing: str) -> None:
    error = refused(encode(comment_dict(**{missing: ...})))
    assert error.field == missing
    assert error.reason == f"{missing}: Field required"


def test_several_problems_are_counted() -> None:
    error = refused(encode({"text": "hello"}))
    assert error.field == "id"
    assert error.reason.endswith("(and 5 more)")


def test_unknown_field_is_refused() -> None:
    error = refused(encode(comment_dict(likes=3)))
    assert error.field == "likes"
    assert "Extra inputs are not permitted" in error.reason


@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n", "\u3000"])
def test_empty_or_whitespace_text(text: str) -> None:
    error = refused(encode(comment_dict(text=text)))
    assert error.field == "text"
    assert error.reason == "text is empty"


def test_oversized_text_uses_the_limit_given() -> None:
    text = "x" * 101
    error = refused(encode(comment_dict(text=text)), limit=100)
    assert error.field == "text"
    assert error.reason == "text has 101 characters, over the limit of 100"
    assert parse_comment(encode(comment_dict(text=text)), 101).text == text


def test_the_limit_counts_characters_not_bytes() -> None:
    text = "é" * 100  # 200 bytes in UTF-8
    assert parse_comment(encode(comment_dict(text=text)), 100).text == text


def test_nul_in_text() -> None:
    error = refused(encode(comment_dict(text="hello\x00world")))
    assert error.field == "text"
    assert "NUL" in error.reason


@pytest.mark.parametrize(
    ("value", "kind"),
    [([comment_dict()], "list"), ("a comment", "str"), (42, "int"), (None, "NoneType")],
)
def test_not_an_object(value: Any, kind: str) -> None:
    error = refused(encode(value))
    assert error.reason == f"expected a JSON object, got {kind}"
    assert error.field is None


def test_lone_surrogate_in_text_is_refused() -> None:
    raw = encode(comment_dict(text="x\ud800y"))
    assert b"\\ud800" in raw
    error = refused(raw)
    assert error.field == "text"
    assert "unicode" in error.reason


def test_comment_from_object_validates_decoded_values() -> None:
    assert comment_from_object(comment_dict(), LIMIT).id == "c-7"
    with pytest.raises(InvalidComment) as info:
        comment_from_object(comment_dict(text="y" * (LIMIT + 1)), LIMIT)
    assert info.value.field == "text"
