"""Moderation actions: the record's rules and the desk's checks, with clear errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.actions import ModerationAction
from pipeline.desk import ActionRequest, InvalidAction, OneComment, build_action
from pipeline.records import Comment

COMMENT = Comment(id="c-1", platform="facebook", page="town", post="p-1", author_id="u-9",
                  text="some words", created_at=datetime(2026, 11, 1, tzinfo=UTC))


@dataclass
class KnownComments:
    """Facts over a fixed list of comments (what the archive would answer)."""

    comments: list[Comment] = field(default_factory=lambda: [COMMENT])

    def find_comment(self, comment_id: str) -> Comment | None:
        return next((c for c in self.comments if c.id == comment_id), None)

    def author_known(self, author_key: str) -> bool:
        return any(c.author_key == author_key for c in self.comments)


def request(kind: str = "remove", target: str = "c-1", **changes: object) -> ActionRequest:
    data: dict[str, object] = {"kind": kind, "target": target, "moderator": "m-1",
                               "categories": ("a",), "reason": "vulgar language"}
    data.update(changes)
    return ActionRequest(**data)  # type: ignore[arg-type]


def test_a_remove_names_comment_author_categories_reason_and_time() -> None:
    action = build_action(request(), KnownComments())
    assert (action.kind, action.comment_id, action.author_key) == ("remove", "c-1",
                                                                   "facebook:u-9")
    assert action.categories == ("a",) and action.reason == "vulgar language"
    assert action.moderator == "m-1" and action.at.tzinfo is not None and action.id
    again = ModerationAction.model_validate_json(action.to_json_bytes())
    assert again == action


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": "nope"}, "unknown comment id 'nope'"),
        ({"reason": "  "}, "a remove needs a reason"),
        ({"categories": ("z",)}, "unknown category 'z'"),
        ({"categories": ()}, "a remove names the category"),
        ({"kind": "delete"}, "unknown action 'delete'"),
        ({"moderator": ""}, "moderator's id is missing"),
        ({"kind": "ban", "target": "facebook:nobody"}, "unknown author 'facebook:nobody'"),
        ({"kind": "ban", "target": "facebook:u-9", "reason": ""}, "a ban needs a reason"),
        ({"kind": "restore", "target": "facebook:u-9"}, "unknown comment id"),
    ],
    ids=["unknown-comment", "no-reason", "unknown-category", "no-category", "unknown-kind",
         "no-moderator", "unknown-author", "ban-without-reason", "restore-an-author"],
)
def test_bad_requests_are_refused_saying_why(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidAction, match=message):
        build_action(request(**changes), KnownComments())


def test_a_refusal_names_the_author_when_known() -> None:
    with pytest.raises(InvalidAction) as info:
        build_action(request(reason=""), KnownComments())
    assert info.value.author_key == "facebook:u-9"


@pytest.mark.parametrize("kind", ["keep", "restore", "unban"])
def test_keep_restore_and_unban_need_no_reason(kind: str) -> None:
    target = "facebook:u-9" if kind == "unban" else "c-1"
    action = build_action(request(kind, target, categories=(), reason=""), KnownComments())
    assert action.kind == kind and action.reason == ""


def test_keep_of_an_author_dismisses_a_recommendation() -> None:
    action = build_action(request("keep", "facebook:u-9", categories=()), KnownComments())
    assert action.comment_id is None and action.author_key == "facebook:u-9"


def test_one_comment_facts_check_the_shown_comment_only() -> None:
    facts = OneComment(COMMENT)
    assert build_action(request(), facts).comment_id == "c-1"
    with pytest.raises(InvalidAction, match="unknown comment id"):
        build_action(request(target="c-2"), facts)


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "remove", "comment_id": "c", "categories": ["a"], "reason": " "},
        {"kind": "remove", "comment_id": "c", "categories": [], "reason": "r"},
        {"kind": "restore", "reason": "r"},
        {"kind": "ban", "reason": ""},
        {"kind": "remove", "comment_id": "c", "categories": ["q"], "reason": "r"},
        {"kind": "erase", "comment_id": "c"},
    ],
    ids=["blank-reason", "no-category", "restore-without-comment", "ban-without-reason",
         "unknown-category", "unknown-kind"],
)
def test_the_record_itself_refuses_incomplete_actions(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ModerationAction.model_validate({"moderator": "m", "author_key": "x:y", **data})
