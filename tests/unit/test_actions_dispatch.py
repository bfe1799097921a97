"""The worker's dispatch without Kafka: what is published for comments and for actions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from classifiers.repeats import RepeatTracker
from pipeline.actions import FlaggedComment, ModerationAction, Standing
from pipeline.detection import Registry
from pipeline.dispatch import Dispatcher, Send
from pipeline.policy import load_policy
from pipeline.records import Category, DeadLetter, Evidence, Finding, Verdict
from pipeline.screening import RawMessage, Screener
from pipeline.settings import CONFIG_DIR, TopicSettings
from pipeline.violators import ViolatorBook

TOPICS = TopicSettings()
AUTHOR = "facebook:u-9"


class Words:
    """A tiny real detector: ``vulgar`` is category a, ``spam`` is category d."""

    name = "words"
    version = "1"
    WORDS: ClassVar[dict[str, Category]] = {"vulgar": "a", "spam": "d"}

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [
            [Finding(category=category, score=0.95, detector=self.name, version=self.version,
                     evidence=(Evidence(start=t.find(w), end=t.find(w) + len(w), text=w),))
             for w, category in self.WORDS.items() if w in t]
            for t in texts
        ]


def screener() -> Screener:
    return Screener(Registry([Words()]), load_policy(CONFIG_DIR / "policy.yaml"),
                     max_text_chars=5000, score_window_chars=1000)


@pytest.fixture
def dispatcher() -> Dispatcher:
    return Dispatcher(TOPICS, screener(), ViolatorBook(threshold=2, window_days=90))


@pytest.fixture
def with_repeats() -> Dispatcher:
    return Dispatcher(TOPICS, screener(), ViolatorBook(threshold=2, window_days=90),
                      RepeatTracker())


def raw(n: int, text: str, author_id: str = "u-9", hour: int = 10) -> RawMessage:
    value = json.dumps({"id": f"c{n}", "platform": "facebook", "page": "town", "post": "p",
                        "author_id": author_id, "text": text,
                        "created_at": f"2026-11-01T{hour:02d}:00:00Z"}).encode()
    return RawMessage(key=f"facebook:{author_id}".encode(), value=value,
                      source=f"{TOPICS.raw}[1]@{n}")


def verdicts(sends: list[Send]) -> list[Verdict]:
    return [Verdict.model_validate_json(s.value) for s in on(sends, TOPICS.verdicts)]


def on(sends: list[Send], topic: str) -> list[Send]:
    return [s for s in sends if s.topic == topic]


def remove(comment: str) -> bytes:
    return ModerationAction(kind="remove", moderator="m-1", author_key=AUTHOR,
                            comment_id=comment, categories=("a",), reason="vulgar"
                            ).to_json_bytes()


def test_a_flag_carries_recommendation_and_history(dispatcher: Dispatcher) -> None:
    sends = dispatcher.comments([raw(1, "a vulgar word"), raw(2, "fine"), raw(3, "spam")],
                                [1, 1, 1])
    assert len(on(sends, TOPICS.verdicts)) == 3
    flags = [FlaggedComment.model_validate_json(s.value) for s in on(sends, TOPICS.flagged)]
    assert [f.comment.id for f in flags] == ["c1", "c3"]
    vulgar, spam = flags
    assert vulgar.action == "review" and vulgar.recommendation == "remove"  # a: no auto-hide
    assert spam.action == "remove"  # d is hidden automatically, and counted
    assert spam.history.counts == {"d": 1} and spam.history.sanction == "none"
    (standing,) = on(sends, TOPICS.sanctions)
    assert standing.partition == 1 and standing.key == AUTHOR.encode()
    assert Standing.model_validate_json(standing.value).event == "hidden"
    # the verdicts topic keeps the plain verdict
    Verdict.model_validate_json(on(sends, TOPICS.verdicts)[0].value)


def test_reaching_the_threshold_queues_a_recommendation(dispatcher: Dispatcher) -> None:
    dispatcher.comments([raw(1, "spam")], [1])
    body = remove("c7")
    sends = dispatcher.action(AUTHOR.encode(), body, 1, "actions[1]@0")
    assert [(s.topic, s.partition) for s in sends] == [(TOPICS.sanctions, 1)]
    recommendation = Standing.model_validate_json(sends[0].value)
    assert recommendation.recommendation == "ban" and recommendation.violations == 2
    assert dispatcher.action(AUTHOR.encode(), body, 1, "actions[1]@1") == []  # a replay


def test_a_banned_authors_comment_is_flagged_under_i(dispatcher: Dispatcher) -> None:
    ban = ModerationAction(kind="ban", moderator="m-1", author_key=AUTHOR, reason="repeat",
                           at=datetime(2026, 11, 1, tzinfo=UTC)).to_json_bytes()
    dispatcher.action(AUTHOR.encode(), ban, 1, "actions[1]@0")
    sends = dispatcher.comments([raw(5, "a perfectly polite question")], [1])
    (flag,) = [FlaggedComment.model_validate_json(s.value) for s in on(sends, TOPICS.flagged)]
    assert [f.category for f in flag.findings] == ["i"]
    assert flag.action == "review" and any("E.1.i" in r for r in flag.reasons)
    assert flag.history.sanction == "banned"
    assert on(sends, TOPICS.sanctions) == []  # i alone is not a new violation


def test_an_unreadable_action_becomes_a_dead_letter(dispatcher: Dispatcher) -> None:
    body = json.dumps({"kind": "remove", "moderator": "m", "author_key": AUTHOR,
                       "comment_id": "c1", "categories": ["a"], "reason": ""}).encode()
    (send,) = dispatcher.action(AUTHOR.encode(), body, 0, "moderation.actions[0]@3")
    letter: Any = DeadLetter.model_validate_json(send.value)
    assert send.topic == TOPICS.deadletter and letter.raw == body
    assert letter.source == "moderation.actions[0]@3"
    assert letter.error.startswith("invalid moderation action: action: Value error, a remove "
                                   "needs a reason")


BAKERY = "Come try the new bakery on Main Street, open late every night"


def test_the_third_identical_comment_of_an_author_goes_to_review(
    with_repeats: Dispatcher,
) -> None:
    first = with_repeats.comments([raw(1, BAKERY, hour=9), raw(2, BAKERY.upper() + "!!!")],
                                  [1, 1])
    assert [v.action for v in verdicts(first)] == ["allow", "allow"]
    sends = with_repeats.comments([raw(3, BAKERY, hour=11), raw(4, BAKERY, author_id="u-7")],
                                  [1, 1])
    third, other = verdicts(sends)
    assert (third.comment.id, third.action) == ("c3", "review")
    assert [(f.category, f.detector, f.score) for f in third.findings] == [
        ("d", "repeat-text", 0.7)]
    assert any(r.startswith("Flagged for review under E.1.d") and "3 times" in r
               for r in third.reasons)
    assert (other.comment.author_id, other.action, other.findings) == ("u-7", "allow", ())
    (flag,) = [FlaggedComment.model_validate_json(s.value) for s in on(sends, TOPICS.flagged)]
    assert flag.comment.id == "c3" and flag.recommendation == "review"
    assert on(sends, TOPICS.sanctions) == []  # sent to review, never hidden nor counted


def test_a_banned_author_repeating_a_text_gets_both_findings(with_repeats: Dispatcher) -> None:
    ban = ModerationAction(kind="ban", moderator="m-1", author_key=AUTHOR, reason="repeat",
                           at=datetime(2026, 11, 1, tzinfo=UTC)).to_json_bytes()
    with_repeats.action(AUTHOR.encode(), ban, 1, "actions[1]@0")
    sends = with_repeats.comments([raw(n, BAKERY) for n in range(3)], [1, 1, 1])
    assert [sorted(f.category for f in v.findings) for v in verdicts(sends)] == [
        ["i"], ["i"], ["d", "i"]]


def test_without_a_tracker_repeats_are_not_flagged(dispatcher: Dispatcher) -> None:
    sends = dispatcher.comments([raw(n, BAKERY) for n in range(4)], [1] * 4)
    assert [v.action for v in verdicts(sends)] == ["allow"] * 4
