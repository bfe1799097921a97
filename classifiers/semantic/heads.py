"""The semantic heads file: one calibrated linear head per category over the static embedding
and the linear model's word and char n-gram features (the cascade computes both per batch).

Saved with skops (never pickle) as plain arrays. Its version is a hash of the arrays, of the
embedding file's SHA-256 and of the linear model's version, which it records: loading refuses
an embedding file with other bytes, and the cascade refuses another linear model (both are
trained together by ``civicmod train``), so a verdict's detector version names them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from classifiers.semantic.embedder import (
    EmbedderFileError,
    StaticEmbedder,
    load_embedder_state,
)
from classifiers.skops_file import content_version, dump_state, load_state

FORMAT = 2
_ARRAYS = ("coef", "word_coef", "intercept", "calibration", "thresholds")


@dataclass(frozen=True)
class SemanticModel:
    """The embedder and the heads that read its vectors."""

    embedder: StaticEmbedder
    categories: tuple[str, ...]
    coef: np.ndarray
    """float32, shape (heads, embedding dims)."""
    word_coef: np.ndarray
    """float32, shape (heads, the linear model's feature columns), column-major (so that
    ``features @ word_coef.T`` reads it row by row)."""
    intercept: np.ndarray
    calibration: np.ndarray
    """Platt (slope, offset) per head."""
    thresholds: np.ndarray
    """Per head, the probability a finding needs (chosen at training within a review budget)."""
    ml_version: str
    """The linear model the heads were trained and are served beside."""
    version: str
    meta: dict[str, Any]

    def proba(self, embeddings: np.ndarray, features: sp.spmatrix) -> np.ndarray:
        """Calibrated probabilities per text and head, from the texts' embeddings and the
        linear model's features of the same texts."""
        margins = (embeddings @ self.coef.T + np.asarray(features @ self.word_coef.T)
                   + self.intercept)
        logits = margins * self.calibration[:, 0] + self.calibration[:, 1]
        with np.errstate(over="ignore"):
            out: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return out


def _version(state: dict[str, Any]) -> str:
    plain = {k: state[k] for k in ("format", "categories", "embedder_sha256", "ml_version")}
    return content_version("sem-", plain, {name: state[name] for name in _ARRAYS})


def save_heads(path: Path, categories: tuple[str, ...], coef: np.ndarray,
               word_coef: np.ndarray, intercept: np.ndarray, calibration: np.ndarray,
               thresholds: np.ndarray,
               embedder_sha256: str,
               ml_version: str, meta: dict[str, Any]) -> str:
    """Write the heads (compressed skops); return their version."""
    state: dict[str, Any] = {
        "format": FORMAT, "categories": list(categories), "embedder_sha256": embedder_sha256,
        "ml_version": ml_version,
        "coef": np.asarray(coef, np.float32), "word_coef": np.asarray(word_coef, np.float32),
        "intercept": np.asarray(intercept, np.float64),
        "calibration": np.asarray(calibration, np.float64),
        "thresholds": np.asarray(thresholds, np.float64),
    }
    state["version"] = _version(state)
    state["meta"] = meta
    dump_state(path, state)
    return str(state["version"])


def load_semantic(heads_path: Path, embedder_path: Path) -> SemanticModel:
    """Read the heads and the embedding file they were trained on, checking both."""
    state = load_state(heads_path, FORMAT, "semantic heads file", EmbedderFileError,
                       version=_version)
    embedder = StaticEmbedder(load_embedder_state(embedder_path, state["embedder_sha256"]))
    return SemanticModel(embedder, tuple(state["categories"]),
                         np.asarray(state["coef"], np.float32),
                         np.asfortranarray(state["word_coef"], np.float32),
                         np.asarray(state["intercept"], np.float64),
                         np.asarray(state["calibration"], np.float64),
                         np.asarray(state["thresholds"], np.float64),
                         str(state["ml_version"]), str(state["version"]),
                         dict(state.get("meta") or {}))
