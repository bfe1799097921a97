"""Category h threats: the speaker threatens a person or place; figures of speech pass."""

from __future__ import annotations

import pytest

from classifiers.threats import ThreatDetector

DETECTOR = ThreatDetector()


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("I'm going to shoot you, Reyes", "I'm going to shoot you"),
        ("I know where you live", "I know where you live"),
        ("I'll kill the mayor if this passes", "I'll kill the mayor"),
        ("I'm bringing my rifle to the next council meeting",
         "bringing my rifle to the next council"),
        ("You're a dead man", "You're a dead man"),
        ("I'll blow up town hall", "I'll blow up town hall"),
    ],
)
def test_threats_are_flagged_for_review(text: str, evidence: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "h" and finding.label == "threat of violence"
    assert finding.score >= 0.5  # h is never hidden automatically: policy.yaml
    [ev] = finding.evidence
    assert ev.text == evidence and text[ev.start : ev.end] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "We killed it at the game",
        "I'm going to fight this in court",
        "I'd kill for a Costco",
        "This budget kills small business",
        "I'm gonna kill this workout",
        "We're going to beat them at the polls",
        "You're dead wrong about the budget",
        "That sunset is to die for",
        "The heat is going to kill my lawn",
    ],
)
def test_figures_of_speech_pass(text: str) -> None:
    assert DETECTOR.detect(text) == []
