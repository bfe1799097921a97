"""The model cascade: the linear model's heads (a–d), then the semantic heads (e–h) on each
comment's static embedding and the linear model's features, in one detector over the same
windows.

A semantic finding is reported when its calibrated probability reaches both the policy's review
threshold and the head's own (chosen at training: ``classifiers.semantic.train``), and never
above :data:`CEILING`: the semantic stage may send a comment to review,
never hide it (its evidence is a guess at meaning, not a matched number or word). Its evidence
is the words whose n-grams raised the head's score the most.
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
from pipeline.records import Category, Finding

CEILING = 0.85
"""Below every remove threshold of the policy (0.9)."""
DEFAULT_MIN_SCORE = 0.5


@cache
def shipped_semantic(heads: Path = SEMANTIC_PATH, embedder: Path = EMBEDDER_PATH
                     ) -> SemanticModel:
    """The committed heads and embedder, read once per process."""
    return load_semantic(heads, embedder)


class ModelCascade(MLDetector):
    """The linear model (findings by ``ml``) and the semantic stage (findings by ``semantic``)
    over one feature matrix per batch. Its version names both models."""

    name = "ml+semantic"

    def __init__(self, ml: MLDetector, semantic: SemanticModel,
                 min_scores: Mapping[str, float] | None = None) -> None:
        if semantic.ml_version != ml.version:
            raise EmbedderFileError(f"semantic heads {semantic.version} were trained on the "
                                    f"features of {semantic.ml_version}, not {ml.version}")
        super().__init__(ml.model, ml.version, min_scores=min_scores,
                         town_domains=ml.town_domains, names=ml.names)
        self.semantic = semantic
        self.version = f"{ml.version}+{semantic.version}"
        self.semantic_categories: tuple[Category, ...] = semantic.categories  # type: ignore[assignment]
        given = min_scores or {}
        self.semantic_min = np.maximum(semantic.thresholds, [
            given.get(c, DEFAULT_MIN_SCORE) for c in self.semantic_categories])

    @classmethod
    def shipped_cascade(cls, model_path: Path, semantic_path: Path, embedder_path: Path,
                        town_domains: tuple[str, ...] = (),
                        min_scores: Mapping[str, float] | None = None) -> ModelCascade:
        """The cascade over committed (or given) files."""
        loaded = shipped_model(model_path)
        ml = MLDetector(loaded.model, loaded.version, town_domains=town_domains)
        return cls(ml, shipped_semantic(semantic_path, embedder_path), min_scores)

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in order."""
        batch = self.features(texts)
        windows = batch.windows
        out = self.findings(batch)
        proba = self.semantic.proba(self.semantic.embedder.embed(windows), batch.matrix)
        hits = proba >= self.semantic_min
        spans = self.model.explain(batch.scored, batch.matrix, hits, top=self.top_evidence,
                                   coef=self.semantic.word_coef, grams=batch.grams)
        for i, head in zip(*np.nonzero(hits), strict=True):
            out[i].append(Finding(
                category=self.semantic_categories[head],
                score=round(min(float(proba[i, head]), CEILING), 4),
                evidence=evidence_of(windows[i], spans.get((int(i), int(head)), [])),
                detector="semantic",
                version=self.semantic.version, label="semantic (review only)"))
        return out
