"""The moderation step without Kafka: batches in, verdicts or dead letters out, in order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from pipeline.detection import Detector, Registry
from pipeline.policy import Policy, load_policy
from pipeline.records import Category, Evidence, Finding
from pipeline.screening import Outcome, RawMessage, Screener
from pipeline.settings import CONFIG_DIR

WORD = "zonk"
POISON = "this text breaks the detector"


class WordDetector:
    """A real, tiny category-a detector: finds every occurrence of one word."""

    name = "word"
    version = "1.0"

    def __init__(self, word: str = WORD, score: float = 0.95, category: Category = "a") -> None:
        self.word = word
        self.score = score
        self.category = category
        self.calls: list[int] = []

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls.append(len(texts))
        out: list[list[Finding]] = []
        for text in texts:
            spans = []
            start = text.find(self.word)
            while start != -1:
                spans.append(Evidence(start=start, end=start + len(self.word), text=self.word))
                start = text.find(self.word, start + 1)
            out.append(
                [
                    Finding(
                        category=self.category,
                        score=self.score,
                        evidence=tuple(spans),
                        detector=self.name,
                        version=self.version,
                    )
                ]
                if spans
                else []
            )
        return out


class FragileDetector(WordDetector):
    """Like :class:`WordDetector`, but raises on any batch holding a text with ``POISON``."""

    name = "fragile"

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        if any(POISON in text for text in texts):
            raise RuntimeError("detector bug")
        return super().detect_batch(texts)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(CONFIG_DIR / "policy.yaml")


def screener(policy: Policy, *detectors: Detector, window: int = 1000) -> Screener:
    registry = Registry(list(detectors) or [WordDetector()])
    return Screener(registry, policy, max_text_chars=5000, score_window_chars=window)


def comment(n: int, text: str = "The park is lovely.", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"c-{n}",
        "platform": "facebook",
        "page": "town",
        "post": "p-1",
        "author_id": f"u-{n}",
        "text": text,
        "created_at": "2026-05-01T10:00:00Z",
    }
    data.update(changes)
    return data


def message(value: bytes | dict[str, Any], offset: int) -> RawMessage:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
    return RawMessage(key=b"raw-key", value=raw, source=f"comments.raw[0]@{offset}")


def verdict_of(outcome: Outcome) -> Any:
    assert outcome.verdict is not None and outcome.deadletter is None
    return outcome.verdict


def test_mixed_batch_keeps_order_and_splits_valid_from_invalid(policy: Policy) -> None:
    values: list[bytes | dict[str, Any]] = [
        comment(0),
        b"{broken",
        comment(1, f"what a {WORD} idea"),
        comment(2, text=""),
        b"\xff\xfe",
        {k: v for k, v in comment(3).items() if k != "author_id"},
        comment(4, platform="instagram", author_id="neighbour"),
    ]
    messages = [message(v, i) for i, v in enumerate(values)]
    outcomes = screener(policy).screen(messages)

    assert len(outcomes) == len(messages)
    kinds = ["verdict" if o.verdict else "deadletter" for o in outcomes]
    assert kinds == [
        "verdict",
        "deadletter",
        "verdict",
        "deadletter",
        "deadletter",
        "deadletter",
        "verdict",
    ]
    assert [verdict_of(outcomes[i]).comment.id for i in (0, 2, 6)] == ["c-0", "c-1", "c-4"]

    expected_errors = {
        1: "malformed JSON",
        3: "text is empty",
        4: "invalid UTF-8 at byte 0",
        5: "author_id: Field required",
    }
    for index, error in expected_errors.items():
        letter = outcomes[index].deadletter
        assert letter is not None and outcomes[index].verdict is None
        assert letter.source == f"comments.raw[0]@{index}"
        assert letter.error.startswith(error)
        assert letter.raw == messages[index].value
        assert outcomes[index].key == b"raw-key"
        assert not outcomes[index].flagged


def test_verdicts_are_keyed_by_platform_and_author(policy: Policy) -> None:
    outcomes = screener(policy).screen(
        [message(comment(1), 0), message(comment(2, platform="x", author_id="a:b"), 1)]
    )
    assert [o.key for o in outcomes] == [b"facebook:u-1", b"x:a:b"]


def test_verdict_content(policy: Policy) -> None:
    detector = WordDetector()
    outcomes = screener(policy, detector).screen(
        [message(comment(1), 0), message(comment(2, f"{WORD}!"), 1)]
    )
    clean, flagged = (verdict_of(o) for o in outcomes)
    assert clean.action == "allow" and clean.findings == () and clean.reasons == ()
    assert not outcomes[0].flagged
    assert flagged.action == "review"  # category a is not auto-hidden
    assert outcomes[1].flagged
    assert flagged.findings[0].evidence[0] == Evidence(start=0, end=4, text=WORD)
    assert "E.1.a" in flagged.reasons[0]
    assert flagged.policy_version == policy.version
    assert flagged.model_version == "word@1.0"
    assert flagged.scored_chars == 5 and flagged.truncated is False
    assert detector.calls == [2]  # one call for the whole batch


def test_auto_hide_category_is_removed(policy: Policy) -> None:
    spam = WordDetector(word="buy-now", category="d")
    (outcome,) = screener(policy, spam).screen([message(comment(1, "buy-now cheap"), 0)])
    assert verdict_of(outcome).action == "remove"
    assert outcome.flagged


def test_long_text_is_scored_on_the_window_and_marked_truncated(policy: Policy) -> None:
    window = 100
    early = "a" * 10 + WORD + "b" * 200  # the word inside the window
    late = "a" * 150 + WORD  # the word only beyond the window
    exact = "c" * window
    outcomes = screener(policy, window=window).screen(
        [message(comment(1, early), 0), message(comment(2, late), 1), message(comment(3, exact), 2)]
    )
    first, second, third = (verdict_of(o) for o in outcomes)

    assert first.truncated and first.scored_chars == window
    assert first.action == "review"
    assert first.comment.text == early  # the archive keeps the whole text
    assert first.reasons[-1] == f"Scored on the first {window} of {len(early)} characters only"

    assert second.truncated and second.scored_chars == window
    assert second.findings == ()
    assert second.action == "allow"
    assert second.reasons == (f"Scored on the first {window} of {len(late)} characters only",)

    assert not third.truncated and third.scored_chars == window and third.reasons == ()


def test_failing_detector_isolates_the_bad_comment(policy: Policy) -> None:
    fragile = FragileDetector()
    texts = ["fine words", POISON, f"a {WORD} here", "more fine words"]
    messages = [message(comment(i, t), i) for i, t in enumerate(texts)]
    outcomes = screener(policy, fragile).screen(messages)

    verdicts = [verdict_of(o) for o in outcomes]
    assert [v.comment.text for v in verdicts] == texts
    assert [v.action for v in verdicts] == ["allow", "review", "review", "allow"]
    poisoned = verdicts[1]
    assert poisoned.findings == ()
    assert poisoned.reasons == (
        "Not fully scored: detector fragile failed (RuntimeError); sent to review",
    )
    assert verdicts[2].findings[0].detector == "fragile"
    assert all("Not fully scored" not in r for v in verdicts[2:] for r in v.reasons)
    assert verdicts[0].reasons == ()
    assert fragile.calls == [1, 1, 1]  # the batch failed, then one by one


def test_failing_detector_keeps_other_detectors_findings(policy: Policy) -> None:
    spam = WordDetector(word="buy-now", category="d")
    (outcome,) = screener(policy, spam, FragileDetector()).screen(
        [message(comment(1, f"buy-now {POISON}"), 0)]
    )
    verdict = verdict_of(outcome)
    assert any("Not fully scored" in r for r in verdict.reasons)
    assert [f.category for f in verdict.findings] == ["d"]
    assert verdict.action == "remove"


def test_empty_batch(policy: Policy) -> None:
    assert screener(policy).screen([]) == []


def test_all_invalid_batch_never_calls_the_detector(policy: Policy) -> None:
    detector = WordDetector()
    outcomes = screener(policy, detector).screen([message(b"[]", 0), message(b"{", 1)])
    assert [o.deadletter is not None for o in outcomes] == [True, True]
    assert sum(detector.calls) == 0


def test_default_registry_flags_vulgar_language(policy: Policy) -> None:
    from classifiers.registry import default_registry

    registry = default_registry()
    mod = Screener(registry, policy, max_text_chars=5000, score_window_chars=1000)
    outcomes = mod.screen(
        [
            message(comment(1, "The council vote was a disgrace and the mayor is wrong."), 0),
            message(comment(2, "This shit road still is not fixed"), 1),
            message(b"not json", 2),
        ]
    )
    first, second = verdict_of(outcomes[0]), verdict_of(outcomes[1])
    assert first.action == "allow" and first.findings == ()
    assert second.action == "review"
    assert second.findings[0].category == "a"
    assert any(e.text == "shit" and e.start == 5 for e in second.findings[0].evidence)
    assert "E.1.a" in second.reasons[0]
    assert second.model_version == registry.version != "none"
    assert outcomes[2].deadletter is not None
