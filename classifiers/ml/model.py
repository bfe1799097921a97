"""The comment model: one shared vectoriser, one calibrated linear head per category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from classifiers.ml.features import CommentVectorizer, TextGrams, chunks
from classifiers.ml.heads import CalibratedLinearHeads

_EDGE_PUNCTUATION = "\"'()[]{}<>.,;:!?*_-~`"


@dataclass(frozen=True)
class Contribution:
    """A span of the text among those that raised one head's score the most."""

    start: int
    end: int


class CommentModel(ClassifierMixin, BaseEstimator):
    """Texts in, one calibrated probability per category out.

    Parameters
    ----------
    categories : tuple of str
        The policy letters, one head each, in the column order of ``Y``.
    vectorizer : CommentVectorizer or None
        The feature extractor (cloned when fitting); None means its defaults.
    heads : CalibratedLinearHeads or None
        The per-category heads (cloned when fitting); None means their defaults.
    """

    def __init__(
        self,
        categories: tuple[str, ...] = ("a", "b", "c"),
        vectorizer: CommentVectorizer | None = None,
        heads: CalibratedLinearHeads | None = None,
    ) -> None:
        self.categories = categories
        self.vectorizer = vectorizer
        self.heads = heads

    def __sklearn_tags__(self) -> Any:
        """Text in, one label column per category out."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.classifier_tags.multi_label = True
        return tags

    def fit(
        self,
        X: Sequence[str],
        y: Any,
        sample_weight: Any = None,
        label_mask: Any = None,
    ) -> CommentModel:
        """Fit the vectoriser on ``X``, vectorise once and fit every head on that matrix."""
        Y = np.asarray(y)
        if Y.ndim != 2 or Y.shape[1] != len(self.categories):
            raise ValueError(f"y must have one column per category {self.categories}")
        self.vectorizer_ = clone(self.vectorizer or CommentVectorizer()).fit(X)
        features = self.vectorizer_.transform(X)
        self.heads_ = clone(self.heads or CalibratedLinearHeads()).fit(
            features, Y, sample_weight=sample_weight, label_mask=label_mask
        )
        self.classes_ = np.array(self.categories)
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        """The shared feature matrix of a batch (computed once, used by every head)."""
        check_is_fitted(self, "heads_")
        return self.vectorizer_.transform(X)

    def proba_from_features(self, features: sp.csr_matrix) -> np.ndarray:
        """Per-category probabilities of an already vectorised batch."""
        check_is_fitted(self, "heads_")
        proba: np.ndarray = self.heads_.predict_proba(features)
        return proba

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """One calibrated probability per text and category, shape (n_texts, n_categories)."""
        return self.proba_from_features(self.transform(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """0/1 per text and category, at probability 0.5."""
        return (self.predict_proba(X) >= 0.5).astype(np.int64)

    def transform_grams(self, X: Sequence[str]) -> tuple[sp.csr_matrix, TextGrams]:
        """:meth:`transform`'s matrix and the n-gram occurrences :meth:`explain` reuses."""
        check_is_fitted(self, "heads_")
        return self.vectorizer_.transform_grams(X)

    def explain(
        self, texts: Sequence[str], features: sp.csr_matrix, hits: np.ndarray, top: int = 3,
        coef: np.ndarray | None = None, grams: TextGrams | None = None,
    ) -> dict[tuple[int, int], list[Contribution]]:
        """For each (text, head) where ``hits`` is true, the chunks that raised it the most.

        ``features`` is the batch's feature matrix (of the same, windowed texts) and ``grams``
        the occurrences it was counted from (:meth:`transform_grams`; found again when not
        given). Each n-gram occurrence gets its share of the head's linear score (feature
        value times coefficient, split evenly over the n-gram's occurrences in the text); a
        whitespace chunk collects its char n-grams, its words and half of each word pair it
        is part of. At most ``top`` chunks with a positive sum are returned, in text order.
        ``coef`` (one row per column of ``hits``) explains other heads over the same features;
        the model's own heads by default.
        """
        check_is_fitted(self, "heads_")
        weights = self.heads_.coef_ if coef is None else coef
        vectorizer = self.vectorizer_
        hit_rows: np.ndarray = np.asarray(hits.any(axis=1))
        if not hit_rows.any():
            return {}
        found = grams if grams is not None else vectorizer.text_grams(texts)
        g, chunk_rows = found.grams, found.chunk_rows.astype(np.int64)
        words = hit_rows[chunk_rows[g.word_chunk]]
        pairs_kept = hit_rows[chunk_rows[g.pair_left]]
        chars = hit_rows[chunk_rows[g.char_chunk]]
        word_cols, pair_cols = g.word_cols[words], g.pair_cols[pairs_kept]
        cols = np.concatenate([word_cols, pair_cols,
                               g.char_cols[chars].astype(np.int64) + vectorizer.n_word_features])
        chunk_of = np.concatenate([g.word_chunk[words], g.pair_left[pairs_kept],
                                   g.char_chunk[chars]])
        share = _shares(features, chunk_rows[chunk_of] * features.shape[1] + cols)
        pairs = slice(len(word_cols), len(word_cols) + len(pair_cols))
        share[pairs] /= 2  # half to the left word's chunk here, half to the right one below
        cols = np.concatenate([cols, cols[pairs]])
        chunk_of = np.concatenate([chunk_of, g.pair_right[pairs_kept]])
        share = np.concatenate([share, share[pairs]])
        n_chunks = len(chunk_rows)
        chunk_start = np.zeros(len(hits) + 1, dtype=np.int64)
        np.cumsum(np.bincount(chunk_rows, minlength=len(hits)), out=chunk_start[1:])
        spans = _ChunkSpans(texts, chunk_rows, chunk_start)
        out: dict[tuple[int, int], list[Contribution]] = {}
        for head in np.flatnonzero(hits.any(axis=0)).tolist():
            mine = hits[chunk_rows[chunk_of], head]
            scores = np.bincount(chunk_of[mine], minlength=n_chunks,
                                 weights=share[mine] * weights[head, cols[mine]])
            best = np.flatnonzero(hits[chunk_rows, head] & (scores > 0))
            best = best[np.lexsort((-scores[best], chunk_rows[best]))]
            rows = chunk_rows[best]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
            rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
            for j in sorted(best[rank < top].tolist()):
                row = int(chunk_rows[j])
                out.setdefault((row, head), []).append(
                    _trimmed(spans.start(j), found.chunks[j]))
        return out


