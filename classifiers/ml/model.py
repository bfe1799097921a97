"""The comment model: one shared vectoriser, one calibrated linear head per category."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from classifiers.ml.features import CommentVectorizer, chunks
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

    def explain(
        self, texts: Sequence[str], features: sp.csr_matrix, hits: np.ndarray, top: int = 3,
        coef: np.ndarray | None = None,
    ) -> dict[tuple[int, int], list[Contribution]]:
        """For each (text, head) where ``hits`` is true, the chunks that raised it the most.

        ``features`` is the batch's feature matrix (of the same, windowed texts). Each n-gram
        occurrence gets its share of the head's linear score (feature value times
        coefficient, split evenly over the n-gram's occurrences in the text); a whitespace
        chunk collects its char n-grams, its words and half of each word pair it is part of.
        At most ``top`` chunks with a positive sum are returned, in text order. ``coef``
        (one row per column of ``hits``) explains other heads over the same features; the
        model's own heads by default.
        """
        check_is_fitted(self, "heads_")
        weights = self.heads_.coef_ if coef is None else coef
        vectorizer = self.vectorizer_
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
        width = features.shape[1]
        keys = chunk_rows[chunk_of] * width + cols
        uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        values = np.asarray(features[uniq // width, uniq % width]).ravel()
        share = values[inverse] / counts[inverse]
        pairs = slice(len(g.word_cols), len(g.word_cols) + len(g.pair_cols))
        share[pairs] /= 2  # half to the left word's chunk here, half to the right one below
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
                out.setdefault((owners[j], head), []).append(
                    _trimmed(piece.start(), piece.group()))
        return out


def _trimmed(start: int, text: str) -> Contribution:
    """The span of a chunk without surrounding punctuation (unless that is all it has)."""
    stripped = text.strip(_EDGE_PUNCTUATION)
    if not stripped:
        return Contribution(start, start + len(text))
    lead = len(text) - len(text.lstrip(_EDGE_PUNCTUATION))
    return Contribution(start + lead, start + lead + len(stripped))
