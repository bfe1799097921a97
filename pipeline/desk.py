"""The moderators' desk: check an action, write it to ``moderation.actions``, or reject it.

A rejected action is refused with a clear error and still kept: it goes to
``comments.deadletter`` (archived) with the reason. Comment ids and authors are checked
against what is known to exist: the comment a queue item shows, or the archive (the system
of record; see docs/decisions/0004-violator-state.md for why not the worker).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol, get_args

from kafka import KafkaProducer
from pydantic import ValidationError

from pipeline.actions import COMMENT_ACTIONS, NEEDS_REASON, ActionKind, ModerationAction
from pipeline.kafka_auth import client_options
from pipeline.policy import ALL_CATEGORIES
from pipeline.records import Comment, DeadLetter
from pipeline.settings import Settings

SEND_TIMEOUT_SECONDS = 30.0


class InvalidAction(ValueError):
    """An action refused; the message says why, ``author_key`` whom it concerned if known."""

    def __init__(self, message: str, author_key: str | None = None) -> None:
        super().__init__(message)
        self.author_key = author_key


class Facts(Protocol):
    """What the desk checks targets against."""

    def find_comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, if it exists."""
        ...

    def author_known(self, author_key: str) -> bool:
        """True when the author has at least one comment."""
        ...


@dataclass(frozen=True)
class OneComment:
    """Facts about the one comment a queue item shows (no archive look-up needed)."""

    comment: Comment

    def find_comment(self, comment_id: str) -> Comment | None:
        """The shown comment if the id is its id."""
        return self.comment if comment_id == self.comment.id else None

    def author_known(self, author_key: str) -> bool:
        """True for the shown comment's author."""
        return author_key == self.comment.author_key


@dataclass(frozen=True)
class ActionRequest:
    """What a moderator asked for, before it is checked."""

    kind: str
    target: str
    moderator: str
    categories: tuple[str, ...] = ()
    reason: str = ""


def build_action(request: ActionRequest, facts: Facts) -> ModerationAction:
    """Check ``request`` and return the action; raise :class:`InvalidAction` saying why not."""
    kind = request.kind
    if kind not in get_args(ActionKind):
        raise InvalidAction(f"unknown action {kind!r}: use one of "
                            f"{', '.join(get_args(ActionKind))}")
    comment, author_key = _resolve(kind, request.target, facts)
    if not request.moderator.strip():
        raise InvalidAction("the moderator's id is missing (--moderator)", author_key)
    unknown = [c for c in request.categories if c not in ALL_CATEGORIES]
    if unknown:
        raise InvalidAction(f"unknown category {', '.join(map(repr, unknown))}: the policy's "
                            f"categories are the letters a–i of section E.1", author_key)
    if kind in NEEDS_REASON and not request.reason.strip():
        raise InvalidAction(f"a {kind} needs a reason: policy D.3 keeps a description of why",
                            author_key)
    if kind == "remove" and not request.categories:
        raise InvalidAction("a remove names the category it is made under (--category a–i)",
                            author_key)
    try:
        return ModerationAction.model_validate({
            "kind": kind, "moderator": request.moderator.strip(), "author_key": author_key,
            "comment_id": comment.id if comment is not None else None,
            "categories": request.categories, "reason": request.reason.strip(),
        })
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]) for e in exc.errors())
        raise InvalidAction(f"invalid action: {problems}", author_key) from exc


def _resolve(kind: str, target: str, facts: Facts) -> tuple[Comment | None, str]:
    """The comment an action concerns (None for an author) and the author's key."""
    if kind not in ("ban", "unban"):
        comment = facts.find_comment(target)
        if comment is not None:
            return comment, comment.author_key
        if kind in COMMENT_ACTIONS or not facts.author_known(target):
            raise InvalidAction(f"unknown comment id {target!r}: no such comment is archived "
                                f"(a new comment is archived within seconds)")
        return None, target  # a keep that dismisses a ban recommendation
    if not facts.author_known(target):
        raise InvalidAction(f"unknown author {target!r}: expected the platform:author_id of "
                            f"an author with an archived comment")
    return None, target


class ActionDesk:
    """Writes checked actions (acknowledged by the broker) and dead-letters rejected ones."""

    def __init__(self, settings: Settings, facts: Facts, source: str) -> None:
        self.settings = settings
        self.facts = facts
        self.source = source
        self.producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers,
                                      client_id="civicmod-desk", acks="all",
                                      **client_options(settings.kafka))

    def submit(self, request: ActionRequest, facts: Facts | None = None) -> ModerationAction:
        """Write the action and wait for the broker; on refusal dead-letter it and re-raise."""
        try:
            action = build_action(request, facts or self.facts)
        except InvalidAction as exc:
            self._reject(request, exc)
            raise
        self.producer.send(self.settings.topics.actions, key=action.author_key.encode("utf-8"),
                           value=action.to_json_bytes()).get(timeout=SEND_TIMEOUT_SECONDS)
        return action

    def close(self) -> None:
        """Flush and close the producer."""
        self.producer.flush()
        self.producer.close()

    def _reject(self, request: ActionRequest, exc: InvalidAction) -> None:
        attempt = {**asdict(request), "author_key": exc.author_key}
        raw = json.dumps(attempt, ensure_ascii=False).encode("utf-8")
        letter = DeadLetter.from_bytes(raw, f"action rejected: {exc}",
                                       f"{self.source} (moderator {request.moderator or '?'})")
        self.producer.send(self.settings.topics.deadletter, value=letter.to_json_bytes()).get(
            timeout=SEND_TIMEOUT_SECONDS)
