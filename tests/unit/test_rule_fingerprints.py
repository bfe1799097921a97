"""A rule detector's version comes from the very fields its rules score with."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from classifiers.pii import CardRule, FinancialNumberDetector
from classifiers.rules import PatternRule, Rule, RuleDetector, stems
from classifiers.ruleset import rule_detectors
from pipeline.settings import DetectorSettings

DETECTORS = {d.name: d for d in rule_detectors(DetectorSettings())}
CARD = "my card is 4111 1111 1111 1111"


def _with(detector: RuleDetector, index: int, rule: Rule) -> RuleDetector:
    rules = list(detector.rules)
    rules[index] = rule
    return RuleDetector(detector.name, detector.category, rules, detector.how)


def test_changing_a_rule_score_changes_the_version_and_the_score() -> None:
    shipped = FinancialNumberDetector()
    [index] = [i for i, rule in enumerate(shipped.rules) if isinstance(rule, CardRule)]
    rebuilt = _with(shipped, index, shipped.rules[index])
    changed = _with(shipped, index, replace(shipped.rules[index], score=0.9))
    assert rebuilt.version == shipped.version
    assert changed.version != shipped.version
    assert [f.score for f in shipped.detect(CARD)] == [0.95]
    assert [f.score for f in changed.detect(CARD)] == [0.9]


SCORE_FIELDS = [
    (name, index, field.name)
    for name, detector in DETECTORS.items()
    for index, rule in enumerate(detector.rules)
    for field in fields(rule)
    if isinstance(getattr(rule, field.name), float)
]


@pytest.mark.parametrize(("name", "index", "score"), SCORE_FIELDS)
def test_every_score_of_every_rule_is_in_the_version(name: str, index: int, score: str) -> None:
    detector = DETECTORS[name]
    rule = detector.rules[index]
    changed = replace(rule, **{score: round(getattr(rule, score) / 2, 3)})
    assert _with(detector, index, changed).version != detector.version


def test_changing_a_pattern_changes_the_version() -> None:
    rule = PatternRule("word", 0.5, r"\bword\b", stems("word"))
    wider = replace(rule, pattern=r"\bwords?\b")
    assert RuleDetector("x", "e", [rule]).version != RuleDetector("x", "e", [wider]).version


def test_a_lambda_has_no_fingerprint() -> None:
    rule = PatternRule("word", 0.5, r"\bword\b", stems("word"), mask=lambda s: s.upper())
    with pytest.raises(TypeError, match="named function"):
        RuleDetector("x", "e", [rule])
