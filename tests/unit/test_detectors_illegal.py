"""Category e rules: advocacy of illegal acts is flagged, talk about crime and law is not."""

from __future__ import annotations

import pytest

from classifiers.illegal import IllegalActivityDetector

DETECTOR = IllegalActivityDetector()


@pytest.mark.parametrize(
    ("text", "label", "evidence"),
    [
        ("Let's burn down the town hall tonight", "incitement to vandalism or arson",
         "Let's burn down the town hall"),
        ("Someone should shoot the mayor", "incitement to violence",
         "Someone should shoot the mayor"),
        ("Here's how to steal packages without getting caught", "theft how-to",
         "Here's how to steal"),
        ("I'm selling percs and xans, hit me up", "drug sale offer", "I'm selling percs"),
        ("Just don't pay your property taxes", "tax evasion",
         "Just don't pay your property taxes"),
        ("I'll sell you a glock, no paperwork", "evading a background check",
         "I'll sell you a glock, no paperwork"),
        ("It's totally fine to drive home after a few beers", "impaired driving",
         "It's totally fine to drive home after a few beers"),
    ],
)
def test_advocacy_is_flagged_for_review_with_its_words(text: str, label: str,
                                                       evidence: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "e" and finding.label == label
    assert 0.5 <= finding.score < 0.9  # review; e is never hidden automatically
    [ev] = finding.evidence
    assert ev.text == evidence and text[ev.start : ev.end] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "Legalize marijuana already",
        "A drunk driver hit my car on Rittenhouse",
        "Billionaires dodge taxes while we pay",
        "The fentanyl crisis is killing our kids",
        "People are selling drugs at the skate park, please patrol",
        "Someone stole my catalytic converter at the park and ride",
        "We killed it at the game last night",
        "Let's beat them at the polls in November",
        "We should steal Gilbert's idea for the splash pad",
        "Never drive drunk",
        "Just drive home carefully.",
        "Don't drink and drive",
        "The council should be fired",
        "We should kill this proposal",
        "Gun shows with no background check should be closed",
        "I don't pay property taxes because I rent",
        "Let's paint the town red for the parade",
    ],
)
def test_discussion_of_crime_and_drug_policy_passes(text: str) -> None:
    assert DETECTOR.detect(text) == []
