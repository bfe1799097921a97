"""The records of what the platforms did: their own events and their answers to our actions.

Both go to ``platform.events`` (archived like every record; keyed ``platform:author_id``):

- :class:`PlatformEvent`: a comment deleted, hidden or unhidden on the platform, by its author,
  the page or the platform, as the platform reported it (webhook) or a poll observed it.
- :class:`PlatformAnswer`: what the platform answered when civicmod carried a moderator's
  decision there (hide, unhide, delete, block, unblock), linked to the decision by
  ``action_id``. A refused or failed call is archived as much as a successful one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from pipeline.records import NonEmpty, _Record, utc_now

PlatformChange = Literal["deleted", "hidden", "unhidden"]
PlatformCall = Literal["hide", "unhide", "delete", "block", "unblock"]
Outcome = Literal["done", "refused", "failed"]


class PlatformEvent(_Record):
    """A comment deleted, hidden or unhidden on the platform (not by a civicmod call)."""

    kind: Literal["platform_event"] = "platform_event"
    id: NonEmpty
    """Deterministic (platform, comment, change, time): a replayed event has the same id."""
    platform: NonEmpty
    page: NonEmpty
    post: str = ""
    comment_id: NonEmpty
    author_id: str = ""
    action: PlatformChange
    by: NonEmpty
    """Who the platform names as acting: ``author``, ``page`` or ``platform:<id>``."""
    at: datetime
    """When it happened, by the platform's clock."""
    source: NonEmpty
    received_at: datetime = Field(default_factory=utc_now)


class PlatformAnswer(_Record):
    """The platform's answer to one call civicmod made for a moderator's decision."""

    kind: Literal["platform_answer"] = "platform_answer"
    id: NonEmpty
    """``<action id>:<call>[:<target>]``: one answer per call, stable across retries."""
    action_id: NonEmpty
    platform: NonEmpty
    call: PlatformCall
    target: NonEmpty
    """The platform id the call addressed: the comment, or the author for a block."""
    comment_id: str | None = None
    author_id: str = ""
    by: NonEmpty
    """The moderator whose decision this carried out."""
    outcome: Outcome
    status: int | None = None
    """The HTTP status of the last attempt (None: no answer at all)."""
    answer: dict[str, Any] = Field(default_factory=dict)
    """The platform's JSON answer (or ``{"error": ...}`` when there was none)."""
    attempts: int = Field(ge=1)
    at: datetime = Field(default_factory=utc_now)
