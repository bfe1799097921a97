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


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I will hunt you down and kill you", "threat of violence"),
        ("I will go to your house and kill you with my gun!", "threat of violence"),
        ("I am going to bash your skull in", "threat of violence"),
        ("Shut up or I will kick your ass", "threat of violence"),
        ("I will burn your house down", "threat of violence"),
        ("im going to find u and kick your fat ass", "threat of violence"),
        ("I will end you", "threat of violence"),
        ("I hope you get cancer and die", "wishing a person dead"),
        ("Die you whore", "wishing a person dead"),
        ("You should kill yourself", "wishing a person dead"),
        ("Drop dead.", "wishing a person dead"),
        ("You deserve to die", "wishing a person dead"),
        ("Your days are numbered, Albers", "wishing a person dead"),
    ],
)
def test_threats_and_death_wishes_at_a_person(text: str, label: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "h" and finding.label == label and finding.score >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "I want to end this meeting early",
        "I will shoot you an email tomorrow",
        "I'll beat you to the punch",
        "I will beat you at chess",
        "I'll burn you a CD",
        "You will die of boredom at that meeting",
        "The bill should die in committee",
        "The mayor should be fired",
        "The mayor should be recalled",
        "The mayor should be hanged",  # a call on others: incitement, category e
        "I will come for you at the ballot box in November",
        "I'd die for a taco truck here",
        "Die-hard fans of the old park unite",
        "I hope you die laughing at this meme",
        "Kill the bill!",
        "I will punch your ticket at the gate",
        "The council should die of shame",
        "I will end your term at the ballot box",
        "Let this proposal die.",
    ],
)
def test_civic_figures_of_speech_pass(text: str) -> None:
    assert DETECTOR.detect(text) == []
