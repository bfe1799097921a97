"""The comment model: one shared vectoriser, one calibrated linear head per category."""

from __future__ import annotations

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
    """A span of the text and how much it pushed one head's score up (in log-odds)."""

    start: int
    end: int
    weight: float


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
        self,
        text: str,
        columns: np.ndarray,
        values: np.ndarray,
        heads: Sequence[int],
        top: int = 3,
    ) -> dict[int, list[Contribution]]:
        """For each head in ``heads``, the ``top`` chunks of ``text`` that raised it the most.

        ``columns`` and ``values`` are the text's feature row (sorted columns). Each n-gram's
        share of a head's linear score (feature value times coefficient) is split over its
        occurrences; a whitespace chunk collects its char n-grams, its words and half of each
        word pair it is part of.
        """
        check_is_fitted(self, "heads_")
        vectorizer = self.vectorizer_
        pieces = list(chunks(text[: vectorizer.max_chars]))
        if not pieces:
            return {head: [] for head in heads}
        parts = [vectorizer.chunk_columns(piece.text) for piece in pieces]
        char_cols = np.concatenate([c for c, _ in parts]).astype(np.int64)
        hashes = np.concatenate([w for _, w in parts])
        index = np.arange(len(pieces))
        char_owner = np.repeat(index, [len(c) for c, _ in parts])
        word_owner = np.repeat(index, [len(w) for _, w in parts])
        word_cols, _ = vectorizer.word_columns(hashes, np.zeros(len(hashes), dtype=np.int32))
        bigrams = word_cols[len(hashes) :].astype(np.int64)
        occurrences = np.concatenate(
            [char_cols + vectorizer.n_word_features, word_cols.astype(np.int64)]
        )
        uniq, counts = np.unique(occurrences, return_counts=True)
        cols = np.concatenate([occurrences, bigrams])  # each bigram once per word it joins
        owners = np.concatenate([char_owner, word_owner, word_owner[: len(bigrams)],
                                 word_owner[1 : 1 + len(bigrams)]])
        factor = np.ones(len(cols))
        factor[len(char_cols) + len(hashes) :] = 0.5
        where = np.minimum(np.searchsorted(columns, cols), max(len(columns) - 1, 0))
        present = (columns[where] == cols) if len(columns) else np.zeros(len(cols), bool)
        value = np.where(present, values[where] if len(values) else 0.0, 0.0)
        share = value * factor / counts[np.searchsorted(uniq, cols)]
        out: dict[int, list[Contribution]] = {}
        for head in heads:
            scores = np.bincount(owners, weights=share * self.heads_.coef_[head, cols],
                                 minlength=len(pieces))
            best = [i for i in np.argsort(-scores, kind="stable")[:top] if scores[i] > 0]
            out[head] = [_trimmed(pieces[i].start, pieces[i].text, float(scores[i]))
                         for i in sorted(best)]
        return out


def _trimmed(start: int, text: str, weight: float) -> Contribution:
    """The span of a chunk without surrounding punctuation (unless that is all it has)."""
    stripped = text.strip(_EDGE_PUNCTUATION)
    if not stripped:
        return Contribution(start, start + len(text), weight)
    lead = len(text) - len(text.lstrip(_EDGE_PUNCTUATION))
    return Contribution(start + lead, start + lead + len(stripped), weight)
