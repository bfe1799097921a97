"""Fitting the semantic heads on the static embedding of each row.

Rows: every source's train part. The hand-written corpus labels every category; the public
datasets say nothing about e–h, and their rows count as negatives for them (tweets, forum
sentences, Wikipedia talk pages and SMS are assumed not to advocate illegal acts, infringe
marks, disclose someone's health or finances, or endanger public systems; the few that do
only cost recall). The exception is a public row labeled positive for a category (Jigsaw's
threats for h): it is left out of that head, since a threat in an edit war is not what h
means on a town page, and it is not a negative either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.ml.heads import CalibratedLinearHeads
from classifiers.ml.train import WEIGHTS, Source
from classifiers.semantic.embedder import StaticEmbedder, file_sha256, load_embedder_state
from classifiers.semantic.heads import save_heads

C = 1.0
"""Inverse regularisation of each head. Heads over the linear model's word features plus the
embedding (C=4, positives weighted 4) memorised the corpus's town vocabulary: held out, they
sent 17 of 56 legitimate comments to review; on the embedding alone, C=1, none (decision)."""


REVIEW_BUDGET = 0.0
"""Per head and per corpus file, the largest share of its legitimate train rows the head may
send to review. 0: each threshold sits above every legitimate train comment's score. With
0.5% the held-out civic comments went to review at 3.2% ("The courthouse security line took
an hour, please add staff." under h): viewpoint neutrality outranks the semantic stage's
recall (decision 0016). Per file, so that the easy templated identity mentions cannot dilute
the hard civic comments."""
_GRID = np.round(np.arange(0.5, 1.0, 0.01), 2)


def thresholds_for(proba: np.ndarray, budget: float = REVIEW_BUDGET) -> np.ndarray:
    """Per head (column of ``proba``, rows that must be allowed), the lowest threshold from 0.5
    that flags at most ``budget`` of the rows (0.99 if none does)."""
    out = []
    for column in proba.T:
        ok = [t for t in _GRID if np.mean(column >= t) <= budget]
        out.append(ok[0] if ok else 0.99)
    return np.array(out)


@dataclass(frozen=True)
class SemanticResult:
    """The saved heads: their version, file, categories and training rows."""

    version: str
    path: Path
    categories: tuple[str, ...]
    rows: int
    thresholds: tuple[float, ...]


def fit_semantic(sources: Sequence[Source], categories: Sequence[str], embedder_path: Path,
                 ml_version: str, out: Path, seed: int
                 ) -> SemanticResult:
    """Fit one calibrated head per category on the embedding; save them, pinned to the
    embedder's SHA-256 and to the linear model they are served beside (``ml_version``)."""
    rows = [(e, s) for s in sources for e in s.train]
    texts = [e.text for e, _ in rows]
    labels = np.array([[c in e.positives for c in categories] for e, _ in rows], dtype=np.int8)
    mask = np.array([[s.kind != "public" or c not in e.positives for c in categories]
                     for e, s in rows], dtype=bool)
    weights = np.array([WEIGHTS[s.kind] for _, s in rows])
    embedder = StaticEmbedder(load_embedder_state(embedder_path))
    features = embedder.embed(texts).astype(np.float64)
    heads = CalibratedLinearHeads(C=C, random_state=seed, n_jobs=2)
    heads.fit(features, labels, sample_weight=weights, label_mask=mask)
    thresholds = np.zeros(len(categories))
    for name in sorted({s.name for _, s in rows if s.kind == "corpus"}):
        clean = np.array([s.name == name and e.clean for e, s in rows])
        if clean.any():
            thresholds = np.maximum(thresholds,
                                    thresholds_for(heads.predict_proba(features[clean])))
    meta = {"seed": seed, "rows": len(texts), "C": C,
            "sources": sorted({s.name for _, s in rows})}
    version = save_heads(out, tuple(categories), heads.coef_, heads.intercept_,
                         heads.calibration_, thresholds, file_sha256(embedder_path), ml_version,
                         meta)
    return SemanticResult(version, out, tuple(categories), len(texts),
                          tuple(float(t) for t in thresholds))
