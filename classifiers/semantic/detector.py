"""The model cascade: the linear model's heads (a–d), then the semantic heads (e–h) on each
comment's static embedding and the linear model's features, then (when shipped) the intent
model on the comments a semantic head gives at least :data:`GATE`, in one detector over the
same windows.

A semantic finding is reported when a static head's calibrated probability reaches both the
policy's review threshold and the head's own (chosen at training:
``classifiers.semantic.train``), or when the intent model's does (its own threshold chosen by
``classifiers.semantic.intent_train``) for a comment it read (decision 0020). Never above
:data:`CEILING`: the semantic stage may send a comment to review, never hide it (its evidence is
a guess at meaning, not a matched number or word). Its evidence is the words whose n-grams
raised the static head's score the most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from classifiers.ml.defaults import EMBEDDER_PATH, SEMANTIC_PATH
from classifiers.ml.detector import MLDetector, evidence_of, shipped_model
from classifiers.semantic.embedder import EmbedderFileError
from classifiers.semantic.heads import SemanticModel, load_semantic
from classifiers.semantic.intent import IntentModel, shipped_intent
from pipeline.records import Category, Finding

CEILING = 0.85
"""Below every remove threshold of the policy (0.9)."""
GATE = 0.1
"""The intent model reads a comment when a static semantic head gives it at least this.
Measured (decision 0020): about 1% of the public datasets' comments, a third of the
hand-written civic ones, and 95–99% of the held-out plain-words violations per category."""
DEFAULT_MIN_SCORE = 0.5


@cache
def shipped_semantic(heads: Path = SEMANTIC_PATH, embedder: Path = EMBEDDER_PATH
                     ) -> SemanticModel:
    """The committed heads and embedder, read once per process."""
    return load_semantic(heads, embedder)


class ModelCascade(MLDetector):
    """The linear model (findings by ``ml``) and the semantic stage (findings by ``semantic``)
    over one feature matrix per batch, and the intent model (findings by ``semantic`` too) on the
    comments the semantic heads pass through :data:`GATE`. Its version names every model."""

    name = "ml+semantic"

    def __init__(self, ml: MLDetector, semantic: SemanticModel,
                 min_scores: Mapping[str, float] | None = None,
                 intent: IntentModel | None = None) -> None:
        if semantic.ml_version != ml.version:
            raise EmbedderFileError(f"semantic heads {semantic.version} were trained on the "
                                    f"features of {semantic.ml_version}, not {ml.version}")
        super().__init__(ml.model, ml.version, min_scores=min_scores,
                         town_domains=ml.town_domains, names=ml.names)
        self.semantic = semantic
        self.semantic_categories: tuple[Category, ...] = semantic.categories  # type: ignore[assignment]
        self.intent = intent
        # The heads the intent model serves (those of its categories), and its column of each.
        served = [c for c in semantic.categories if intent and c in intent.categories]
        if intent is not None and not served:
            raise EmbedderFileError(f"intent model {intent.version} has categories "
                                    f"{intent.categories}, none of the heads' "
                                    f"{semantic.categories}")
        self.served_heads = [semantic.categories.index(c) for c in served]
        self.intent_columns = [intent.categories.index(c) for c in served] if intent else []
        self.semantic_version = semantic.version + (f"+{intent.version}" if intent else "")
        self.version = f"{ml.version}+{self.semantic_version}"
        given = [(min_scores or {}).get(c, DEFAULT_MIN_SCORE) for c in self.semantic_categories]
        self.semantic_min = np.maximum(semantic.thresholds, given)
        self.intent_min = (np.maximum(intent.thresholds[self.intent_columns],
                                      np.asarray(given)[self.served_heads]) if intent else None)

    @classmethod
    def shipped_cascade(cls, model_path: Path, semantic_path: Path, embedder_path: Path,
                        town_domains: tuple[str, ...] = (),
                        min_scores: Mapping[str, float] | None = None,
                        intent_path: Path | None = None) -> ModelCascade:
        """The cascade over committed (or given) files; no intent model without a path."""
        loaded = shipped_model(model_path)
        ml = MLDetector(loaded.model, loaded.version, town_domains=town_domains)
        intent = shipped_intent(intent_path) if intent_path is not None else None
        return cls(ml, shipped_semantic(semantic_path, embedder_path), min_scores, intent)

    def semantic_scores(self, windows: Sequence[str], static: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Per window and category, whether the semantic stage finds it and the probability it
        reports: a static head's at its own threshold, or the intent model's at its own for the
        windows a static head of its categories gives at least :data:`GATE` (the higher one where
        both find)."""
        hits = static >= self.semantic_min
        scores = np.where(hits, static, 0.0)
        if self.intent is None or self.intent_min is None:
            return hits, scores
        served = np.asarray(self.served_heads, dtype=np.intp)
        gated = np.flatnonzero((static[:, served] >= GATE).any(axis=1))
        if gated.size:
            intent = self.intent.proba([windows[i] for i in gated.tolist()])[
                :, self.intent_columns]
            found = intent >= self.intent_min
            rows = np.ix_(gated, served)
            hits[rows] |= found
            scores[rows] = np.maximum(scores[rows], np.where(found, intent, 0.0))
        return hits, scores

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in order."""
        batch = self.features(texts)
        windows = batch.windows
        out = self.findings(batch)
        static = self.semantic.proba(self.semantic.embedder.embed(windows), batch.matrix)
        hits, proba = self.semantic_scores(windows, static)
        spans = self.model.explain(batch.scored, batch.matrix, hits, top=self.top_evidence,
                                   coef=self.semantic.word_coef, grams=batch.grams)
        for i, head in zip(*np.nonzero(hits), strict=True):
            out[i].append(Finding(
                category=self.semantic_categories[head],
                score=round(min(float(proba[i, head]), CEILING), 4),
                evidence=evidence_of(windows[i], spans.get((int(i), int(head)), [])),
                detector="semantic",
                version=self.semantic_version, label="semantic (review only)"))
        return out
