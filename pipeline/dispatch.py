"""What the worker publishes for each batch of comments and each moderator action.

Free of Kafka and Faust: a batch of raw messages (or one action) goes in, the messages to
send come out, and the repeat-violator book (and the repeat-text tracker) are kept up to date
on the way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from pipeline import metrics
from pipeline.actions import FlaggedComment, ModerationAction, Standing
from pipeline.records import Comment, DeadLetter, Finding, Verdict
from pipeline.screening import RawMessage, Screener
from pipeline.settings import TopicSettings
from pipeline.violators import ViolatorBook, banned_finding

log = logging.getLogger(__name__)


class AuthorTextRule(Protocol):
    """A detector that needs the author's earlier comments, not just this one's text."""

    def finding(self, comment: Comment) -> Finding | None:
        """Remember ``comment`` and return a finding about it, if any."""
        ...


@dataclass(frozen=True)
class Send:
    """One message to produce; ``partition`` None lets the key choose it."""

    topic: str
    key: bytes | None
    value: bytes
    partition: int | None = None


class Dispatcher:
    """Moderates batches and applies actions, returning every message to publish."""

    def __init__(
        self, topics: TopicSettings, screener: Screener, book: ViolatorBook,
        repeats: AuthorTextRule | None = None,
    ) -> None:
        self.topics = topics
        self.screener = screener
        self.book = book
        self.repeats = repeats  # None: no repeat-text rule (E.1.d)

    def comments(self, messages: Sequence[RawMessage], partitions: Sequence[int]) -> list[Send]:
        """Verdicts, flags, dead letters and standings for one batch of ``comments.raw``."""
        outcomes = self.screener.screen(messages, self._author_findings)
        sends: list[Send] = []
        for outcome, partition in zip(outcomes, partitions, strict=True):
            if outcome.deadletter is not None:
                sends.append(Send(self.topics.deadletter, outcome.key,
                                  outcome.deadletter.to_json_bytes()))
                metrics.DEAD_LETTERS.labels("worker").inc()
                continue
            assert outcome.verdict is not None
            verdict = outcome.verdict
            sends.append(Send(self.topics.verdicts, outcome.key, verdict.to_json_bytes()))
            metrics.count_verdict(verdict, outcome.flagged)
            standing = self._hide(verdict, partition)  # before the flag: its history counts it
            if outcome.flagged:
                sends.append(Send(self.topics.flagged, outcome.key,
                                  self._flag(verdict).to_json_bytes()))
            sends.extend(standing)
        return sends

    def action(self, key: bytes | None, value: bytes, partition: int, source: str) -> list[Send]:
        """The standing an action changes (none for a replay), or a dead letter if unreadable."""
        try:
            action = ModerationAction.model_validate_json(value)
        except ValidationError as exc:
            log.warning("unreadable moderation action at %s: %d error(s)", source,
                        exc.error_count())
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'action'}: "
                                 f"{e['msg']}" for e in exc.errors())
            return [self.dead_letter(key, value, source, f"invalid moderation action: {problems}")]
        standing = self.book.apply(partition, action)
        return self._sanction(standing, partition) if standing is not None else []

    def dead_letter(self, key: bytes | None, value: bytes, source: str, error: str) -> Send:
        """A message that could not be handled, kept byte for byte with the reason."""
        letter = DeadLetter.from_bytes(value, error, source)
        return Send(self.topics.deadletter, key, letter.to_json_bytes())

    def _author_findings(self, comment: Comment) -> list[Finding]:
        """Findings about the author rather than the text: banned (i), repeating a text (d)."""
        findings = [banned_finding()] if self.book.is_banned(comment.author_key) else []
        repeat = self.repeats.finding(comment) if self.repeats is not None else None
        if repeat is not None:
            findings.append(repeat)
        return findings

    def _hide(self, verdict: Verdict, partition: int) -> list[Send]:
        if verdict.action != "remove":
            return []
        hidden = self.screener.policy.hidden_categories(list(verdict.findings))
        comment = verdict.comment
        standing = self.book.record_hide(partition, comment.author_key, comment.id, hidden,
                                         verdict.decided_at)
        return self._sanction(standing, partition) if standing is not None else []

    def _flag(self, verdict: Verdict) -> FlaggedComment:
        recommendation = self.screener.policy.recommend(list(verdict.findings))
        return FlaggedComment(
            **dict(verdict),
            recommendation="review" if recommendation == "allow" else recommendation,
            history=self.book.history(verdict.comment.author_key, verdict.decided_at),
        )

    def _sanction(self, standing: Standing, partition: int) -> list[Send]:
        """The standing on the author's partition of ``authors.sanctions`` (the review queue
        reads its ban recommendations from there)."""
        key = standing.author_key.encode("utf-8")
        return [Send(self.topics.sanctions, key, standing.to_json_bytes(), partition)]
