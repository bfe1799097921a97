"""Category g in words: medical and financial facts about an identifiable person, masked."""

from __future__ import annotations

import pytest

from classifiers.personal import PersonalInfoDetector

DETECTOR = PersonalInfoDetector()


@pytest.mark.parametrize(
    ("text", "label", "person", "fact"),
    [
        ("My neighbor John Peters was just diagnosed with stage 3 cancer",
         "medical information about a named person", "My neighbor J*** P*****",
         "was just diagnosed with stage 3 cancer"),
        ("Maria Lopez from the HOA is on Xanax", "medical information about a named person",
         "M**** L****", "is on Xanax"),
        ("Officer Diaz filed for bankruptcy last spring",
         "debt or bankruptcy of a named person", "Officer D***", "filed for bankruptcy"),
        ("Tom Baker's house is in foreclosure", "debt or bankruptcy of a named person",
         "T** B******", "house is in foreclosure"),
        ("@jdoe99 is pregnant", "medical information about a named person", "@j*****",
         "is pregnant"),
    ],
)
def test_named_person_and_fact_with_the_name_masked(text: str, label: str, person: str,
                                                    fact: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "g" and finding.label == label
    assert 0.5 <= finding.score < 0.9  # review: never hidden automatically
    shown = [(e.text, text[e.start : e.end]) for e in finding.evidence]
    assert shown[0][0] == person and len(shown[0][1]) == len(person)
    assert shown[1] == (fact, fact)


@pytest.mark.parametrize(
    "text",
    [
        "I had covid last year",
        "He has cancer",
        "My neighbor has diabetes and walks the trail",
        "Cancer rates in Pinal County are up",
        "Queen Creek has diabetes prevention classes",
        "Everyone Knows has covid",
        "We went bankrupt after my medical bills",
        "Many seniors here are on insulin",
        "Sadly Tuesday has a heart attack of a traffic jam",
    ],
)
def test_no_identifiable_person_passes(text: str) -> None:
    assert DETECTOR.detect(text) == []
