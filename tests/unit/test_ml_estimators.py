"""The machine-learned parts follow the scikit-learn estimator contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from classifiers.ml.features import CommentVectorizer
from classifiers.ml.heads import CalibratedLinearHeads
from classifiers.ml.model import CommentModel


@parametrize_with_checks([CalibratedLinearHeads(random_state=0)])
def test_heads_pass_the_estimator_checks(estimator: Any, check: Callable[[Any], None]) -> None:
    check(estimator)


@pytest.mark.parametrize("estimator", [CommentVectorizer(), CommentModel()], ids=type)
@pytest.mark.parametrize(
    "check",
    [check_no_attributes_set_in_init, check_get_params_invariance, check_set_params,
     check_parameters_default_constructible],
)
def test_text_estimators_keep_the_parameter_contract(estimator: Any, check: Any) -> None:
    """Text-in estimators get no data checks from sklearn; the parameter ones still apply."""
    check(type(estimator).__name__, estimator)


def test_multilabel_heads_skip_rows_whose_label_is_unknown() -> None:
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4)
    Y = np.column_stack([X[:, 0] > 0.5, X[:, 1] > 0.5]).astype(int)
    mask = np.ones_like(Y, dtype=bool)
    mask[:30, 1] = False
    Y_noisy = Y.copy()
    Y_noisy[:30, 1] = 1 - Y[:30, 1]  # wrong labels, but marked unknown
    masked = CalibratedLinearHeads(random_state=0).fit(X, Y_noisy, label_mask=mask)
    clean = CalibratedLinearHeads(random_state=0).fit(X[30:], Y[30:, 1])
    assert np.allclose(masked.coef_[1], clean.coef_[0])
    assert masked.predict_proba(X).shape == (60, 2)


def test_out_of_fold_probabilities_come_from_heads_that_did_not_see_the_row() -> None:
    rng = np.random.RandomState(0)
    X = rng.rand(90, 40)  # more columns than signal: a head fits its own rows too well
    Y = np.column_stack([X[:, 0] + 0.3 * rng.rand(90) > 0.6, X[:, 1] > 0.5]).astype(int)
    mask = np.ones_like(Y, dtype=bool)
    mask[:30, 1] = False
    heads = CalibratedLinearHeads(C=100.0, random_state=0, keep_out_of_fold=True)
    heads.fit(X, Y, label_mask=mask)
    oof = heads.out_of_fold_proba_
    assert oof.shape == (90, 2)
    assert np.isnan(oof[:30, 1]).all() and not np.isnan(oof[30:]).any()
    assert not np.isnan(oof[:, 0]).any()
    in_sample = heads.predict_proba(X)
    wrong = np.abs(Y - in_sample)[:, 0].mean(), np.abs(Y - oof)[:, 0].mean()
    assert wrong[1] > wrong[0]  # rows no head saw are scored worse than seen ones
    assert not hasattr(CalibratedLinearHeads(random_state=0).fit(X, Y), "out_of_fold_proba_")


def test_links_add_no_features_when_skipped() -> None:
    texts = ["vote no on the bond", "vote no on the bond https://example.com/why?ref=1",
             "vote no on the bond www.example.com", "vote no on the bond example"]
    skipping = CommentVectorizer(skip_links=True).fit(texts).transform(texts).toarray()
    keeping = CommentVectorizer().fit(texts).transform(texts).toarray()
    assert np.array_equal(skipping[0] != 0, skipping[1] != 0)
    assert np.array_equal(skipping[0] != 0, skipping[2] != 0)
    assert not np.array_equal(skipping[0] != 0, skipping[3] != 0)  # a plain word still counts
    assert not np.array_equal(keeping[0] != 0, keeping[1] != 0)
