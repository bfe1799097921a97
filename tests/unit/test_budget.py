"""Thresholds of several heads under one shared review budget (decision 0021)."""

from __future__ import annotations

import numpy as np

from classifiers.semantic.budget import OFF, shared_budget_thresholds

# Rows 0-3 legitimate, 4-7 violations of head 0, 8-11 violations of head 1.
PROBA = np.array([
    [0.95, 0.10], [0.10, 0.80], [0.20, 0.20], [0.30, 0.30],
    [0.97, 0.10], [0.96, 0.10], [0.60, 0.10], [0.55, 0.10],
    [0.10, 0.90], [0.10, 0.85], [0.10, 0.82], [0.10, 0.81],
])
CLEAN = np.arange(12) < 4
POSITIVE = np.zeros((12, 2), dtype=bool)
POSITIVE[4:8, 0] = POSITIVE[8:12, 1] = True


def test_with_no_budget_each_head_goes_as_low_as_it_can_without_a_legitimate_row() -> None:
    thresholds = shared_budget_thresholds(PROBA, POSITIVE, CLEAN, budget=0.0)
    assert thresholds.tolist() == [0.96, 0.81]
    assert not (PROBA[CLEAN] >= thresholds).any()


def test_one_legitimate_row_is_spent_where_it_buys_the_most_recall() -> None:
    # Head 1 gains nothing more at 0.80 (its positives are all found at 0.81); head 0 finds
    # its last two violations by going below 0.95, which flags one legitimate row.
    thresholds = shared_budget_thresholds(PROBA, POSITIVE, CLEAN, budget=0.25)
    assert thresholds.tolist() == [0.55, 0.81]
    assert (PROBA[CLEAN] >= thresholds).any(axis=1).sum() == 1


def test_a_head_that_cannot_afford_any_threshold_is_off() -> None:
    proba = np.array([[0.99], [0.98]])
    thresholds = shared_budget_thresholds(proba, np.array([[False], [True]]),
                                          np.array([True, False]), budget=0.0)
    assert thresholds.tolist() == [OFF]


def test_rows_flagged_by_two_heads_count_once_against_the_budget() -> None:
    proba = np.array([[0.9, 0.9], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.85, 0.1], [0.1, 0.85]])
    clean = np.array([True, True, True, True, False, False])
    positive = np.array([[False, False]] * 4 + [[True, False], [False, True]])
    thresholds = shared_budget_thresholds(proba, positive, clean, budget=0.25)
    # Room for one legitimate row: both heads flag the same one, so both reach 0.85.
    assert thresholds.tolist() == [0.85, 0.85]
    assert (proba[clean] >= thresholds).any(axis=1).sum() == 1
