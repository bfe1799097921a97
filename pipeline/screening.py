"""Screening, the automatic step free of Kafka: raw messages in, verdicts or dead letters out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.detection import Registry, ScoreMap
from pipeline.policy import Policy
from pipeline.records import Action, Comment, DeadLetter, Finding, Verdict
from pipeline.validation import InvalidComment, parse_comment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RawMessage:
    """One message as read from ``comments.raw``; ``source`` is ``topic[partition]@offset``."""

    key: bytes | None
    value: bytes
    source: str


@dataclass(frozen=True)
class Outcome:
    """What became of one raw message: exactly one of ``verdict`` or ``deadletter``."""

    key: bytes | None
    verdict: Verdict | None = None
    deadletter: DeadLetter | None = None

    @property
    def flagged(self) -> bool:
        """True when moderators must see it (review or remove)."""
        return self.verdict is not None and self.verdict.action != "allow"


def origins(comment: Comment) -> tuple[str, str]:
    """Where a comment comes from, most specific first: ``platform:page``, then ``platform``."""
    return f"{comment.platform}:{comment.page}", comment.platform


class Screener:
    """Validates a batch, scores it with the registry and applies the policy.

    ``score_map`` (per-source calibration) replaces the scores of the findings it has a map
    for the comment's origin before the policy decides; its version joins the verdicts'
    ``model_version``.
    """

    def __init__(
        self, registry: Registry, policy: Policy, max_text_chars: int, score_window_chars: int,
        score_map: ScoreMap | None = None,
    ) -> None:
        self.registry = registry
        self.policy = policy
        self.max_text_chars = max_text_chars
        self.score_window_chars = score_window_chars
        self.score_map = score_map

    @property
    def model_version(self) -> str:
        """The detectors' versions, and the calibration's when there is one."""
        if self.score_map is None:
            return self.registry.version
        return f"{self.registry.version}+{self.score_map.version}"

    def screen(
        self,
        messages: Sequence[RawMessage],
        author_findings: Callable[[Comment], Sequence[Finding]] | None = None,
    ) -> list[Outcome]:
        """Decide every message of the batch, in order; never raises on bad input.

        ``author_findings`` adds findings about the author rather than the text (category i,
        and repeats of the same text under d), in the batch's order.
        """
        outcomes: list[Outcome | None] = [None] * len(messages)
        valid = []
        for index, message in enumerate(messages):
            try:
                comment = parse_comment(message.value, self.max_text_chars)
            except InvalidComment as exc:
                log.warning("dead letter from %s: %s", message.source, type(exc).__name__)
                letter = DeadLetter.from_bytes(message.value, exc.reason, message.source)
                outcomes[index] = Outcome(key=message.key, deadletter=letter)
            else:
                valid.append((index, comment))
        windows = [comment.text[: self.score_window_chars] for _, comment in valid]
        detections = self.registry.detect_batch(windows)
        for (index, comment), detection in zip(valid, detections, strict=True):
            if self.score_map is not None:
                detection.findings = self.score_map.rescore(origins(comment), detection.findings)
            if author_findings is not None:
                detection.findings.extend(author_findings(comment))
            action, reasons = self.policy.decide(detection.findings)
            truncated = len(comment.text) > self.score_window_chars
            if truncated:
                reasons.append(
                    f"Scored on the first {self.score_window_chars} of "
                    f"{len(comment.text)} characters only"
                )
            if detection.failures:
                action = _at_least_review(action)
                failures = "; ".join(detection.failures)
                reasons.append(f"Not fully scored: {failures}; sent to review")
            verdict = Verdict(
                comment=comment,
                findings=tuple(detection.findings),
                action=action,
                categories=tuple(self.policy.grounds(detection.findings)),
                reasons=tuple(reasons),
                policy_version=self.policy.version,
                model_version=self.model_version,
                scored_chars=min(len(comment.text), self.score_window_chars),
                truncated=truncated,
            )
            outcomes[index] = Outcome(key=comment.author_key.encode("utf-8"), verdict=verdict)
        return [outcome for outcome in outcomes if outcome is not None]


def _at_least_review(action: Action) -> Action:
    return "review" if action == "allow" else action
