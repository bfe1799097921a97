"""The rule machinery every d–h detector shares: normalisation, bad input, linear time."""

from __future__ import annotations

import time

import pytest

from classifiers.rules import PatternRule, RuleDetector, combine, stems
from classifiers.ruleset import rule_detectors
from classifiers.textnorm import DIGIT_STEM, DOLLAR_STEM, NUMBER_STEM, normalize
from pipeline.detection import Detector
from pipeline.records import Finding
from pipeline.settings import DetectorSettings, load_settings

DETECTORS = rule_detectors(DetectorSettings())
MB = 1_000_000


def test_every_rule_detector_speaks_the_detector_protocol() -> None:
    names = [d.name for d in DETECTORS]
    assert len(set(names)) == len(names)
    for detector in DETECTORS:
        assert isinstance(detector, Detector) and detector.version.startswith("1.")


def test_normalised_view_drops_invisibles_and_folds_lookalikes_keeping_offsets() -> None:
    text = "Gate\u200b code: ４８\u202e21 Теlеgrаm\x00"
    doc = normalize(text)
    assert doc.text == "Gate code: 4821 Telegram "
    start = doc.text.index("4821")
    assert doc.span(start, start + 4) == (12, 17)
    assert doc.excerpt(start, start + 4) == "４８\u202e21"
    assert {"gate", "code", "tele", DIGIT_STEM} <= doc.stems


def test_special_stems() -> None:
    assert NUMBER_STEM in normalize("call 123-456-789 now").stems
    assert NUMBER_STEM not in normalize("since 2019, 12 times").stems
    assert DOLLAR_STEM in normalize("earn $5").stems


def test_obfuscated_secrets_are_still_found_with_original_spans() -> None:
    text = "card 4000\u200b0052\u200b6018\u200b1590 pls"
    [finding] = next(d for d in DETECTORS if d.name == "pii-numbers").detect(text)
    [evidence] = finding.evidence
    assert (evidence.start, evidence.end, evidence.text) == (5, 24, "****1590")


BAD_INPUTS = {
    "empty": "",
    "whitespace": " \n\t ",
    "emoji": "😀🔥💯" * 50,
    "mixed scripts": "Queen Creek 女王溪 ملكة الخور Королева",
    "rtl override": "\u202eedoc etag 1234\u202c",
    "zero width": "\u200b\u200c\u200d\ufeff" * 100,
    "nul": "gate code\x00 1234\x00",
    "lone surrogate": "card \ud800 4000 0052 6018 1590",
    "combining": "Z̷̢a̵l̶g̸o̷ " * 100,
    "one mb": "The council meeting is Tuesday. " * (MB // 32),
}


# What the bad inputs really contain: a gate code after a NUL, a card number after a lone
# surrogate; every other one is harmless and must stay unflagged.
BAD_INPUT_FINDINGS = {"nul": {("security", "h")}, "lone surrogate": {("pii-numbers", "g")}}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_never_raises_and_findings_serialise(name: str) -> None:
    text = BAD_INPUTS[name]
    fired: set[tuple[str, str]] = set()
    for detector in DETECTORS:
        found, plain = detector.detect_batch([text, "plain words"])
        assert not plain, detector.name  # one result per input, in order
        for finding in found:
            fired.add((finding.detector, finding.category))
            assert Finding.model_validate_json(finding.model_dump_json()) == finding
            assert finding.evidence
            assert all(0 <= e.start < e.end <= len(text) for e in finding.evidence)
    assert fired == BAD_INPUT_FINDINGS.get(name, set())


ADVERSARIAL = {
    "dotted labels": "a." * (MB // 2),
    "hyphenated label": "ab-" * (MB // 3) + ".com",
    "digits": "4" * MB,
    "spaced digits": "1 " * (MB // 2),
    "dashed digits": "12-" * (MB // 3),
    "dotted digits": "1.2." * (MB // 4),
    "endless url": "http://" + "a" * MB,
    "threat words": "I'm going to kill " * (MB // 18),
    "names": "John Smith " * (MB // 11),
    "money": "earn $1 a day " * (MB // 14),
    "codes": "gate code " * (MB // 10),
    "iban start": "gb82 " + "a1 " * (MB // 3),
    "passwords": "password is x1 " * (MB // 15),
    "exhortations": "let's burn the " * (MB // 15),
    "title names": "Mr. Aaaa " * (MB // 9) + "has cancer",
    "zero width": "a\u200b" * (MB // 2),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_one_megabyte_adversarial_input_is_linear(name: str) -> None:
    start = time.perf_counter()
    for detector in DETECTORS:
        detector.detect_batch([ADVERSARIAL[name]])
    assert time.perf_counter() - start < 10.0  # measured ≤ 0.6 s; quadratic would be hours


def test_many_hits_are_bounded_in_evidence() -> None:
    [finding] = DETECTORS[0].detect("bit.ly/x " * 1000)
    assert len(finding.evidence) <= 10


def _rule(label: str, score: float, word: str) -> PatternRule:
    return PatternRule(label, score, rf"\b{word}\b", stems(word))


def test_max_and_noisy_or_combining() -> None:
    rules = [_rule("one", 0.6, "alpha"), _rule("two", 0.6, "beta")]
    strict = RuleDetector("strict", "e", rules)
    spammy = RuleDetector("spammy", "d", rules, how="noisy_or")
    [kept] = strict.detect("alpha beta alpha")
    [added] = spammy.detect("alpha beta alpha")
    assert kept.score == 0.6 and added.score == 0.84 and kept.label == "one; two"
    assert combine([0.99, 0.99], "noisy_or") == 0.99
    assert strict.version != RuleDetector("strict", "e", rules[:1]).version


def test_rules_reject_bad_configuration() -> None:
    with pytest.raises(ValueError, match="score"):
        PatternRule("x", 1.5, "x", stems("x"))
    with pytest.raises(ValueError, match="triggers"):
        PatternRule("x", 0.5, "x", frozenset({"toolong"}))


def test_settings_reach_the_detectors_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIVICMOD_DETECTORS__TOWN_DOMAINS", " Example.GOV , ,other.org")
    assert load_settings().detectors.domains == ("example.gov", "other.org")
    spam = rule_detectors()[0]
    assert spam.name == "spam"
    assert not spam.detect("https://www.example.gov/pools is open")
    assert spam.detect("https://www.queencreekaz.gov/parks")
