"""The hand-written corpus's JSON Lines files, one dict per line, for the tests that read it."""

from __future__ import annotations

import json
from typing import Any

from classifiers.ml.defaults import CORPUS_DIR


def corpus_rows(name: str) -> list[dict[str, Any]]:
    """Every line of ``classifiers/corpus/<name>``."""
    lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def held_out(name: str) -> list[dict[str, Any]]:
    """The lines of ``classifiers/corpus/<name>`` in the test split."""
    return [row for row in corpus_rows(name) if row.get("split") == "test"]
