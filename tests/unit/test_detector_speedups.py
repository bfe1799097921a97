"""The detector suite's speed-ups change no finding (issue 13, "speed"; decision 0019).

Each fast path is pinned against the straightforward one on the whole hand-written corpus:
rules with and without their literal gates, the name and class lexicons with and without
theirs, the model's explanations against the former algorithm (kept here as the reference),
the chunk-feature cache cold, warm and overflowing, and the garbage collector's state.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.ml import features as features_module
from classifiers.ml.corpus import load_corpus
from classifiers.ml.detector import MLDetector, shipped_model
from classifiers.ml.features import CommentVectorizer, chunks, clear_chunk_cache
from classifiers.ml.model import CommentModel, Contribution, _trimmed
from classifiers.ml.protected import ClassNamer
from classifiers.names import NameFinder
from classifiers.personal import PersonFactRule
from classifiers.prefilter import LiteralGate, literal_gate, required_literals
from classifiers.registry import default_registry
from classifiers.rules import PatternRule, RuleDetector
from classifiers.ruleset import rule_detectors
from classifiers.textnorm import normalize
from pipeline.detection import Registry, gc_paused
from pipeline.records import Finding

CORPUS: list[str] = [e.text for e in load_corpus()]
EXTRA = [
    "I hope you DIED", "ſhould İ kill you", "KILL YOURSELF", "hooker rd and DICK's Sporting Goods",
    "Muslims and MUSLIM women", "visit bit.ly/x or example.COM now", "ĸ", "",
    "password:  hunter2!", "call 555-0100 on WhatsApp +1 480 555 0100",
]


def _texts() -> list[str]:
    assert len(CORPUS) > 1000, "the corpus is the reference set"
    return CORPUS + EXTRA


def _gated_rules(detectors: Sequence[RuleDetector]) -> list[PatternRule | PersonFactRule]:
    return [r for d in detectors for r in d.rules
            if isinstance(r, PatternRule | PersonFactRule) and r.gate is not None]


@pytest.fixture
def ungated() -> Iterator[list[PatternRule | PersonFactRule]]:
    """Every gated rule of the default rule detectors; their gates restored after the test."""
    rules = _gated_rules(rule_detectors())
    saved = [r.gate for r in rules]
    yield rules
    for rule, gate in zip(rules, saved, strict=True):
        object.__setattr__(rule, "gate", gate)


def _findings(detectors: Sequence[object], texts: list[str]) -> list[list[Finding]]:
    registry = Registry(detectors)  # type: ignore[arg-type]
    out: list[list[Finding]] = []
    for i in range(0, len(texts), 500):
        out += [d.findings for d in registry.detect_batch(texts[i : i + 500])]
    return out


def test_most_rules_have_a_gate_and_every_gate_holds_on_the_corpus() -> None:
    detectors = rule_detectors()
    gated = _gated_rules(detectors)
    assert len(gated) >= 40
    for rule in gated:
        assert rule.gate is not None
        for text in _texts():
            doc = normalize(text)
            view = doc.text if getattr(rule, "cased", False) else doc.lower
            if rule.regex.search(view):
                assert rule.gate(doc.lower), (rule.label, text)


def test_rule_findings_are_the_same_with_and_without_gates(
    ungated: list[PatternRule | PersonFactRule],
) -> None:
    detectors = rule_detectors()
    texts = _texts()
    gated = _findings(detectors, texts)
    assert sum(map(len, gated)) > 200  # the corpus exercises the rules
    for rule in ungated:
        object.__setattr__(rule, "gate", None)
    normalize.cache_clear()
    assert _findings(detectors, texts) == gated


def test_required_literals_of_small_patterns() -> None:
    assert required_literals(r"\bhope\s+(?:you|u)\b") == {"hope"}
    assert required_literals(r"\b(?:die|croak)\b|\bdrop\s+dead\b") == {"die", "croak", "drop"}
    assert required_literals(r"colou?r") == {"color", "colour"}
    assert required_literals(r"\w+@\w+") == {"@"}
    assert required_literals(r"(?:ab)?\d") is None
    assert required_literals(r"[^.]{3}") is None
    # Under (?i) the letters with non-ASCII case partners (İ ı ſ K) are unknown...
    assert required_literals(r"(?i:kiss)") is None
    assert required_literals(r"(?i:mask)") == {"ma"}
    # ...except for ASCII texts, which cannot hold the partners.
    assert required_literals(r"(?i:kiss)", ascii_text=True) == {"kiss"}
    assert required_literals(r"AKIA[0-9A-Z]{16}") == {"akia"}


def test_a_gate_drops_strings_that_hold_another_and_tests_many_by_a_trie() -> None:
    gate = LiteralGate(frozenset({"like", "likes", "follow", "followers"}))
    assert gate.strings == ("like", "follow")
    many = LiteralGate(frozenset(f"w{i}x" for i in range(40)))
    assert many("a w17x b") and not many("w1 x")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aikKsSİıſ ydoneu'-\u212a", max_size=30))
def test_a_gate_never_rejects_a_text_its_pattern_matches(text: str) -> None:
    for pattern, flags in [(r"(?i:kiss|dyke|is)\b", 0), (r"\bsky(?:diver)?s?", re.I),
                           (r"(?<!\w)(?:you|done)(?!\w)", re.I)]:
        gate = literal_gate(pattern, flags)
        if gate is not None and re.search(pattern, text, flags):
            assert gate(text.lower())
        ascii_gate = literal_gate(pattern, flags, ascii_text=True)
        if ascii_gate is not None and text.isascii() and re.search(pattern, text, flags):
            assert ascii_gate(text.lower())


def test_names_and_class_namer_answer_the_same_without_their_gates() -> None:
    names, namer = NameFinder(), ClassNamer()
    texts = _texts()
    masked = [names.mask(t) for t in texts]
    classes = [namer.classes(t) for t in texts]
    assert sum(m != t for m, t in zip(masked, texts, strict=True)) > 0
    assert sum(map(len, classes)) > 100
    lexicon = names.lexicon
    for attribute in ("word_gate", "place_gate"):
        lexicon.__dict__[attribute] = None  # the cached property, emptied
    namer._gates = dict.fromkeys(namer._gates)
    assert [names.mask(t) for t in texts] == masked
    assert [namer.classes(t) for t in texts] == classes


def _reference_explain(model: CommentModel, texts: Sequence[str], features: object,
                       hits: np.ndarray, top: int = 3) -> dict[tuple[int, int], list[Contribution]]:
    """The explanation algorithm before the speed-up: n-grams found again for the texts with
    a hit, shares by ``np.unique`` and the matrix's fancy indexing."""
    weights = model.heads_.coef_
    vectorizer = model.vectorizer_
    pieces: list[re.Match[str]] = []
    owners: list[int] = []
    for i in np.flatnonzero(hits.any(axis=1)).tolist():
        found = list(chunks(texts[i][: vectorizer.max_chars]))
        pieces += found
        owners += [i] * len(found)
    if not pieces:
        return {}
    chunk_rows = np.array(owners, dtype=np.int64)
    g = vectorizer.grams([p.group() for p in pieces], chunk_rows)
    cols = np.concatenate([g.word_cols, g.pair_cols,
                           g.char_cols.astype(np.int64) + vectorizer.n_word_features])
    chunk_of = np.concatenate([g.word_chunk, g.pair_left, g.char_chunk])
    width = features.shape[1]  # type: ignore[attr-defined]
    keys = chunk_rows[chunk_of] * width + cols
    uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    values = np.asarray(features[uniq // width, uniq % width]).ravel()  # type: ignore[index]
    share = values[inverse] / counts[inverse]
    pairs = slice(len(g.word_cols), len(g.word_cols) + len(g.pair_cols))
    share[pairs] /= 2
    cols = np.concatenate([cols, cols[pairs]])
    chunk_of = np.concatenate([chunk_of, g.pair_right])
    share = np.concatenate([share, share[pairs]])
    out: dict[tuple[int, int], list[Contribution]] = {}
    for head in np.flatnonzero(hits.any(axis=0)).tolist():
        mine = hits[chunk_rows[chunk_of], head]
        scores = np.bincount(chunk_of[mine], minlength=len(pieces),
                             weights=share[mine] * weights[head, cols[mine]])
        best = np.flatnonzero(hits[chunk_rows, head] & (scores > 0))
        best = best[np.lexsort((-scores[best], chunk_rows[best]))]
        rows = chunk_rows[best]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        for j in sorted(best[rank < top].tolist()):
            piece = pieces[j]
            out.setdefault((owners[j], head), []).append(_trimmed(piece.start(), piece.group()))
    return out


def test_explanations_match_the_former_algorithm_on_the_corpus() -> None:
    model = shipped_model().model
    detector = MLDetector(model, "test")
    texts = [*_texts(), "  leading   spaces\tand\xa0odd\u2003space  idiot  "]
    explained = 0
    for i in range(0, len(texts), 500):
        batch = detector.features(texts[i : i + 500])
        proba = model.proba_from_features(batch.matrix)
        for threshold in (0.2, 0.6):
            hits = proba >= threshold
            new = model.explain(batch.scored, batch.matrix, hits, grams=batch.grams)
            assert new == _reference_explain(model, batch.scored, batch.matrix, hits)
            assert model.explain(batch.scored, batch.matrix, hits) == new  # grams found again
            explained += len(new)
    assert explained > 500


def test_chunk_features_are_the_same_cold_warm_and_overflowing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectorizer: CommentVectorizer = shipped_model().model.vectorizer_
    texts = [*_texts()[:800], "x" * 500 + " " + "y" * 200 + "z", "x" * 500]
    clear_chunk_cache()
    cold = vectorizer.transform(texts)
    warm = vectorizer.transform(texts)
    monkeypatch.setattr(features_module, "CACHE_CHUNKS", 50)
    clear_chunk_cache()
    small = vectorizer.transform(texts)
    for other in (warm, small):
        assert (cold != other).nnz == 0
        assert np.array_equal(cold.indices, other.indices)
        assert np.array_equal(cold.data, other.data)


def test_the_registry_pauses_the_collector_for_a_batch_only() -> None:
    seen: list[bool] = []

    class Probe:
        name, version = "probe", "1"

        def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
            seen.append(gc.isenabled())
            return [[] for _ in texts]

    assert gc.isenabled()
    Registry([Probe()]).detect_batch(["a"])
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left off when it was off
    finally:
        gc.enable()


def test_the_default_registry_on_the_corpus_is_deterministic_across_cache_states() -> None:
    registry = default_registry()
    texts = _texts()[:1000]
    first = [d.findings for d in registry.detect_batch(texts[:500])]
    first += [d.findings for d in registry.detect_batch(texts[500:])]
    clear_chunk_cache()
    normalize.cache_clear()
    again = [d.findings for d in registry.detect_batch(texts[:500])]
    again += [d.findings for d in registry.detect_batch(texts[500:])]
    assert again == first
