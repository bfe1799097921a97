"""Per-source calibration: a monotone map, per (source, category), from the shipped model's
score to a probability fitted on that source's own labeled comments.

The model is Platt-calibrated on its training mixture, where violations are common; on a
source where they are rare (or said differently) the same score means less. Each map is Platt
scaling on the logit of the shipped score, ``sigmoid(slope * logit(score) + offset)``: two
parameters, strictly increasing, stable with a few dozen examples of each class (isotonic
regression needs thousands and answers in steps; see
docs/decisions/0017-per-source-calibration.md). A category without
:data:`MIN_POSITIVES` positive and :data:`MIN_NEGATIVES` negative examples of a source, or
whose fitted slope is not positive, gets no map and keeps the shipped score.

The file is written with skops (plain builtins only, never pickle), its version is a hash of
its content, and it names the model version it was fitted on: loading it against another
model raises :class:`CalibrationFileError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifiers.ml.data import Example
from classifiers.ml.detector import REVIEW_ONLY, REVIEW_ONLY_CEILING, MLDetector
from classifiers.skops_file import StateFileError, content_version, dump_state, load_state
from pipeline.records import Finding

FORMAT = 1
MIN_POSITIVES = 30
"""A (source, category) map needs at least this many positive labeled examples..."""
MIN_NEGATIVES = 30
"""...and this many negative ones; with fewer the category keeps the shipped score."""
_EPS = 1e-6


class CalibrationFileError(StateFileError):
    """The calibration file is unusable: untrusted types, wrong format, hash or model."""


@dataclass(frozen=True)
class PlattMap:
    """``sigmoid(slope * logit(score) + offset)`` and the examples it was fitted on."""

    slope: float
    offset: float
    positives: int
    negatives: int

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """The calibrated probabilities of shipped scores."""
        p = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1.0 - _EPS)
        z = self.slope * np.log(p / (1.0 - p)) + self.offset
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out


@dataclass(frozen=True)
class Skipped:
    """A (source, category) left on the shipped score, and why."""

    source: str
    category: str
    reason: str


@dataclass(frozen=True)
class SourceCalibration:
    """Every per-source map, the model version they were fitted on and their content hash."""

    model_version: str
    maps: Mapping[str, Mapping[str, PlattMap]]
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def version(self) -> str:
        """The content hash of the maps and the model version (``cal-`` + 16 hex digits)."""
        return _version(_state(self))

    def sources(self) -> tuple[str, ...]:
        """The sources with at least one map."""
        return tuple(sorted(s for s, maps in self.maps.items() if maps))

    def calibrate(self, source: str, category: str, scores: np.ndarray) -> np.ndarray:
        """Scores of one category from ``source`` mapped (unchanged without a map)."""
        fitted = self.maps.get(source, {}).get(category)
        scores = np.asarray(scores, dtype=np.float64)
        if fitted is None:
            return scores
        mapped = fitted(scores)
        return np.minimum(mapped, REVIEW_ONLY_CEILING) if category in REVIEW_ONLY else mapped

    def rescore(self, sources: Sequence[str], findings: list[Finding]) -> list[Finding]:
        """The findings with the linear model's scores mapped by the first of ``sources``
        (most specific first) that has a map; other findings, and every finding of a source
        without one, are returned unchanged."""
        source = next((s for s in sources if self.maps.get(s)), None)
        if source is None:
            return findings
        maps = self.maps[source]
        out = []
        for finding in findings:
            if (finding.detector != MLDetector.name or finding.version != self.model_version
                    or finding.category not in maps):
                out.append(finding)
                continue
            score = float(self.calibrate(source, finding.category, np.array([finding.score]))[0])
            out.append(finding.model_copy(update={
                "score": round(min(max(score, 0.0), 1.0), 4),
                "version": f"{finding.version}+{self.version}",
                "label": f"{finding.label}, calibrated for {source}",
            }))
        return out


def fit_map(scores: np.ndarray, labels: np.ndarray, min_positives: int = MIN_POSITIVES,
            min_negatives: int = MIN_NEGATIVES) -> PlattMap | str:
    """A Platt map of shipped ``scores`` to 0/1 ``labels``, or the reason there is none."""
    labels = np.asarray(labels, dtype=np.int8)
    positives = int(labels.sum())
    negatives = int(len(labels) - positives)
    if positives < min_positives or negatives < min_negatives:
        return (f"{positives} positive, {negatives} negative examples "
                f"(needs {min_positives} and {min_negatives})")
    p = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1.0 - _EPS)
    logits = np.log(p / (1.0 - p))[:, None]
    scaler = LogisticRegression(C=1e4).fit(logits, labels)
    slope, offset = float(scaler.coef_[0, 0]), float(scaler.intercept_[0])
    if slope <= 0:
        return f"score does not rank this source's labels (slope {slope:.3f})"
    return PlattMap(slope, offset, positives, negatives)


def fit_calibration(
    model_version: str,
    labeled: Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    min_positives: int = MIN_POSITIVES,
    min_negatives: int = MIN_NEGATIVES,
) -> SourceCalibration:
    """Fit a map per (source, category) from ``labeled[source][category] = (scores, labels)``."""
    maps: dict[str, dict[str, PlattMap]] = {}
    skipped: list[Skipped] = []
    for source, per_category in sorted(labeled.items()):
        for category, (scores, labels) in sorted(per_category.items()):
            fitted = fit_map(scores, labels, min_positives, min_negatives)
            if isinstance(fitted, PlattMap):
                maps.setdefault(source, {})[category] = fitted
            else:
                skipped.append(Skipped(source, category, fitted))
    return SourceCalibration(model_version, maps, tuple(skipped))


def shipped_scores(detector: MLDetector, texts: Sequence[str]) -> np.ndarray:
    """Each text's score per head as the detector reports it (names masked, Town links
    blanked, review-only heads capped), below its reporting threshold too."""
    proba = detector.model.proba_from_features(detector.features(texts)[2])
    for k, category in enumerate(detector.categories):
        if category in REVIEW_ONLY:
            proba[:, k] = np.minimum(proba[:, k], REVIEW_ONLY_CEILING)
    return np.round(proba, 4)


def labeled_scores(detector: MLDetector, examples: Sequence[Example], window_chars: int,
                   batch: int = 500) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per category of the model: (shipped scores, 0/1 labels) of the examples whose label
    speaks for it."""
    texts = [e.text[:window_chars] for e in examples]
    parts = [shipped_scores(detector, texts[i : i + batch]) for i in range(0, len(texts), batch)]
    proba = np.vstack(parts) if parts else np.zeros((0, len(detector.categories)))
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for k, category in enumerate(detector.categories):
        rows = [i for i, e in enumerate(examples) if category in e.known]
        labels = np.array([category in examples[i].positives for i in rows], dtype=np.int8)
        out[category] = (proba[rows, k], labels)
    return out


