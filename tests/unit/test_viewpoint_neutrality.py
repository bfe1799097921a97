"""Viewpoint neutrality and recall of the whole shipped registry on the hand-written corpus.

Runs :func:`default_registry` (every detector, whoever added it) with the shipped policy:
  * hard-but-legitimate civic comments (classifiers/corpus/legitimate.jsonl): none removed,
    at most 2% sent to review. Harsh criticism of the Town is protected speech (DESIGN.md).
  * the test split of classifiers/corpus/civic_topics.jsonl (legitimate comments on the topics
    of e–h: policing, budgets, health, infrastructure, harsh criticism; the semantic stage
    trains on its train split): none removed, at most 2% sent to review.
  * the test split of classifiers/corpus/labeled.jsonl: each category reaches at least review
    for a share of its comments no lower than the floor measured for its detectors.
"""

from __future__ import annotations

from typing import cast

import pytest

from classifiers.registry import default_registry
from classifiers.ruleset import rule_detectors
from pipeline.detection import Detection, Registry
from pipeline.policy import Policy, load_policy
from pipeline.records import Category
from pipeline.settings import CONFIG_DIR, DetectorSettings
from tests.unit.corpus_rows import corpus_rows

MAX_REVIEW_RATE = 0.02
"""The issue's goal for legitimate civic comments; civic_topics.jsonl's held-out part (513
comments, harsh criticism and the topics of e–h) measured 2 to review (0.4%) with the
semantic heads of decision 0018."""
# Recall floors on the test split, set a little below what was measured (docs/detectors.md):
# a: the profanity detector; d–h: the rule detectors alone (the model can only add findings).
RECALL_FLOORS: dict[str, float] = {
    "a": 0.85, "d": 0.8, "e": 0.75, "f": 0.8, "g": 0.9, "h": 0.75,
}  # fmt: skip
OWNED_BY_THE_MODEL = ("b", "c")  # their floors come with the model that detects them


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(CONFIG_DIR / "policy.yaml")


@pytest.fixture(scope="module")
def legitimate(registry: Registry) -> list[tuple[str, Detection]]:
    texts = [row["text"] for row in corpus_rows("legitimate.jsonl")]
    return list(zip(texts, registry.detect_batch(texts), strict=True))


def test_the_default_registry_runs_every_rule_detector(registry: Registry) -> None:
    for detector in rule_detectors(DetectorSettings()):
        assert f"{detector.name}@{detector.version}" in registry.version


def test_no_legitimate_comment_is_removed(legitimate: list[tuple[str, Detection]],
                                         policy: Policy) -> None:
    removed = []
    for line, (text, detection) in enumerate(legitimate, start=1):
        action, reasons = policy.decide(detection.findings)
        if action == "remove":
            removed.append(f"legitimate.jsonl:{line}: {text!r}: {reasons}")
    assert not removed, "\n".join(removed)


def test_at_most_two_percent_of_legitimate_comments_go_to_review(
    legitimate: list[tuple[str, Detection]], policy: Policy
) -> None:
    flagged = []
    for line, (text, detection) in enumerate(legitimate, start=1):
        action, reasons = policy.decide(detection.findings)
        if action != "allow" or detection.failures:
            flagged.append(f"legitimate.jsonl:{line}: {text!r}: {reasons}")
    assert len(flagged) <= MAX_REVIEW_RATE * len(legitimate), "\n".join(flagged)


def test_civic_comments_on_the_topics_of_e_to_h_are_neither_removed_nor_often_reviewed(
    registry: Registry, policy: Policy
) -> None:
    texts = [row["text"] for row in corpus_rows("civic_topics.jsonl") if row["split"] == "test"]
    actions = [(text, *policy.decide(d.findings))
               for text, d in zip(texts, registry.detect_batch(texts), strict=True)]
    assert [a for a in actions if a[1] == "remove"] == []
    flagged = [a for a in actions if a[1] != "allow"]
    assert len(flagged) <= MAX_REVIEW_RATE * len(texts), "\n".join(map(str, flagged))


def test_rule_detectors_alone_flag_no_legitimate_comment(policy: Policy) -> None:
    rules = Registry(rule_detectors(DetectorSettings()))
    texts = [row["text"] for row in corpus_rows("legitimate.jsonl")]
    flagged = [
        text for text, detection in zip(texts, rules.detect_batch(texts), strict=True)
        if policy.decide(detection.findings)[0] != "allow"
    ]
    assert flagged == []


@pytest.mark.parametrize("category", sorted(RECALL_FLOORS))
def test_test_split_recall_reaches_the_floor(category: str, registry: Registry,
                                             policy: Policy) -> None:
    rows = [r for r in corpus_rows("labeled.jsonl")
            if r["split"] == "test" and category in r["categories"]]
    detections = registry.detect_batch([r["text"] for r in rows])
    threshold = policy.categories[cast(Category, category)].review
    missed = [
        row["text"] for row, detection in zip(rows, detections, strict=True)
        if not any(f.category == category and f.score >= threshold for f in detection.findings)
    ]
    recall = 1 - len(missed) / len(rows)
    assert recall >= RECALL_FLOORS[category], f"{category}: {recall:.2f}, missed {missed}"


def test_every_category_is_measured_somewhere() -> None:
    assert sorted([*RECALL_FLOORS, *OWNED_BY_THE_MODEL]) == list("abcdefgh")
