"""Thresholds for several heads that share one review budget (the intent model's, decision 0021).

The issue's neutrality limit is on comments, not on heads: at most 2% of legitimate civic
comments sent to review, whichever category sends them. So the heads' thresholds are chosen
together, on held-back rows: starting with every head off, the threshold move (one head, one
lower threshold) that gains the most recall per newly flagged legitimate comment is taken, as
long as the comments flagged by any head stay within the budget; until no move gains recall.
"""

from __future__ import annotations

import numpy as np

GRID = np.concatenate([np.round(np.arange(0.5, 0.99, 0.01), 2),
                       np.round(np.arange(0.99, 1.0, 0.001), 3)])
"""The thresholds a head may take."""
OFF = float("inf")
"""The threshold of a head no move could afford: it flags nothing."""


def shared_budget_thresholds(proba: np.ndarray, positive: np.ndarray, clean: np.ndarray,
                             budget: float) -> np.ndarray:
    """Per column of ``proba`` (rows × heads), a threshold from :data:`GRID` or :data:`OFF`,
    so that the ``clean`` rows flagged by any head are at most ``budget`` of them and each
    head's recall on its ``positive`` rows (a boolean matrix like ``proba``) is raised greedily,
    the most recall per flagged clean row first."""
    heads = proba.shape[1]
    thresholds = np.full(heads, OFF)
    allowed = int(np.floor(budget * clean.sum()))
    legit, positives = proba[clean], positive.sum(axis=0)
    while True:
        flags = legit >= thresholds
        flagged = int(flags.any(axis=1).sum())
        best: tuple[float, int, float] | None = None
        for head in range(heads):
            if not positives[head]:
                continue
            by_others = np.delete(flags, head, axis=1).any(axis=1)
            found = int((positive[:, head] & (proba[:, head] >= thresholds[head])).sum())
            for threshold in GRID[thresholds[head] > GRID][::-1]:
                now_flagged = int((by_others | (legit[:, head] >= threshold)).sum())
                if now_flagged > allowed:
                    continue
                gain = (positive[:, head] & (proba[:, head] >= threshold)).sum() - found
                if gain <= 0:
                    continue
                value = gain / positives[head] / (now_flagged - flagged + 0.5)
                if best is None or value > best[0]:
                    best = (value, head, float(threshold))
        if best is None:
            return thresholds
        thresholds[best[1]] = best[2]
