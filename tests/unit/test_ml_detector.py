"""The model detector on hostile input: nothing raises, long texts are scored on a window."""

from __future__ import annotations

import time

import pytest

from classifiers.ml.detector import REVIEW_ONLY_CEILING, MLDetector
from classifiers.ml.features import chunks
from pipeline.policy import load_policy
from pipeline.records import Finding
from pipeline.settings import load_settings

ATTACK = "You are a worthless idiot and a liar, nobody wants you here."
BAD_INPUTS = {
    "empty": "",
    "whitespace": " \n\t ",
    "emoji only": "😡😡😡🤬🤬🤬" * 50,
    "mixed scripts": "Вы идиот, 你是白痴, أنت أحمق, you idiot",
    "rtl override": "\u202eyou are an idiot\u202c and \u2067a liar\u2069",
    "zero width": "y\u200bo\u200cu a\u200dre an i\u2060d\u200bi\u200bo\u200bt",
    "nul bytes": "you\x00are\x00an\x00idiot\x00" * 10,
    "lone surrogate": "idiot \ud800 liar \udfff",
    "combining marks": "i\u0301d\u0301i\u0301o\u0301t" * 3 + "\u0300" * 500,
    "one long word": "x" * 200_000,
    "one megabyte": ("The road is closed. " * 52_429)[:1_048_576],
}


@pytest.fixture(scope="module")
def detector() -> MLDetector:
    return MLDetector.shipped()


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_never_raises_and_findings_serialise(detector: MLDetector, text: str) -> None:
    (findings,) = detector.detect_batch([text])
    for finding in findings:
        assert isinstance(finding, Finding)
        finding.to_json_bytes()
        assert all(0 <= e.start <= e.end <= detector.max_chars for e in finding.evidence)


def test_a_whole_batch_of_bad_input_keeps_its_order(detector: MLDetector) -> None:
    texts = [*BAD_INPUTS.values(), ATTACK]
    results = detector.detect_batch(texts)
    assert len(results) == len(texts)
    assert any(f.category == "b" for f in results[-1])


def test_oversized_text_is_scored_on_a_bounded_window(detector: MLDetector) -> None:
    padding = "The park opens at nine and closes at dusk. " * 2_000
    assert len(padding) > detector.max_chars
    began = time.perf_counter()
    (beyond,), (within,) = detector.detect_batch([padding + ATTACK]), detector.detect_batch(
        [ATTACK + padding])
    assert time.perf_counter() - began < 5
    assert not [f for f in beyond if f.category == "b"]  # the attack lies past the window
    assert not any(e.end > detector.max_chars for f in within for e in f.evidence)


def test_chunks_split_exactly_like_str_split() -> None:
    text = "a\x1cb\x1dc\u00a0d\u2003e\u2028f  g\x00h\u200bi"
    assert [m.group() for m in chunks(text)] == text.split()


def test_the_model_never_hides_spam_by_itself(detector: MLDetector) -> None:
    spam = "FREE iPhone!!! subscribe to my channel and WIN $$$ http://bit.ly/free-prize now"
    (findings,) = detector.detect_batch([spam])
    (d,) = [f for f in findings if f.category == "d"]
    assert 0.5 <= d.score <= REVIEW_ONLY_CEILING and "review only" in d.label


def test_the_default_registry_reports_each_category_from_its_review_threshold() -> None:
    from classifiers.registry import default_registry

    policy = load_policy(load_settings().policy_file)
    [ml] = [d for d in default_registry().detectors if isinstance(d, MLDetector)]
    assert dict(zip(ml.categories, ml.min_scores.tolist(), strict=True)) == {
        c: policy.categories[c].review for c in ml.categories}


def test_no_finding_is_reported_below_its_threshold(detector: MLDetector) -> None:
    never_b = {"b": 1.01, "a": 0.0}  # no probability reaches 1.01
    strict = MLDetector(detector.model, detector.version, min_scores=never_b)
    (findings,) = strict.detect_batch([ATTACK])
    assert not [f for f in findings if f.category == "b"]
    assert [f for f in findings if f.category == "a"]  # everything reaches 0.0


def test_look_alike_letters_score_like_the_latin_ones(detector: MLDetector) -> None:
    # Cyrillic а, е, о, у, і and Greek ο in place of the Latin letters a reader sees.
    disguised = "Yоu аrе а wоrthlеss іdіοt аnd а lіаr, nоbоdу wаnts уоu hеrе."
    assert disguised != ATTACK and not disguised.isascii()
    plain, folded = detector.detect_batch([ATTACK, disguised])
    assert {f.category: f.score for f in folded} == {f.category: f.score for f in plain}
    assert any(f.category == "b" for f in folded)


def test_links_are_not_spam_to_the_model(detector: MLDetector) -> None:
    town = MLDetector(detector.model, detector.version, town_domains=("queencreek.org",))
    texts = ["See queencreek.org/news for the road closures",
             "Petition to recall the mayor: https://www.change.org/p/recall-mayor",
             "FREE iPhone!!! subscribe to my channel and WIN $$$ http://bit.ly/free-prize now"]
    findings = [[f for f in fs if f.category == "d"] for fs in town.detect_batch(texts)]
    assert findings[0] == [] and findings[1] == []
    [spam] = findings[2]  # spam is still found by its words, and the link is not evidence
    assert spam.score >= 0.5 and not any("bit.ly" in e.text for e in spam.evidence)
