"""The records every part of civicmod speaks: comments, findings, verdicts, dead letters.

Each class is frozen and serialises to the JSON Schema committed in ``config/schemas/``.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Category = Literal["a", "b", "c", "d", "e", "f", "g", "h", "i"]
Action = Literal["allow", "review", "remove"]

CATEGORY_NAMES: dict[str, str] = {
    "a": "vulgar language",
    "b": "a personal attack",
    "c": "discrimination on a protected class",
    "d": "spam or an unrelated link",
    "e": "advocating illegal activity",
    "f": "copyright or trademark infringement",
    "g": "personally identifiable medical or financial information",
    "h": "information compromising safety, security or proceedings",
    "i": "a repeat violator",
}

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=512)]


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json_bytes(self) -> bytes:
        """Serialise to compact UTF-8 JSON."""
        return self.model_dump_json().encode("utf-8")


class Comment(_Record):
    """A public comment on one of the Town's social media pages."""

    id: NonEmpty
    platform: NonEmpty
    page: NonEmpty
    post: NonEmpty
    parent: NonEmpty | None = None
    author_id: NonEmpty
    author_name: Annotated[str, StringConstraints(max_length=512)] = ""
    text: Annotated[str, StringConstraints(min_length=1)]
    created_at: datetime
    url: Annotated[str, StringConstraints(max_length=2048)] | None = None
    ingested_at: datetime = Field(default_factory=utc_now)
    version: int = Field(default=1, ge=1)
    """1 for the first text civicmod captured; each edit on the platform is a new version."""
    previous_version: int | None = Field(default=None, ge=1)
    """The version this one replaced on the platform (by platform time), if any is known."""
    edited_at: datetime | None = None
    """When this text took effect on the platform (an edit's time); None: as posted."""

    @property
    def record_id(self) -> str:
        """The archive id of this version: the comment id, ``id@vN`` for later versions."""
        return self.id if self.version == 1 else f"{self.id}@v{self.version}"

    @property
    def author_key(self) -> str:
        """The Kafka key of this comment: ``platform:author_id`` (per-author partitioning)."""
        return f"{self.platform}:{self.author_id}"


class Evidence(_Record):
    """A character span of the scored text and the words found there (masked where sensitive)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Finding(_Record):
    """What one detector found in one comment, for one policy category."""

    category: Category
    score: float = Field(ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()
    detector: NonEmpty
    version: NonEmpty
    label: str = ""


class Verdict(_Record):
    """The policy's decision on a comment, with every finding and the reasons in words."""

    comment: Comment
    findings: tuple[Finding, ...] = ()
    action: Action
    categories: tuple[Category, ...] = ()
    """The policy's grounds: each category with a finding at or above its review threshold
    (what the archive index searches by category)."""
    reasons: tuple[str, ...] = ()
    policy_version: NonEmpty
    model_version: NonEmpty
    scored_chars: int = Field(ge=0)
    truncated: bool = False
    decided_at: datetime = Field(default_factory=utc_now)


def _clip(value: str, limit: int = 512) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class DeadLetter(_Record):
    """Input that could not become a comment: kept byte for byte with the reason why."""

    raw_base64: str
    error: NonEmpty
    source: NonEmpty
    received_at: datetime = Field(default_factory=utc_now)

    @classmethod
    def from_bytes(cls, raw: bytes, error: str, source: str,
                   max_raw_bytes: int | None = None) -> DeadLetter:
        """Build a dead letter from the raw bytes that failed. A reason or source over 512
        characters (a reason may quote a hostile field name) is shortened; an empty one is
        still refused. Raw bytes over ``max_raw_bytes`` are cut to that many, and the reason
        then begins with their full length and SHA-256 (a 10 MB line must not stop the
        ingest: its dead letter would be over the broker's message size)."""
        if max_raw_bytes is not None and len(raw) > max_raw_bytes:
            digest = hashlib.sha256(raw).hexdigest()
            error = f"kept the first {max_raw_bytes} of {len(raw)} bytes (sha256 {digest}): {error}"
            raw = raw[:max_raw_bytes]
        return cls(raw_base64=base64.b64encode(raw).decode("ascii"),
                   error=_clip(error), source=_clip(source))

    @property
    def raw(self) -> bytes:
        """The original bytes."""
        return base64.b64decode(self.raw_base64)
