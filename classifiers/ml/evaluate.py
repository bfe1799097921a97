"""Measuring the whole registry and policy on labeled comments, as the pipeline decides them.

A category counts as found when a finding of it reaches the policy's review threshold (it
then appears in the verdict's reasons). Precision, recall and F1 of a category are computed
over the examples whose label speaks for it; the ``allowed`` counts are over the examples
whose label says they must be allowed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from classifiers.ml.data import CATEGORIES, Example
from pipeline.detection import Detection, Registry, ScoreMap
from pipeline.policy import Policy
from pipeline.records import Action

BATCH = 500


@dataclass(frozen=True)
class Scored:
    """An example, the highest score per category and the policy's action on it."""

    example: Example
    scores: dict[str, float]
    found: frozenset[str]
    action: Action
    by: frozenset[str] = frozenset()
    """The detectors with a finding at its category's review threshold."""


@dataclass(frozen=True)
class Run:
    """Every example of one evaluation, scored, and the time the registry and policy took."""

    scored: list[Scored]
    seconds: float

    @property
    def per_second(self) -> float:
        """Comments decided per second (registry plus policy)."""
        return len(self.scored) / self.seconds if self.seconds > 0 else 0.0


def score(
    examples: Sequence[Example], registry: Registry, policy: Policy, window_chars: int,
    score_map: ScoreMap | None = None,
) -> Run:
    """Run the registry and policy over the examples in batches, as the worker does; with
    ``score_map``, each example's findings are mapped for its source first."""
    scored: list[Scored] = []
    seconds = 0.0
    for start in range(0, len(examples), BATCH):
        batch = examples[start : start + BATCH]
        began = time.perf_counter()
        detections = registry.detect_batch([e.text[:window_chars] for e in batch])
        if score_map is not None:
            for example, detection in zip(batch, detections, strict=True):
                detection.findings = score_map.rescore((example.source,), detection.findings)
        decided = [policy.decide(d.findings) for d in detections]
        seconds += time.perf_counter() - began
        for example, detection, (action, _) in zip(batch, detections, decided, strict=True):
            scored.append(judged(example, detection, action, policy))
    return Run(scored, seconds)


def judged(example: Example, detection: Detection, action: Action, policy: Policy) -> Scored:
    """An example with its highest score per category, the categories found at their review
    thresholds and the action (at least review when a detector failed on it)."""
    scores: dict[str, float] = {}
    for finding in detection.findings:
        scores[finding.category] = max(scores.get(finding.category, 0.0), finding.score)
    found = frozenset(
        c for c, rule in policy.categories.items() if scores.get(c, -1.0) >= rule.review
    )
    if detection.failures and action == "allow":
        action = "review"
    by = frozenset(f.detector for f in detection.findings
                   if f.score >= policy.categories[f.category].review)
    return Scored(example, scores, found, action, by)


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one comparison."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def metrics(self) -> dict[str, float | int]:
        """Precision, recall, F1 and support (positives), rounded to 4 places."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4),
                "f1": round(f1, 4), "support": self.tp + self.fn}


def count(pairs: Iterable[tuple[bool, bool]]) -> Counts:
    """Counts of (truth, predicted) pairs."""
    tp = fp = fn = 0
    for truth, predicted in pairs:
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    return Counts(tp, fp, fn)


def per_category(scored: Sequence[Scored]) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 and support of every category some label speaks for."""
    out: dict[str, dict[str, float | int]] = {}
    for category in CATEGORIES:
        known = [s for s in scored if category in s.example.known]
        if known:
            out[category] = count(
                (category in s.example.positives, category in s.found) for s in known
            ).metrics()
    return out


def allowed(scored: Sequence[Scored]) -> dict[str, int]:
    """Of the examples that must be allowed: how many, and how many went to review or removal."""
    clean = [s for s in scored if s.example.clean]
    return {
        "total": len(clean),
        "review": sum(s.action == "review" for s in clean),
        "remove": sum(s.action == "remove" for s in clean),
    }


def report(run: Run) -> dict[str, Any]:
    """The machine-readable result of an evaluation (the ``--json`` output)."""
    return {
        "per_category": per_category(run.scored),
        "allowed": allowed(run.scored),
        "comments_per_second": round(run.per_second, 1),
    }


def task_metrics(scored: Sequence[Scored], task: str, categories: frozenset[str]
                 ) -> dict[str, float | int]:
    """How well a dataset's own label is answered by finding any of ``categories``."""
    return count((task in s.example.tasks, bool(s.found & categories)) for s in scored).metrics()


def worst_errors(scored: Sequence[Scored], category: str, n: int = 3
                 ) -> tuple[list[Scored], list[Scored]]:
    """The most confident false positives and the least detected false negatives."""
    known = [s for s in scored if category in s.example.known]
    false_pos = [s for s in known if category in s.found and category not in s.example.positives]
    false_neg = [s for s in known if category in s.example.positives and category not in s.found]
    false_pos.sort(key=lambda s: -s.scores.get(category, 0.0))
    false_neg.sort(key=lambda s: s.scores.get(category, 0.0))
    return false_pos[:n], false_neg[:n]


def metrics_table(scored: Sequence[Scored]) -> list[str]:
    """A Markdown table of per-category metrics and how many comments each flagged."""
    lines = ["| category | precision | recall | F1 | support | flagged |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for c, m in per_category(scored).items():
        flagged = sum(c in s.found for s in scored if c in s.example.known)
        if m["support"] == 0:
            lines.append(f"| {c} | – | – | – | 0 | {flagged} |")
        else:
            lines.append(f"| {c} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                         f"{m['support']} | {flagged} |")
    return lines
