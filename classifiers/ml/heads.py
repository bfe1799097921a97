"""Per-category linear heads over one shared feature matrix, with calibrated probabilities."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

Splits = list[tuple[np.ndarray, np.ndarray]]


class _HeadFit(NamedTuple):
    coef: np.ndarray
    intercept: float
    platt: np.ndarray
    n_iter: int
    margins: np.ndarray | None
    """Out-of-fold margins of the head's rows (None without folds)."""


class CalibratedLinearHeads(ClassifierMixin, BaseEstimator):
    """One L2 logistic-regression head per label, each Platt-calibrated on out-of-fold scores.

    With a 1-d ``y`` it is an ordinary classifier (one head for two classes, one-vs-rest for
    more, probabilities normalised). With a 2-d 0/1 ``Y`` (one column per category) every
    column gets its own head and ``predict_proba`` returns one independent probability per
    column. ``label_mask`` (same shape as ``Y``) marks which labels are known: a row whose
    dataset says nothing about a category is left out of that category's head.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of each head.
    class_weight : None, "balanced" or dict
        Weights of the classes of ``y`` (of 0 and 1 in each column of a 2-d ``Y``).
    cv : int or iterable of (train, test) index arrays
        Stratified folds, or explicit splits, of the out-of-fold scores the Platt scaling is
        fitted on.
    max_iter : int
        Iterations of each logistic regression.
    random_state : int or None
        Seeds the folds and the solver.
    n_jobs : int or None
        Heads fitted at once, in threads (the solver releases the GIL); results do not
        depend on it.
    keep_out_of_fold : bool
        Keep each row's calibrated out-of-fold probability as ``out_of_fold_proba_`` (NaN
        where a head has no label or no folds), for choosing thresholds on rows no head saw.
    """

    def __init__(
        self,
        C: float = 4.0,
        class_weight: str | dict[Any, float] | None = None,
        cv: int | Iterable[tuple[np.ndarray, np.ndarray]] = 3,
        max_iter: int = 1000,
        random_state: int | None = None,
        n_jobs: int | None = None,
        keep_out_of_fold: bool = False,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.max_iter = max_iter
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.keep_out_of_fold = keep_out_of_fold

    def __sklearn_tags__(self) -> Any:
        """Sparse input and multi-label targets are supported."""
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        label_mask: Any = None,
    ) -> CalibratedLinearHeads:
        """Fit one calibrated head per label column (or per class of a 1-d ``y``)."""
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=np.float64, multi_output=True
        )
        weights = _sample_weight(sample_weight, X.shape[0])
        targets = self._targets(np.asarray(y))
        if not self.multilabel_ and self.class_weight is not None:
            weights = weights * compute_sample_weight(self.class_weight, y)
        folds, splits = (self.cv, None) if isinstance(self.cv, int) else (0, list(self.cv))
        mask = (
            np.ones(targets.shape, dtype=bool)
            if label_mask is None
            else np.asarray(label_mask, dtype=bool).reshape(targets.shape)
        )
        heads = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(self._fit_head)(X, target, weights, rows, folds, _restrict(splits, rows))
            for target, rows in zip(targets.T, mask.T, strict=True)
        )
        # Column-major, so that ``X @ coef_.T`` reads a row-major matrix (7x faster).
        self.coef_ = np.asfortranarray(np.vstack([fit.coef for fit in heads]))
        self.intercept_ = np.array([fit.intercept for fit in heads])
        self.calibration_ = np.vstack([fit.platt for fit in heads])
        self.n_iter_ = np.array([fit.n_iter for fit in heads])
        if self.keep_out_of_fold:
            self.out_of_fold_proba_ = np.full(targets.shape, np.nan)
            for column, (fit, rows) in enumerate(zip(heads, mask.T, strict=True)):
                if fit.margins is not None:
                    self.out_of_fold_proba_[rows, column] = expit(
                        fit.margins * fit.platt[0] + fit.platt[1])
        return self

    def _head_weights(self, weights: np.ndarray, target: np.ndarray) -> np.ndarray:
        if self.multilabel_ and self.class_weight is not None:
            return weights * compute_sample_weight(self.class_weight, target)
        return weights

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """A 0/1 matrix with one column per head; sets ``classes_`` and ``multilabel_``."""
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected",
                          DataConversionWarning, stacklevel=3)
            y = y.ravel()
        self.multilabel_ = y.ndim == 2
        if self.multilabel_:
            if type_of_target(y) != "multilabel-indicator":
                raise ValueError("a 2-d y must be a 0/1 label indicator matrix")
            self.classes_ = np.arange(y.shape[1])
            return y.astype(np.int8)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("got one class; needs samples of at least 2 classes to fit")
        if len(self.classes_) == 2:
            return (encoded == 1).astype(np.int8)[:, None]
        return (encoded[:, None] == np.arange(len(self.classes_))).astype(np.int8)

    def _fit_head(
        self,
        X: Any,
        target: np.ndarray,
        weights: np.ndarray,
        rows: np.ndarray,
        folds: int,
        splits: Splits | None,
    ) -> _HeadFit:
        """Coefficients, intercept, Platt (slope, offset), iterations and out-of-fold margins
        of one head."""
        X, target = X[rows], target[rows]
        weights = self._head_weights(weights[rows], target)
        if len(np.unique(target)) < 2:
            raise ValueError("got one class; every head needs samples of 2 classes to fit")
        margins = self._out_of_fold_margins(X, target, weights, folds, splits)
        head = self._linear().fit(X, target, sample_weight=weights)
        if margins is None:  # too few samples for folds: keep the head's own probabilities
            platt = np.array([1.0, 0.0])
        else:
            scaler = LogisticRegression(C=1e4).fit(margins[:, None], target, weights)
            platt = np.array([scaler.coef_[0, 0], scaler.intercept_[0]])
            if platt[0] <= 0:  # a head no better than chance must not invert its scores
                platt = np.array([1.0, 0.0])
        return _HeadFit(head.coef_[0].astype(np.float64), float(head.intercept_[0]), platt,
                        int(np.max(head.n_iter_)), margins)

    def _out_of_fold_margins(
        self, X: Any, target: np.ndarray, weights: np.ndarray, folds: int, splits: Splits | None
    ) -> np.ndarray | None:
        """Each row's head score from a head not fitted on it; None when folds are impossible."""
        if splits is None:
            folds = min(folds, int(np.bincount(target).min()))
            if folds < 2:
                return None
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            splits = list(splitter.split(np.zeros(len(target)), target))
        margins = np.zeros(len(target))
        for train, test in splits:
            if len(np.unique(target[train])) < 2:
                return None
            head = self._linear().fit(X[train], target[train], sample_weight=weights[train])
            margins[test] = head.decision_function(X[test])
        return margins

    def _linear(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C,
            solver="liblinear",
            max_iter=self.max_iter,
            random_state=self.random_state,
        )

    def decision_function(self, X: Any) -> np.ndarray:
        """Calibrated log-odds: one column per head (a vector for two classes)."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        margins = np.asarray(X @ self.coef_.T) + self.intercept_
        logits = margins * self.calibration_[:, 0] + self.calibration_[:, 1]
        return logits[:, 0] if not self.multilabel_ and len(self.classes_) == 2 else logits

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities: per column for multi-label, normalised otherwise."""
        logits = self.decision_function(X)
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(-logits))
        if self.multilabel_:
            return p
        if p.ndim == 1:
            return np.column_stack([1.0 - p, p])
        total = p.sum(axis=1, keepdims=True)
        return np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)

    def predict(self, X: Any) -> np.ndarray:
        """Labels: 0/1 per column at probability 0.5 for multi-label, else the likeliest class."""
        proba = self.predict_proba(X)
        if self.multilabel_:
            return (proba >= 0.5).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]


def _restrict(splits: Splits | None, rows: np.ndarray) -> Splits | None:
    """Explicit splits renumbered to the rows a head is fitted on."""
    if splits is None:
        return None
    position = np.cumsum(rows) - 1
    return [(position[train[rows[train]]], position[test[rows[test]]]) for train, test in splits]


def _sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n_samples)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {weights.shape}")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight must be finite and non-negative")
    return weights