def _state(calibration: SourceCalibration) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "method": "platt-on-logit",
        "model_version": calibration.model_version,
        "maps": {source: {category: [m.slope, m.offset, m.positives, m.negatives]
                          for category, m in sorted(maps.items())}
                 for source, maps in sorted(calibration.maps.items())},
        "skipped": [[s.source, s.category, s.reason] for s in calibration.skipped],
    }


def _version(state: dict[str, Any]) -> str:
    return content_version("cal-", {k: v for k, v in state.items() if k != "version"}, {})


def save_calibration(calibration: SourceCalibration, path: Path) -> str:
    """Write the maps to ``path`` (compressed skops); return the calibration's version."""
    state = _state(calibration)
    state["version"] = _version(state)
    dump_state(path, state)
    return str(state["version"])


def load_calibration(path: Path, model_version: str) -> SourceCalibration:
    """Read a calibration file fitted on ``model_version``; refuse untrusted types, another
    format, a content hash that does not match and maps fitted on another model."""
    state = load_state(path, FORMAT, "civicmod calibration", CalibrationFileError,
                       version=_version)
    if state["model_version"] != model_version:
        raise CalibrationFileError(f"{path}: fitted on model {state['model_version']}, "
                                   f"not on {model_version}; run `civicmod calibrate` again")
    maps = {source: {category: PlattMap(float(v[0]), float(v[1]), int(v[2]), int(v[3]))
                     for category, v in per.items()}
            for source, per in state["maps"].items()}
    skipped = tuple(Skipped(*row) for row in state["skipped"])
    return SourceCalibration(state["model_version"], maps, skipped)
