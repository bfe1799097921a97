"""Repeats of the same text by one author (E.1.d): the per-author tracker, free of Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from classifiers.repeats import RepeatTracker, canonical
from pipeline.records import Comment
from pipeline.settings import DetectorSettings

AUTHOR = "facebook:u-9"
OTHER = "facebook:u-7"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
TEXT = "Visit my page for cheap solar panels today"


def comment(n: int, text: str = TEXT, at: datetime = T0, author_id: str = "u-9") -> Comment:
    return Comment(id=f"c{n}", platform="facebook", page="town", post="p", author_id=author_id,
                   text=text, created_at=at)


def hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


def test_the_third_identical_comment_is_a_category_d_finding() -> None:
    tracker = RepeatTracker()
    first, second, third, fourth = (tracker.finding(comment(n, at=hours(n))) for n in range(4))
    assert first is None and second is None
    assert third is not None and fourth is not None
    assert third.category == "d" and third.score == 0.7
    assert (third.detector, third.version) == ("repeat-text", "1")
    assert third.label == "same text posted 3 times by this author within 24 h"
    assert third.evidence == ()
    assert fourth.label.startswith("same text posted 4 times")


def test_normalisation_makes_variants_one_text() -> None:
    assert canonical("Buy now!!!") == canonical("buy   now") == canonical("buy-now") == "buynow"
    assert canonical("Ｂｕｙ ｎｏｗ 🔥🔥") == "buynow"  # full-width, emoji
    assert canonical("Вuy nоw\u200b") == "buynow"  # Cyrillic look-alikes, zero-width space
    assert canonical("Ça coûte 5 €") == "cacoute5"
    tracker = RepeatTracker()
    variants = [TEXT, "VISIT my page for cheap solar panels today!!! 🔥🔥",
                "visit  my page,\nfor cheap solar-panels today."]
    counts = [tracker.observe(AUTHOR, f"c{n}", t, T0) for n, t in enumerate(variants)]
    assert counts == [1, 2, 3]
    assert tracker.observe(AUTHOR, "c9", "Visit my page for cheap solar panels tonight", T0) == 1


def test_short_texts_are_never_repeats() -> None:
    tracker = RepeatTracker()
    for n in range(5):
        assert tracker.finding(comment(n, "Thanks!!! 👍")) is None
        assert tracker.observe(AUTHOR, f"d{n}", "+1", T0) == 0
    assert tracker.remembered(AUTHOR) == 0
    nineteen, twenty = "Thank you very much, Bob!!! 🙏", "Thank you very much, Robb"
    assert (len(canonical(nineteen)), len(canonical(twenty))) == (19, 20)
    assert tracker.observe(AUTHOR, "e1", nineteen, T0) == 0
    assert tracker.observe(AUTHOR, "e2", twenty, T0) == 1


def test_the_window_is_by_timestamp_and_strict() -> None:
    tracker = RepeatTracker()
    assert [tracker.observe(AUTHOR, f"c{n}", TEXT, hours(h))
            for n, h in enumerate((0, 12, 24))] == [1, 2, 2]  # 0 h and 24 h are a day apart
    assert tracker.remembered(AUTHOR) == 2  # the one outside the window is forgotten
    assert tracker.observe(AUTHOR, "c3", TEXT, hours(30)) == 3  # 12 h, 24 h, 30 h

    near = RepeatTracker()
    assert [near.observe(AUTHOR, f"c{n}", TEXT, hours(h))
            for n, h in enumerate((0, 12, 23.99))] == [1, 2, 3]


def test_comments_out_of_order_count_by_their_timestamps() -> None:
    tracker = RepeatTracker()
    assert [tracker.observe(AUTHOR, f"c{n}", TEXT, hours(h))
            for n, h in enumerate((10, 0, 5))] == [1, 2, 3]
    spread = RepeatTracker()  # 46 hours from first to last: never three within one day
    assert [spread.observe(AUTHOR, f"c{n}", TEXT, hours(h))
            for n, h in enumerate((0, 23, -23))] == [1, 2, 2]
    backwards = RepeatTracker()  # newest first; the last arrival is a day before the first
    assert [backwards.observe(AUTHOR, f"c{n}", TEXT, hours(h))
            for n, h in enumerate((24, 12, 0))] == [1, 2, 2]


def test_a_replayed_comment_counts_once_and_gets_its_first_answer() -> None:
    tracker = RepeatTracker()
    assert [tracker.observe(AUTHOR, "c1", TEXT, T0) for _ in range(3)] == [1, 1, 1]
    assert tracker.observe(AUTHOR, "c2", TEXT, T0) == 2
    assert tracker.observe(AUTHOR, "c2", TEXT, T0) == 2
    assert tracker.observe(AUTHOR, "c3", TEXT, T0) == 3
    assert tracker.observe(AUTHOR, "c1", TEXT, T0) == 1  # a late replay is judged as before
    assert tracker.observe(AUTHOR, "c3", TEXT, T0) == 3
    assert tracker.remembered(AUTHOR) == 3


def test_authors_are_independent() -> None:
    tracker = RepeatTracker()
    tracker.observe(AUTHOR, "c1", TEXT, T0)
    tracker.observe(AUTHOR, "c2", TEXT, T0)
    assert tracker.finding(comment(3, author_id="u-7")) is None
    assert tracker.observe(OTHER, "c4", TEXT, T0) == 2  # c3 and c4 are u-7's
    assert tracker.observe(AUTHOR, "c5", TEXT, T0) == 3


def test_least_recently_seen_authors_are_forgotten() -> None:
    tracker = RepeatTracker(max_authors=2)
    tracker.observe("x:1", "a1", TEXT, T0)
    tracker.observe("x:2", "b1", TEXT, T0)
    tracker.observe("x:1", "a2", TEXT, T0)  # x:1 is now the most recently seen
    tracker.observe("x:3", "c1", TEXT, T0)
    assert len(tracker) == 2
    assert tracker.remembered("x:2") == 0 and tracker.remembered("x:1") == 2
    assert tracker.observe("x:2", "b2", TEXT, T0) == 1  # its earlier comment is forgotten
    assert tracker.remembered("x:1") == 0 and tracker.remembered("x:3") == 1


def test_each_author_keeps_only_the_latest_comments() -> None:
    tracker = RepeatTracker(min_repeats=3, per_author=3)
    other = "Come to my garage sale this Saturday morning"
    tracker.observe(AUTHOR, "c1", TEXT, T0)
    tracker.observe(AUTHOR, "c2", TEXT, T0)
    tracker.observe(AUTHOR, "c3", other, T0)
    tracker.observe(AUTHOR, "c4", other, T0)  # c1 is dropped
    assert tracker.remembered(AUTHOR) == 3
    assert tracker.observe(AUTHOR, "c5", TEXT, T0) == 1  # c2 made room for c5
    assert tracker.observe(AUTHOR, "c6", TEXT, T0) == 2  # c5 and c6
    assert tracker.remembered(AUTHOR) == 3


def test_any_text_is_handled() -> None:
    tracker = RepeatTracker()
    odd = "lone \ud800 surrogate, \u202eRTL override\u202c and \x01 controls " * 3
    assert [tracker.observe(AUTHOR, f"c{n}", odd, T0) for n in range(3)] == [1, 2, 3]
    assert tracker.observe(AUTHOR, "c9", "🔥" * 100, T0) == 0  # emoji only: no letters


def test_only_a_digest_of_the_text_is_kept() -> None:
    tracker = RepeatTracker()
    tracker.observe(AUTHOR, "c1", TEXT, T0)
    kept = repr(tracker._authors)
    assert "solar" not in kept and canonical(TEXT) not in kept


def test_bounds_that_could_never_fire_are_refused() -> None:
    with pytest.raises(ValueError, match="min_repeats"):
        RepeatTracker(min_repeats=5, per_author=4)
    with pytest.raises(ValueError, match="min_repeats"):
        RepeatTracker(min_repeats=1)
    with pytest.raises(ValueError, match="min_chars"):
        RepeatTracker(min_chars=0)


def test_the_tracker_is_built_from_the_settings() -> None:
    tracker = RepeatTracker.from_settings(DetectorSettings(
        repeat_min_repeats=4, repeat_window_hours=6, repeat_min_chars=10,
        repeat_max_authors=7, repeat_per_author=8,
    ))
    assert (tracker.min_repeats, tracker.window_hours, tracker.min_chars, tracker.max_authors,
            tracker.per_author) == (4, 6, 10, 7, 8)
    with pytest.raises(ValueError, match="repeat_per_author"):
        DetectorSettings(repeat_min_repeats=5, repeat_per_author=4)
