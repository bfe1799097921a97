"""Repeat violators (E.1.i): counting, the threshold, restores, bans, replays, the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.actions import ModerationAction
from pipeline.records import Category
from pipeline.violators import ViolatorBook, banned_finding

AUTHOR = "facebook:u-9"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def action(kind: str, comment: str | None = None, at: datetime = T0,
           categories: tuple[Category, ...] = ("a",), reason: str = "vulgar") -> ModerationAction:
    return ModerationAction.model_validate({
        "kind": kind, "moderator": "m-1", "author_key": AUTHOR, "comment_id": comment,
        "categories": categories if kind == "remove" else (), "reason": reason, "at": at,
    })


def book() -> ViolatorBook:
    return ViolatorBook(threshold=3, window_days=90)


def test_three_removals_recommend_a_ban_once_reached() -> None:
    b = book()
    first = b.apply(0, action("remove", "c1"))
    second = b.apply(0, action("remove", "c2", T0 + timedelta(hours=1)))
    third = b.apply(0, action("remove", "c3", T0 + timedelta(hours=2)))
    assert first is not None and second is not None and third is not None
    assert [s.violations for s in (first, second, third)] == [1, 2, 3]
    assert [s.recommendation for s in (first, second, third)] == [None, None, "ban"]
    assert "Ban recommended under E.1.i" in third.reasons[-1]
    assert "c1 (a), c2 (a), c3 (a)" in third.reasons[-1]
    assert not b.is_banned(AUTHOR)  # a recommendation is never a ban
    history = b.history(AUTHOR, T0 + timedelta(hours=3))
    assert history.counts == {"a": 3} and history.sanction == "ban recommended"


def test_replaying_an_action_changes_nothing() -> None:
    b = book()
    remove = action("remove", "c1")
    assert b.apply(0, remove) is not None
    assert b.apply(0, remove) is None
    assert b.history(AUTHOR, T0).violations == 1


def test_restore_undoes_a_removal_and_an_automatic_hide() -> None:
    b = book()
    b.apply(0, action("remove", "c1"))
    b.record_hide(0, AUTHOR, "c2", ["d"], T0)
    assert b.history(AUTHOR, T0).counts == {"a": 1, "d": 1}
    restored = b.apply(0, action("restore", "c1", T0 + timedelta(minutes=5), reason=""))
    assert restored is not None and restored.event == "restored" and restored.violations == 1
    kept = b.apply(0, action("keep", "c2", T0 + timedelta(minutes=6), reason=""))
    assert kept is not None and kept.violations == 0


def test_an_automatic_hide_never_overrides_a_moderator() -> None:
    b = book()
    b.record_hide(0, AUTHOR, "c1", ["g"], T0)
    b.apply(0, action("restore", "c1", T0 + timedelta(minutes=1), reason=""))
    # the worker replays the comment after a crash: it is hidden again by the policy
    assert b.record_hide(0, AUTHOR, "c1", ["g"], T0) is None
    assert b.history(AUTHOR, T0).violations == 0


def test_category_i_alone_is_not_a_new_violation() -> None:
    b = book()
    assert b.record_hide(0, AUTHOR, "c1", ["i"], T0) is None
    counted = b.record_hide(0, AUTHOR, "c2", ["i", "d"], T0)
    assert counted is not None and counted.decisions[0].categories == ("d",)


def test_ban_and_unban_only_by_action_and_idempotent() -> None:
    b = book()
    banned = b.apply(0, action("ban", reason="three removals"))
    assert banned is not None and banned.banned and banned.banned_by == "m-1"
    assert b.is_banned(AUTHOR)
    assert b.history(AUTHOR, T0).sanction == "banned"
    assert b.apply(0, action("ban", reason="again")) is None
    # a violation while banned recommends nothing more
    removed = b.apply(0, action("remove", "c1", T0 + timedelta(minutes=1)))
    assert removed is not None and removed.banned and removed.recommendation is None
    lifted = b.apply(0, action("unban", at=T0 + timedelta(days=1), reason=""))
    assert lifted is not None and not lifted.banned and lifted.banned_at is None
    assert not b.is_banned(AUTHOR)
    assert b.apply(0, action("unban", reason="")) is None


def test_keep_on_the_author_dismisses_without_change() -> None:
    assert book().apply(0, action("keep", None, reason="not yet")) is None


def test_the_window_rolls() -> None:
    b = ViolatorBook(threshold=2, window_days=90)
    b.apply(0, action("remove", "old", T0))
    later = T0 + timedelta(days=91)
    standing = b.apply(0, action("remove", "new", later))
    assert standing is not None
    assert standing.violations == 1 and standing.recommendation is None
    assert [d.comment_id for d in standing.decisions] == ["new"]  # the old one is pruned
    assert b.history(AUTHOR, later).counts == {"a": 1}


def test_load_keeps_the_last_standing_per_author_and_drop_forgets() -> None:
    source = book()
    one = source.apply(1, action("remove", "c1"))
    two = source.apply(1, action("ban", reason="enough"))
    assert one is not None and two is not None
    restored = book()
    restored.load(1, [one, two])
    assert restored.is_banned(AUTHOR) and restored.history(AUTHOR, T0).violations == 1
    restored.drop(1)
    assert not restored.is_banned(AUTHOR) and restored.standing(AUTHOR) is None


def test_banned_finding_is_category_i() -> None:
    finding = banned_finding()
    assert finding.category == "i" and finding.score == 1.0 and finding.label


def test_a_prolific_violator_keeps_only_the_latest_decisions_and_still_reaches_the_ban() -> None:
    b = ViolatorBook(threshold=3, window_days=90, max_decisions=5)
    standing = None
    for n in range(1000):
        standing = b.record_hide(0, AUTHOR, f"c{n}", ("d",), T0 + timedelta(minutes=n)) \
            or standing
    assert standing is not None
    assert [d.comment_id for d in standing.decisions] == [f"c{n}" for n in range(995, 1000)]
    assert standing.violations == 5 and standing.recommendation == "ban"
    assert len(standing.reasons[-1]) < 300  # the listed violations do not grow with the author
    assert b.history(AUTHOR, T0 + timedelta(days=1)).sanction == "ban recommended"


def test_fewer_kept_decisions_than_the_threshold_are_refused() -> None:
    with pytest.raises(ValueError, match="at least the ban threshold"):
        ViolatorBook(threshold=3, window_days=90, max_decisions=2)
