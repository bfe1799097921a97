"""Training: seeded and reproducible, label mappings of the public datasets, archive hook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from civicmod.moderator_examples import examples_from_store
from classifiers.ml.corpus import load_corpus
from classifiers.ml.data import Example, split_examples
from classifiers.ml.datasets import DATASETS, available
from classifiers.ml.defaults import PLAIN_WORDS_SOURCE
from classifiers.ml.features import CommentVectorizer
from classifiers.ml.persist import load_model, model_version, save_model
from classifiers.ml.train import Source, fit_model, path_sources, training_set
from sinks.jsonl import ArchivedRecord, serialize
from sinks.store import ArchiveStore

SMALL = CommentVectorizer(n_word_features=1 << 12, n_char_features=1 << 12)


def _tiny_corpus() -> list[Source]:
    rows = [e for e in load_corpus() if e.split == "train" and e.positives <= {"a", "b"}]
    assert sum("b" in e.positives for e in rows) >= 20, "the committed corpus lost its b rows"
    return [Source("tiny", "corpus", rows, [])]


def test_training_on_a_tiny_slice_is_reproducible(tmp_path: Path) -> None:
    probe = ["You are a pathetic idiot.", "When is the library open?", "This is bullshit."]
    first = fit_model(_tiny_corpus(), ("a", "b"), seed=3, vectorizer=SMALL)
    second = fit_model(_tiny_corpus(), ("a", "b"), seed=3, vectorizer=SMALL)
    assert np.array_equal(first.predict_proba(probe), second.predict_proba(probe))
    assert model_version(first) == model_version(second)
    version = save_model(first, tmp_path / "m.skops", {"seed": 3})
    loaded = load_model(tmp_path / "m.skops")
    assert loaded.version == version and loaded.meta == {"seed": 3}
    assert np.allclose(loaded.model.predict_proba(probe), first.predict_proba(probe), atol=1e-4)


def test_the_linear_model_learns_no_c_from_the_plain_words_file() -> None:
    """Decision 0021: discrimination said in plain words is neither a positive nor a negative
    of the linear model's c head; the same rows still teach a, b and d as negatives."""
    plain = [Example(f"plain {i}", frozenset("c" if i % 2 else "")) for i in range(40)]
    other = [Example(f"other {i}", frozenset("c" if i % 2 else "a")) for i in range(40)]
    data = training_set([Source(PLAIN_WORDS_SOURCE, "corpus", plain, []),
                         Source("corpus/labeled", "corpus", other, [])], ("a", "c"))
    c = data.categories.index("c")
    from_plain = data.sources == PLAIN_WORDS_SOURCE
    assert not data.mask[from_plain, c].any() and data.mask[~from_plain, c].all()
    assert data.mask[:, data.categories.index("a")].all()


def test_splits_are_seeded_and_keep_groups_together() -> None:
    rows = [Example(f"text {i}", frozenset(), group=f"post {i // 3}") for i in range(300)]
    train, test = split_examples(rows, seed=7)
    assert (train, test) == split_examples(rows, seed=7)
    assert 30 < len(test) < 90
    assert not {e.group for e in train} & {e.group for e in test}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def fake_datasets(tmp_path: Path) -> Path:
    """The public datasets' file layout with a few invented rows (no real data)."""
    _write(tmp_path / "davidson2017/labeled_data.csv",
           ",count,hate_speech,offensive_language,neither,class,tweet\n"
           "0,3,3,0,0,0,hateful words\n1,3,0,3,0,1,rude words\n2,3,0,0,3,2,nice words\n")
    _write(tmp_path / "olid/olid-training-v1.0.tsv",
           "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n1\tfine\tNOT\tNULL\tNULL\n"
           "2\tdamn\tOFF\tUNT\tNULL\n3\tyou fool\tOFF\tTIN\tIND\n4\tthose folks\tOFF\tTIN\tGRP\n"
           "5\tthat agency\tOFF\tTIN\tOTH\n")
    header = "id,comment_text,toxic,severe_toxic,obscene,threat,insult,identity_hate,is_bad\n"
    _write(tmp_path / "jigsaw/train.5k.csv",
           header + "j1,clean talk,0,0,0,0,0,0,False\nj2,rude talk,1,0,1,0,1,0,True\n")
    for pool in ("a.bad", "a.ok", "b.bad", "b.ok", "c.bad"):
        _write(tmp_path / f"jigsaw/train.{pool}.1k.csv",
               header + "j2,rude talk,1,0,1,0,1,0,True\nj3,threat talk,1,0,0,1,0,0,True\n")
    return tmp_path


