"""The records of the moderators' loop: actions, an author's standing, flagged comments.

- :class:`ModerationAction` (``moderation.actions``): a moderator's keep, remove, restore, ban
  or unban, with who, why, which categories and what it concerns. Policy D.3 ("a description
  of why the content was removed") is met by this record, never by changing the comment's.
- :class:`Standing` (``authors.sanctions``): an author's standing after each change (a
  violation counted or undone, a ban, an unban), with a ban recommendation when the author
  reaches the repeat-violator threshold (E.1.i). The latest standing per author is also the
  state the worker recovers from after a restart (docs/decisions/0004).
- :class:`FlaggedComment` (``comments.flagged``): a verdict plus what a moderator needs on one
  screen: the recommended action and the author's recent history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import uuid4

from pydantic import Field, model_validator

from pipeline.records import (
    Action,
    Category,
    NonEmpty,
    Verdict,
    _Record,
    utc_now,
)

ActionKind = Literal["keep", "remove", "restore", "ban", "unban"]
COMMENT_ACTIONS: frozenset[str] = frozenset({"remove", "restore"})
"""Actions that always concern one comment (``keep`` may concern a comment or an author)."""
NEEDS_REASON: frozenset[str] = frozenset({"remove", "ban"})

DecisionStatus = Literal["hidden", "removed", "restored", "kept"]
StandingEvent = Literal["hidden", "removed", "restored", "kept", "banned", "unbanned"]
Sanction = Literal["none", "ban recommended", "banned"]
AUTO_HIDE = "auto-hide"
"""The ``by`` of a decision the policy took without a moderator (an automatic hide)."""


class ModerationAction(_Record):
    """A moderator's decision on a comment (keep/remove/restore) or an author (keep/ban/unban).

    A ``keep`` without a comment dismisses a ban recommendation; a ``ban`` or ``unban`` may
    name the comment that prompted it.
    """

    id: NonEmpty = Field(default_factory=lambda: uuid4().hex)
    kind: ActionKind
    moderator: NonEmpty
    author_key: NonEmpty
    comment_id: NonEmpty | None = None
    categories: tuple[Category, ...] = ()
    reason: str = ""
    at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _complete(self) -> ModerationAction:
        if self.kind in COMMENT_ACTIONS and self.comment_id is None:
            raise ValueError(f"a {self.kind} concerns a comment: comment_id is required")
        if self.kind in NEEDS_REASON and not self.reason.strip():
            raise ValueError(f"a {self.kind} needs a reason (policy D.3)")
        if self.kind == "remove" and not self.categories:
            raise ValueError("a remove names the policy category (a–i) it is made under")
        return self


class Decision(_Record):
    """What became of one of the author's comments: hidden, removed, restored or kept."""

    comment_id: NonEmpty
    status: DecisionStatus
    categories: tuple[Category, ...] = ()
    at: datetime
    by: NonEmpty

    @property
    def violation(self) -> bool:
        """True when this decision confirms a violation (a removal or an automatic hide)."""
        return self.status in ("hidden", "removed")


class Standing(_Record):
    """An author's standing after one change; ``recommendation`` is set at the threshold."""

    kind: Literal["standing"] = "standing"
    author_key: NonEmpty
    event: StandingEvent
    cause: NonEmpty
    decisions: tuple[Decision, ...] = ()
    violations: int = Field(ge=0)
    threshold: int = Field(ge=1)
    window_days: int = Field(ge=1)
    banned: bool = False
    banned_at: datetime | None = None
    banned_by: str | None = None
    recommendation: Literal["ban"] | None = None
    reasons: tuple[str, ...] = ()
    as_of: datetime


class AuthorHistory(_Record):
    """An author's confirmed violations within the window, per category, and sanction."""

    counts: dict[Category, int] = Field(default_factory=dict)
    violations: int = Field(default=0, ge=0)
    window_days: int = Field(ge=1)
    threshold: int = Field(ge=1)
    sanction: Sanction = "none"
    banned_since: datetime | None = None


class FlaggedComment(Verdict):
    """A verdict as the moderators' queue shows it: recommendation and author history."""

    kind: Literal["comment"] = "comment"
    recommendation: Action
    history: AuthorHistory