def _shares(features: sp.csr_matrix, keys: np.ndarray) -> np.ndarray:
    """Each occurrence's feature value divided by the occurrences of its (row, column) key
    (``row * width + column``): the entries are found by binary search in the matrix's own
    sorted keys, and an entry absent from the matrix counts 0."""
    if not features.has_sorted_indices:
        features = features.sorted_indices()
    width = features.shape[1]
    entry_rows = np.repeat(np.arange(features.shape[0], dtype=np.int64),
                           np.diff(features.indptr))
    entry_keys = entry_rows * width + features.indices
    nnz = len(entry_keys)
    pos = np.minimum(np.searchsorted(entry_keys, keys), max(nnz - 1, 0))
    present = (entry_keys[pos] == keys) if nnz else np.zeros(len(keys), dtype=bool)
    values = np.where(present, features.data[pos] if nnz else 0.0, 0.0)
    slot = np.where(present, pos, nnz + np.arange(len(keys)))  # an absent key counts alone
    counts = np.bincount(slot, minlength=nnz + len(keys))[slot]
    share: np.ndarray = values / counts
    return share


class _ChunkSpans:
    """Start offsets of the chunks of a batch's texts, found when first asked for."""

    def __init__(self, texts: Sequence[str], chunk_rows: np.ndarray, chunk_start: np.ndarray
                 ) -> None:
        self.texts = texts
        self.chunk_rows = chunk_rows
        self.chunk_start = chunk_start
        self._starts: dict[int, list[int]] = {}

    def start(self, j: int) -> int:
        """The offset of chunk ``j`` in its text (the chunks of ``str.split()``, which are the
        matches of ``\\S+``; a text is scanned only up to the chunk asked for)."""
        row = int(self.chunk_rows[j])
        k = j - int(self.chunk_start[row])
        known = self._starts.get(row, [])
        if len(known) <= k:
            known = self._starts[row] = [
                m.start() for m in islice(chunks(self.texts[row]), k + 1)]
        return known[k]


def _trimmed(start: int, text: str) -> Contribution:
    """The span of a chunk without surrounding punctuation (unless that is all it has)."""
    stripped = text.strip(_EDGE_PUNCTUATION)
    if not stripped:
        return Contribution(start, start + len(text))
    lead = len(text) - len(text.lstrip(_EDGE_PUNCTUATION))
    return Contribution(start + lead, start + lead + len(stripped))
