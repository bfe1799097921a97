"""The hand-written corpus: shape, size per category, a fixed 30% test split, no overlap."""

from __future__ import annotations

from collections import Counter

from tests.unit.corpus_rows import corpus_rows


def test_every_line_has_text_categories_and_split() -> None:
    for name in ("labeled.jsonl", "legitimate.jsonl"):
        for row in corpus_rows(name):
            assert set(row) == {"text", "categories", "split"}, (name, row)
            assert isinstance(row["text"], str) and row["text"].strip()
            assert row["split"] in ("train", "test")


def test_sizes_and_the_thirty_percent_test_split() -> None:
    labeled = corpus_rows("labeled.jsonl")
    per_category = Counter(c for row in labeled for c in row["categories"])
    assert set(per_category) == set("abcdefgh")
    assert min(per_category.values()) >= 60
    for category in "abcdefgh":
        mine = [row for row in labeled if category in row["categories"]]
        share = sum(row["split"] == "test" for row in mine) / len(mine)
        assert 0.25 <= share <= 0.35, (category, share)
    legitimate = corpus_rows("legitimate.jsonl")
    assert len(legitimate) >= 150 and all(row["categories"] == [] for row in legitimate)


def test_no_text_appears_twice() -> None:
    texts = [row["text"] for name in ("labeled.jsonl", "legitimate.jsonl")
             for row in corpus_rows(name)]
    assert len(texts) == len(set(texts))


def test_discrimination_is_c_then_hard_negatives_all_held_out_and_new() -> None:
    lines = corpus_rows("discrimination.jsonl")
    positives = [row for row in lines if row["categories"] == ["c"]]
    negatives = lines[len(positives):]
    assert lines[: len(positives)] == positives and len(positives) >= 250
    assert len(negatives) >= 300 and all(row["categories"] == [] for row in negatives)
    assert all(set(row) == {"text", "categories", "split"} for row in lines)
    assert {row["split"] for row in lines} == {"test"}
    others = {row["text"] for name in ("labeled.jsonl", "identity_handwritten.jsonl",
                                       "civic_topics.jsonl") for row in corpus_rows(name)}
    texts = [row["text"] for row in lines]
    assert len(set(texts)) == len(texts) and not others & set(texts)
