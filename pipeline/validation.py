"""Turning untrusted bytes into a :class:`Comment`, or a clear reason why not."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from pipeline.records import Comment


class InvalidComment(ValueError):
    """Input that is not a valid comment; ``field`` names the offending field when known."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def parse_comment(raw: bytes, max_text_chars: int) -> Comment:
    """Decode, parse and validate one JSON comment; raise :class:`InvalidComment` if unfit.

    A well-formed comment (every one the ingest producer wrote) is parsed and validated in one
    pass by pydantic's JSON parser; anything it refuses is parsed again step by step, so the
    reason given is the same either way.
    """
    try:
        comment = Comment.model_validate_json(raw)
    except ValueError:
        return _parse_slowly(raw, max_text_chars)
    _check_text(comment.text, max_text_chars)
    return comment


def _parse_slowly(raw: bytes, max_text_chars: int) -> Comment:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidComment(f"invalid UTF-8 at byte {exc.start}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidComment(
            f"malformed JSON: {exc.msg} at line {exc.lineno} col {exc.colno}"
        ) from exc
    except RecursionError as exc:  # nested deeper than the interpreter's recursion limit
        raise InvalidComment("malformed JSON: nested too deeply") from exc
    except ValueError as exc:  # an integer over sys.get_int_max_str_digits() digits
        raise InvalidComment(f"malformed JSON: {exc}") from exc
    return comment_from_object(data, max_text_chars)


def comment_from_object(data: Any, max_text_chars: int) -> Comment:
    """Validate one decoded JSON value as a comment."""
    if not isinstance(data, dict):
        raise InvalidComment(f"expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if isinstance(text, str):
        _check_text(text, max_text_chars)
    try:
        return Comment.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InvalidComment(f"{field}: {first['msg']}{extra}", field=field) from exc


def _check_text(text: str, max_text_chars: int) -> None:
    if "\x00" in text:
        raise InvalidComment("text contains a NUL character", field="text")
    if not text.strip():
        raise InvalidComment("text is empty", field="text")
    if len(text) > max_text_chars:
        raise InvalidComment(
            f"text has {len(text)} characters, over the limit of {max_text_chars}",
            field="text",
        )
