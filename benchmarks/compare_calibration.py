"""Which per-source map, fitted on which rows: Platt on the logit or isotonic regression,
fitted on a dataset's train part (rows the model was trained on) or on half of its held-out
part, each measured by log loss and Brier score on the other held-out half.

    .venv/bin/python -m benchmarks.compare_calibration [--data ../shared/datasets]

Takes about a minute on 2 cores. Prints numbers only, never a text of any dataset.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, log_loss

from classifiers.ml.calibration import MIN_POSITIVES, PlattMap, fit_map, labeled_scores
from classifiers.ml.data import split_examples
from classifiers.ml.datasets import available
from classifiers.ml.defaults import DEFAULT_DATA_DIR
from classifiers.ml.detector import MLDetector, shipped_model

WINDOW = 10_000
_FLOOR = 1e-4


def _isotonic(scores: np.ndarray, labels: np.ndarray) -> IsotonicRegression:
    return IsotonicRegression(out_of_bounds="clip", y_min=_FLOOR, y_max=1 - _FLOOR).fit(
        scores, labels)


def main() -> None:
    """Print one row per (dataset, category) with enough positives on both sides."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    detector = MLDetector.shipped()
    seed = int(shipped_model().meta.get("seed", 0))
    fits = ("shipped", "platt/train", "platt/held-out", "isotonic/train", "isotonic/held-out")
    print("| dataset | category | measured on (positives) | "
          + " | ".join(f"{f}: log loss, Brier" for f in fits) + " |")
    print("| --- | --- | ---: | " + " | ".join("---" for _ in fits) + " |")
    for dataset in available(args.data):
        train, test = split_examples(dataset.load(args.data), seed)
        on_train = labeled_scores(detector, train, WINDOW)
        on_test = labeled_scores(detector, test, WINDOW)
        rng = np.random.default_rng(seed)
        for category in detector.categories:
            train_scores, train_labels = on_train[category]
            scores, labels = on_test[category]
            if labels.sum() < 2 * 10 or train_labels.sum() < MIN_POSITIVES:
                continue
            order = rng.permutation(len(labels))
            fit, measure = order[: len(order) // 2], order[len(order) // 2 :]
            held_map = fit_map(scores[fit], labels[fit], 10, 10)
            train_map = fit_map(train_scores, train_labels)
            predicted = {
                "shipped": scores[measure],
                "platt/train": (train_map(scores[measure])
                                if isinstance(train_map, PlattMap) else None),
                "platt/held-out": (held_map(scores[measure])
                                   if isinstance(held_map, PlattMap) else None),
                "isotonic/train": _isotonic(train_scores, train_labels).predict(scores[measure]),
                "isotonic/held-out": _isotonic(scores[fit], labels[fit]).predict(
                    scores[measure]),
            }
            truth = labels[measure]
            cells = []
            for name in fits:
                p = predicted[name]
                if p is None:
                    cells.append("–")
                    continue
                p = np.clip(p, _FLOOR, 1 - _FLOOR)
                cells.append(f"{log_loss(truth, p, labels=[0, 1]):.3f}, "
                             f"{brier_score_loss(truth, p):.3f}")
            print(f"| {dataset.name} | {category} | {len(truth):,} ({int(truth.sum()):,}) | "
                  + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
