"""Facebook and Instagram webhook payloads → records, signatures, the ledger's once-only rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from civicmod.sources.facebook_webhook import (
    Malformed,
    parse_feed,
    parse_notification,
    platform_time,
    signature_ok,
)
from civicmod.sources.ledger import Ledger
from tests.contract.payloads import APP_SECRET, feed_change, instagram_change, signed

PAGE, POST = "1001", "1001_2002"


def test_add_and_edited_become_comment_texts() -> None:
    observed, events = parse_feed(feed_change(PAGE, "add", "2002_1", POST, message="Hello",
                                              created=1_764_064_800))
    assert events == [] and len(observed) == 1
    first = observed[0]
    assert first.original and first.comment.id == "2002_1" and first.comment.page == PAGE
    assert first.comment.post == POST and first.comment.parent is None
    assert first.comment.author_key == "facebook:u-1" and first.comment.text == "Hello"
    edited, _ = parse_feed(feed_change(PAGE, "edited", "2002_1", POST, message="Hello, all",
                                       created=1_764_064_800, time=1_764_068_400))
    assert not edited[0].original
    assert edited[0].effective_at == datetime(2025, 11, 25, 11, tzinfo=UTC)


def test_a_reply_names_its_parent_comment() -> None:
    observed, _ = parse_feed(feed_change(PAGE, "add", "2002_9", POST, message="Re",
                                         parent="2002_1"))
    assert observed[0].comment.parent == "2002_1"


@pytest.mark.parametrize(("verb", "action", "by"), [
    ("remove", "deleted", "facebook:u-1"), ("hide", "hidden", "page"),
    ("unhide", "unhidden", "page")])
def test_remove_hide_unhide_become_platform_events(verb: str, action: str, by: str) -> None:
    observed, events = parse_feed(feed_change(PAGE, verb, "2002_1", POST, time=1_764_070_000))
    assert observed == [] and len(events) == 1
    event = events[0]
    assert (event.action, event.by, event.comment_id, event.author_id) == (action, by, "2002_1",
                                                                          "u-1")
    replay, = parse_feed(feed_change(PAGE, verb, "2002_1", POST, time=1_764_070_000))[1]
    assert replay.id == event.id  # a replayed notification is recognisable


def test_the_page_deleting_a_comment_is_named_as_the_page() -> None:
    _, events = parse_feed(feed_change(PAGE, "remove", "2002_1", POST, author=PAGE))
    assert events[0].by == "page"


def test_other_changes_are_ignored() -> None:
    payload = feed_change(PAGE, "add", "2002_1", POST, message="x")
    payload["entry"][0]["changes"][0]["value"]["item"] = "reaction"
    assert parse_feed(payload) == ([], [])


@pytest.mark.parametrize("payload", [
    {"object": "user", "entry": []},
    {"object": "page"},
    {"object": "page", "entry": [{"id": PAGE, "time": 1, "changes": [
        {"field": "feed", "value": {"item": "comment", "verb": "add", "post_id": POST}}]}]},
    [1, 2],
])
def test_malformed_payloads_are_refused(payload: object) -> None:
    with pytest.raises(Malformed):
        parse_feed(payload)


def test_a_comment_without_text_is_malformed() -> None:
    with pytest.raises(Malformed):
        parse_feed(feed_change(PAGE, "add", "2002_1", POST, message=""))


def test_signatures_are_checked_against_the_app_secret() -> None:
    body, headers = signed(feed_change(PAGE, "add", "2002_1", POST, message="x"))
    assert signature_ok(body, headers["X-Hub-Signature-256"], APP_SECRET)
    assert not signature_ok(body + b" ", headers["X-Hub-Signature-256"], APP_SECRET)
    assert not signature_ok(body, signed(json.loads(body), "forged")[1]["X-Hub-Signature-256"],
                            APP_SECRET)
    assert not signature_ok(body, None, APP_SECRET)
    assert not signature_ok(body, headers["X-Hub-Signature-256"].removeprefix("sha256="),
                            APP_SECRET)
    assert not signature_ok(body, headers["X-Hub-Signature-256"], "")  # no secret: refuse


def test_platform_times_in_both_graph_formats() -> None:
    assert platform_time(1_764_064_800) == platform_time("2025-11-25T10:00:00+0000")


def test_ledger_drops_replays_and_places_late_originals(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "s.sqlite")
    first = ledger.place("facebook", "c", "v1", 100.0, original=True)
    assert first is not None and (first.version, first.previous) == (1, None)
    assert ledger.place("facebook", "c", "v1", 100.0, original=True) is None  # replayed add
    edit = ledger.place("facebook", "c", "v2", 200.0, original=False)
    assert edit is not None and (edit.version, edit.previous) == (2, 1)
    assert ledger.place("facebook", "c", "v2", 200.0, original=False) is None  # replayed edit
    assert ledger.place("facebook", "c", "v2", 900.0, original=False) is None  # poll, no change
    back = ledger.place("facebook", "c", "v1", 950.0, original=False)  # edited back: new
    assert back is not None and (back.version, back.previous) == (3, 2)
    # out of order: the edit arrives before the add
    late_edit = ledger.place("facebook", "d", "after", 200.0, original=False)
    late_add = ledger.place("facebook", "d", "before", 100.0, original=True)
    assert late_edit is not None and (late_edit.version, late_edit.previous) == (1, None)
    assert late_add is not None and (late_add.version, late_add.previous) == (2, None)
    ledger.rollback()
    assert not ledger.knows("facebook", "c")  # nothing is kept before commit
    ledger.close()


def test_ledger_cursors_survive_a_restart(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "s.sqlite")
    ledger.set_cursor("facebook:p:feed", {"since": 1, "after": "QQ=="})
    ledger.close()
    reopened = Ledger(tmp_path / "s.sqlite")
    assert reopened.cursor("facebook:p:feed") == {"since": 1, "after": "QQ=="}
    reopened.set_cursor("facebook:p:feed", None)
    assert reopened.cursor("facebook:p:feed") is None
    reopened.close()


IG, MEDIA = "17841400000000001", "18000000000000001"


@pytest.mark.parametrize("field", ["comments", "live_comments"])
def test_instagram_comments_become_comment_texts(field: str) -> None:
    observed, events = parse_notification(instagram_change(
        IG, "17900000000000001", MEDIA, "Love the new park", field=field, time=1_764_064_800))
    assert events == [] and len(observed) == 1 and observed[0].original
    comment = observed[0].comment
    assert (comment.platform, comment.page, comment.post, comment.parent) == (
        "instagram", IG, MEDIA, None)
    assert (comment.author_key, comment.author_name, comment.text) == (
        "instagram:ig-u-1", "user_ig-u-1", "Love the new park")
    assert comment.created_at == datetime(2025, 11, 25, 10, tzinfo=UTC)
    reply, = parse_notification(instagram_change(IG, "17900000000000002", MEDIA, "Me too",
                                                 parent="17900000000000001"))[0]
    assert reply.comment.parent == "17900000000000001"


def test_other_instagram_fields_are_ignored_and_bad_ones_refused() -> None:
    mention = instagram_change(IG, "1790", MEDIA, "@town look")
    mention["entry"][0]["changes"][0]["field"] = "mentions"
    assert parse_notification(mention) == ([], [])
    broken = instagram_change(IG, "1790", MEDIA, "no media")
    del broken["entry"][0]["changes"][0]["value"]["media"]
    with pytest.raises(Malformed):
        parse_notification(broken)
    with pytest.raises(Malformed):
        parse_notification(instagram_change(IG, "1790", MEDIA, ""))  # no text