def test_public_label_mappings(fake_datasets: Path) -> None:
    found = {d.name: d for d in available(fake_datasets)}
    assert set(found) == {"davidson", "olid", "jigsaw"}
    davidson = {e.text: e for e in found["davidson"].load(fake_datasets)}
    assert davidson["hateful words"].positives == {"c"} and "a" not in davidson[
        "hateful words"].known
    assert davidson["rude words"].positives == {"a"} and davidson["nice words"].clean
    olid = {e.text: e for e in found["olid"].load(fake_datasets)}
    assert olid["damn"].positives == {"a"} and olid["you fool"].positives == {"b"}
    assert "insult_individual" in olid["you fool"].tasks
    assert "policy_offensive" in olid["you fool"].tasks and "policy_offensive" in olid[
        "damn"].tasks
    assert not {"policy_offensive"} & (olid["those folks"].tasks | olid["that agency"].tasks)
    assert "offensive" in olid["that agency"].tasks  # OFF, but criticism of an organisation
    assert olid["those folks"].positives == set() and "c" not in olid["those folks"].known
    assert olid["that agency"].known == {"b", "c"} and olid["that agency"].clean
    jigsaw = found["jigsaw"].load(fake_datasets)
    assert [e.text for e in jigsaw].count("rude talk") == 1  # ids deduplicated across pools
    assert {e.text: e.positives for e in jigsaw}["threat talk"] == {"h"}
    assert all(d.mapping and d.caveats and d.tasks for d in DATASETS)


def test_missing_data_paths_are_noted_not_fatal(tmp_path: Path) -> None:
    found = path_sources([tmp_path / "nowhere", tmp_path], seed=0)
    assert found.items == [] and len(found.notes) == 2


class FakeStore(ArchiveStore):
    """An archive held in memory: key -> gzip JSON Lines body."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects

    def keys(self, prefix: str) -> Iterator[str]:
        return iter(k for k in self.objects if k.startswith(prefix))

    def get(self, key: str) -> bytes:
        return self.objects[key]


def _object(topic: str, values: list[dict[str, object]]) -> bytes:
    return serialize([ArchivedRecord(topic, 0, i, 0, None, json.dumps(v).encode())
                      for i, v in enumerate(values)])


def test_moderator_decisions_become_examples() -> None:
    def verdict(cid: str, text: str, flagged: list[str]) -> dict[str, object]:
        return {"comment": {"id": cid, "text": text},
                "findings": [{"category": c} for c in flagged]}

    store = FakeStore({
        "moderation.actions/x": _object("moderation.actions", [
            {"kind": "remove", "comment_id": "1", "categories": ["b"],
             "at": "2026-01-01T00:00:00+00:00"},
            {"kind": "remove", "comment_id": "2", "categories": ["c"],
             "at": "2026-01-01T00:00:00+00:00"},
            {"kind": "restore", "comment_id": "2", "categories": [],
             "at": "2026-01-02T00:00:00+00:00"},
            {"kind": "ban", "author_key": "x", "at": "2026-01-02T00:00:00+00:00"},
        ]),
        "comments.verdicts/y": _object("comments.verdicts", [
            verdict("1", "an insult", ["b"]), verdict("2", "harsh criticism", ["c", "a"]),
            verdict("3", "never decided", []),
        ]),
    })
    examples = examples_from_store(store, "moderation.actions", "comments.verdicts")
    by_text = {e.text: e for e in examples}
    assert set(by_text) == {"an insult", "harsh criticism"}
    assert by_text["an insult"].positives == {"b"}
    assert by_text["harsh criticism"].clean and by_text["harsh criticism"].known == {"a", "c"}


def test_train_end_to_end_without_the_shared_datasets(tmp_path: Path) -> None:
    """`civicmod train --data <missing>`: the repository corpus alone still makes a model."""
    from classifiers.ml.build import BuildRequest, build
    from classifiers.ml.defaults import CORPUS_DIR
    from classifiers.ml.train import Sources
    from classifiers.registry import default_registry
    from pipeline.policy import load_policy
    from pipeline.settings import CONFIG_DIR

    assert load_corpus(), "the committed corpus (classifiers/corpus/) is missing"
    request = BuildRequest(data=(tmp_path / "no-such-datasets",), out=tmp_path / "m.skops",
                           card=tmp_path / "CARD.md", seed=0, corpus_dir=CORPUS_DIR,
                           categories=("a", "b"), semantic_categories=("g",),
                           semantic_out=tmp_path / "semantic.skops")
    result = build(request, Sources(notes=["moderator decisions: not read"]),
                   load_policy(CONFIG_DIR / "policy.yaml"), 10_000,
                   lambda path, semantic: default_registry(model_path=path,
                                                           semantic_path=semantic))
    assert result.heads == ("a", "b") and result.version == load_model(result.path).version
    card = request.card.read_text(encoding="utf-8")
    assert result.version in card and "does not exist" in card
    assert "<!-- section:corpus/legitimate -->" in card
    assert "## Semantic stage (categories g)" in card
    assert (tmp_path / "semantic.skops").is_file()
