"""The hand-written labeled corpus in the repository (``classifiers/corpus/*.jsonl``)."""

from __future__ import annotations

from pathlib import Path

from classifiers.ml.data import Example, read_jsonl
from classifiers.ml.defaults import CORPUS_DIR


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every example of every ``*.jsonl`` file of the corpus (none if it does not exist)."""
    if not directory.is_dir():
        return []
    examples: list[Example] = []
    for path in sorted(directory.glob("*.jsonl")):
        examples.extend(read_jsonl(path, source=f"corpus/{path.stem}"))
    return examples
