"""Category g numbers: validated by python-stdnum, masked before they leave the detector."""

from __future__ import annotations

import re

import pytest
from stdnum import luhn

from classifiers.pii import FinancialNumberDetector, card_issuer

DETECTOR = FinancialNumberDetector()
CARD = "4000 0052 6018 1590"  # fictional, Luhn-valid


def only(text: str) -> tuple[str, float, list[tuple[int, int, str]]]:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "g"
    return finding.label, finding.score, [(e.start, e.end, e.text) for e in finding.evidence]


def test_luhn_valid_card_is_removal_grade_and_masked() -> None:
    text = f"My card {CARD} was charged twice"
    assert luhn.is_valid(CARD.replace(" ", ""))
    assert only(text) == ("card number (Luhn-valid, Visa)", 0.95, [(8, 27, "****1590")])


def test_card_with_a_bad_check_digit_is_nothing() -> None:
    assert DETECTOR.detect("My card 4000 0052 6018 1591 was charged twice") == []


def test_luhn_valid_number_without_issuer_needs_card_words() -> None:
    number = "9000000000000126"  # Luhn-valid, no issuer prefix
    assert luhn.is_valid(number) and card_issuer(number) is None
    assert DETECTOR.detect(f"reference {number}") == []
    assert only(f"my debit card {number}")[1] == 0.85


def test_ssn_named_as_one_is_removal_grade_masked() -> None:
    assert only("my ssn is 544-25-3458 ok") == (
        "US Social Security number", 0.95, [(10, 21, "***-**-3458")])


def test_ssn_shape_alone_is_review_and_invalid_areas_are_nothing() -> None:
    assert only("ref 544-25-3458")[1] == 0.85
    for invalid in ("000-25-3458", "666-25-3458", "912-25-3458", "078-05-1120"):
        assert DETECTOR.detect(f"ssn {invalid}") == []


def test_routing_and_account_numbers_in_context() -> None:
    label, score, evidence = only("routing 065632125 account 4418802937 at my bank")
    assert label == "bank account number; bank routing number (ABA)" and score == 0.9
    assert evidence == [(8, 17, "****2125"), (26, 36, "****2937")]
    assert DETECTOR.detect("order number 065632125") == []  # a routing checksum alone is not


def test_iban_valid_is_masked_and_trailing_words_ignored() -> None:
    text = "Refund to IBAN GB10 NWBK 9571 1777 7412 15 thanks"
    assert only(text) == ("IBAN", 0.95, [(15, 42, "GB****1215")])
    assert DETECTOR.detect("GB10 NWBK 9571 1777 7412 16") == []


@pytest.mark.parametrize(
    "text",
    [
        f"card {CARD}",
        "ssn 544-25-3458",
        "social 544253458",
        "routing 065632125 account 4418802937 bank",
        "IBAN DE40 4728 0385 2808 4148 52",
    ],
)
def test_evidence_never_holds_the_full_number(text: str) -> None:
    digits = re.sub(r"\D", "", text)
    [finding] = DETECTOR.detect(text)
    for evidence in finding.evidence:
        shown = re.sub(r"\D", "", evidence.text)
        assert len(shown) <= 6 and shown != digits
    assert finding.model_dump_json().count(digits[-8:]) == 0


@pytest.mark.parametrize(
    "text",
    [
        "Call the water department at 480-358-3450",
        "The permit number is 2024-00371",
        "The budget is $214,000,000 this year",
        "The Zoom meeting ID is 823 4412 9056",
        "Our zip code is 85142 and the parcel is 304-45-123",
        "Version 1.2.3.4 shipped",
        "1111 1111 1111 1111",
    ],
)
def test_ordinary_numbers_pass(text: str) -> None:
    assert DETECTOR.detect(text) == []
