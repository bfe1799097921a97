"""The synthetic comment generator and the malformed-input generator."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from pydantic import ValidationError
from stdnum import luhn
from stdnum.us import ssn

from civicmod import demo
from pipeline.records import Comment
from pipeline.validation import InvalidComment, parse_comment

VIOLATIONS = set("abcdefgh")


def test_same_seed_gives_the_same_output() -> None:
    first = list(demo.generate_labeled(500, seed=3))
    assert first == list(demo.generate_labeled(500, seed=3))
    assert [d for d, _ in first] == list(demo.generate_comments(500, seed=3))


def test_different_seeds_differ() -> None:
    texts = [d["text"] for d in demo.generate_comments(200, seed=1)]
    assert texts != [d["text"] for d in demo.generate_comments(200, seed=2)]


def test_ids_unique_and_named_after_the_seed() -> None:
    ids = [d["id"] for d in demo.generate_comments(3000, seed=5)]
    assert len(set(ids)) == len(ids)
    assert ids[:3] == ["demo-5-0", "demo-5-1", "demo-5-2"]


def test_every_dict_is_a_valid_comment_and_survives_json() -> None:
    for d in demo.generate_comments(2000, seed=11):
        assert set(d) <= set(Comment.model_fields)
        comment = Comment.model_validate(d)
        assert Comment.model_validate_json(json.dumps(d)).text == comment.text
        assert comment.platform in demo.PLATFORMS
        assert comment.created_at.tzinfo is not None


def test_realistic_shape() -> None:
    rows = list(demo.generate_comments(3000, seed=0))
    post_ids = {p.id for p in demo.POSTS}
    assert {d["post"] for d in rows} <= post_ids
    assert len({d["post"] for d in rows}) >= 15
    assert {d["platform"] for d in rows} == set(demo.PLATFORMS)
    assert 100 < len({d["author_id"] for d in rows}) <= 300
    seen: dict[object, dict[str, object]] = {}
    replies = 0
    for d in rows:
        if d["parent"] is not None:
            replies += 1
            parent = seen[d["parent"]]  # a parent is always an earlier comment ...
            assert (parent["platform"], parent["post"]) == (d["platform"], d["post"])  # ... here
        seen[d["id"]] = d
    assert 0.05 < replies / len(rows) < 0.5


def test_created_at_strictly_increases_from_start() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    times = [Comment.model_validate(d).created_at for d in demo.generate_comments(500, 0, start)]
    assert times[0] > start
    assert all(a < b for a, b in pairwise(times))


def test_every_hundred_holds_twenty_violations_covering_a_to_h() -> None:
    rows = list(demo.generate_labeled(1000, seed=9))
    for block in range(0, 1000, 100):
        labels = [cats for _, cats in rows[block : block + 100]]
        assert sum(1 for cats in labels if cats) == 20
        assert {c for cats in labels for c in cats} == VIOLATIONS
    assert all(set(cats) <= VIOLATIONS for _, cats in rows)


def test_harsh_criticism_is_generated_as_legitimate() -> None:
    legit = [d["text"] for d, cats in demo.generate_labeled(5000, seed=0) if not cats]
    assert len(legit) == 4000
    assert any("disgrace and the mayor should resign" in str(t) for t in legit)


@pytest.mark.parametrize(
    ("category", "needle"),
    [
        ("a", ("fuck", "f***", "f*ck", "shit", "sh1t", "sh!t", "crap", "damn", "piss", "screw")),
        ("d", ("bit.ly", "tinyurl", "cutt.ly", "t.co", "is.gd", "whatsapp", "telegram", "555")),
        ("f", ("torrent", "full movie", "cracked", "paywalled", "replica", "keygen")),
    ],
)
def test_category_texts_carry_their_markers(category: str, needle: tuple[str, ...]) -> None:
    texts = demo.sample_texts([category], 40, seed=4)
    assert len(texts) == 40
    for text in texts:
        assert any(n in text.lower() for n in needle), text


def test_pii_numbers_are_test_numbers_only() -> None:
    texts = demo.sample_texts(["g"], 200, seed=2)
    cards = [c for c in demo._CARDS if any(c in t for t in texts)]
    assert cards, "some g comments carry a card number"
    for card in demo._CARDS:
        digits = "".join(ch for ch in card if ch.isdigit())
        assert luhn.is_valid(digits)
    for number in demo._SSNS:
        assert not ssn.is_valid(number.replace(" ", "-"))


def test_malformed_lines_are_deterministic_and_cover_every_kind() -> None:
    kinds = len(demo.MALFORMED_KINDS)
    lines = demo.malformed_lines(kinds * 3, seed=1, max_chars=500)
    assert lines == demo.malformed_lines(kinds * 3, seed=1, max_chars=500)
    assert {k for k, _ in demo.malformed_labeled(kinds, seed=1)} == set(demo.MALFORMED_KINDS)
    assert all(b"\n" not in line for line in lines)


def test_malformed_lines_each_fail_or_are_oversized() -> None:
    max_chars = 500
    for kind, line in demo.malformed_labeled(len(demo.MALFORMED_KINDS) * 4, 3, max_chars):
        if kind == "oversized_text":
            assert len(Comment.model_validate_json(line).text) > max_chars
            continue
        with pytest.raises(ValidationError):
            Comment.model_validate_json(line)


def test_malformed_lines_are_refused_by_ingest_validation() -> None:
    for line in demo.malformed_lines(len(demo.MALFORMED_KINDS) * 2, seed=7, max_chars=300):
        with pytest.raises(InvalidComment):
            parse_comment(line, max_text_chars=300)


def test_malformed_kinds_counted_evenly() -> None:
    kinds = Counter(k for k, _ in demo.malformed_labeled(len(demo.MALFORMED_KINDS) * 5, 0))
    assert set(kinds.values()) == {5}


def test_negative_counts_refused() -> None:
    with pytest.raises(ValueError):
        list(demo.generate_comments(-1))
    with pytest.raises(ValueError):
        demo.malformed_lines(-1)
