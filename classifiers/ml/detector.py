"""The comment model as a detector: one finding per category whose probability is high enough."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.features import TextGrams
from classifiers.ml.model import CommentModel, Contribution
from classifiers.ml.persist import LoadedModel, load_model
from classifiers.ml.protected import ClassNamer
from classifiers.names import NameFinder
from classifiers.urls import blank_links_to
from pipeline.records import Category, Evidence, Finding

DEFAULT_MIN_SCORE = 0.2
"""Where a category the detector is given no threshold for is reported from."""
REVIEW_ONLY: frozenset[str] = frozenset({"d"})
REVIEW_ONLY_CEILING = 0.85
"""Scores of ``REVIEW_ONLY`` categories stop here, below the policy's remove threshold (0.9).

The policy hides spam (d) automatically. Out of its training domain (tweets, forum posts,
Wikipedia talk pages) the spam head scored 0.9 or more on 115 of the 28,438 public-dataset
texts labeled clean: the model may send a comment to review as spam, never hide it; the rule
detectors, whose evidence is explicit, can."""


class Vectorised(NamedTuple):
    """A batch as the model reads it: each text's window, the window with Town links and
    names blanked (what is scored), its feature matrix and the n-grams counted into it."""

    windows: list[str]
    scored: list[str]
    matrix: sp.csr_matrix
    grams: TextGrams


@cache
def shipped_model(path: Path = MODEL_PATH) -> LoadedModel:
    """The committed model, read once per process."""
    return load_model(path)


class MLDetector:
    """Scores a batch with every head at once and explains each finding by its top words.

    A finding is emitted when a category's calibrated probability reaches its ``min_scores``
    entry (the policy's review thresholds in the default registry: a finding below them would
    not count, so it is neither reported nor explained). Its evidence is the words that raised
    the score most; a category-c finding's label names the protected classes the text mentions.
    Texts are scored on their first ``max_chars`` characters.
    """

    name = "ml"

    def __init__(
        self,
        model: CommentModel,
        version: str,
        min_scores: Mapping[str, float] | None = None,
        top_evidence: int = 3,
        class_namer: ClassNamer | None = None,
        town_domains: tuple[str, ...] = (),
        names: NameFinder | None = None,
    ) -> None:
        self.model = model
        self.names = names or NameFinder()
        self.town_domains = town_domains
        self.version = version
        self.model_version = version
        self.top_evidence = top_evidence
        self.max_chars = model.vectorizer_.max_chars
        self.class_namer = class_namer or ClassNamer()
        self.categories: tuple[Category, ...] = tuple(model.categories)  # type: ignore[arg-type]
        given = min_scores or {}
        self.min_scores = np.array([given.get(c, DEFAULT_MIN_SCORE) for c in self.categories])

    @classmethod
    def shipped(
        cls, path: Path = MODEL_PATH, town_domains: tuple[str, ...] = (),
        min_scores: Mapping[str, float] | None = None,
    ) -> MLDetector:
        """The detector over the committed model file."""
        loaded = shipped_model(path)
        return cls(loaded.model, loaded.version, min_scores=min_scores,
                   town_domains=town_domains)

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in order."""
        return self.findings(self.features(texts))

    def features(self, texts: Sequence[str]) -> Vectorised:
        """The windows of a batch, the texts the model reads and their features."""
        windows = [text[: self.max_chars] for text in texts]
        # Links to the Town's own domains are never spam, names ("Dick Johnson", "Hooker Rd")
        # are not vulgar: the model sees neither.
        scored = [self.names.mask(blank_links_to(w, self.town_domains)) for w in windows]
        return Vectorised(windows, scored, *self.model.transform_grams(scored))

    def findings(self, batch: Vectorised) -> list[list[Finding]]:
        """The findings of a batch from :meth:`features`' result."""
        windows, scored, features = batch.windows, batch.scored, batch.matrix
        proba = self.model.proba_from_features(features)
        hits = proba >= self.min_scores
        spans = self.model.explain(scored, features, hits, top=self.top_evidence,
                                   grams=batch.grams)
        out: list[list[Finding]] = [[] for _ in windows]
        for i, head in zip(*np.nonzero(hits), strict=True):
            out[i].append(self._finding(windows[i], int(head), float(proba[i, head]),
                                        spans.get((int(i), int(head)), [])))
        return out

    def _finding(self, text: str, head: int, score: float, spans: list[Contribution]
                 ) -> Finding:
        category = self.categories[head]
        evidence = evidence_of(text, spans)
        label = "model"
        if category in REVIEW_ONLY:
            score = min(score, REVIEW_ONLY_CEILING)
            label = "model (review only)"
        if category == "c":
            named = self.class_namer.classes(text)
            label = "model: " + (", ".join(named) if named else "class not named")
        return Finding(
            category=category,
            score=round(min(max(score, 0.0), 1.0), 4),
            evidence=evidence,
            detector=MLDetector.name,
            version=self.model_version,
            label=label,
        )


def evidence_of(text: str, spans: Sequence[Contribution]) -> tuple[Evidence, ...]:
    """The evidence of a finding: the explained spans of ``text``, as they read there."""
    return tuple(Evidence(start=s.start, end=s.end, text=printable(text[s.start : s.end]))
                 for s in spans)


def printable(text: str) -> str:
    """``text`` with lone surrogates replaced, so evidence always serialises."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")
