"""Labeled comments: what a label says, and reading JSON Lines or CSV files of them.

A label speaks for some categories only: Davidson's "hate" says a tweet is category c, but
nothing about spam. :class:`Example` keeps the categories a label is *known* for next to the
ones that are *positive*; a head is trained and measured only on examples known for it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CATEGORIES: tuple[str, ...] = ("a", "b", "c", "d", "e", "f", "g", "h")
"""The categories a detector can find in one comment (i is about authors, not comments)."""
ALL = frozenset(CATEGORIES)
Split = Literal["train", "test"]


@dataclass(frozen=True)
class Example:
    """One labeled text.

    ``positives``: categories it violates; ``known``: categories its label speaks for
    (``positives`` is a subset); ``tasks``: names of the source dataset's own labels that hold
    (for per-dataset comparisons); ``group``: texts sharing it always fall in the same split;
    ``split``: a split fixed by the source, else one is derived from ``group``.
    """

    text: str
    positives: frozenset[str]
    known: frozenset[str] = ALL
    source: str = ""
    tasks: frozenset[str] = frozenset()
    group: str = ""
    split: Split | None = None

    @property
    def clean(self) -> bool:
        """True when the label says the comment must be allowed."""
        return not self.positives


def split_of(example: Example, seed: int, test_fraction: float = 0.2) -> Split:
    """The example's split: its own, else a seeded hash of its group (or text)."""
    if example.split is not None:
        return example.split
    key = f"{seed}\x00{example.group or example.text}".encode("utf-8", "surrogatepass")
    bucket = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64
    return "test" if bucket < test_fraction else "train"


def split_examples(
    examples: Iterable[Example], seed: int, test_fraction: float = 0.2
) -> tuple[list[Example], list[Example]]:
    """(train, test) by :func:`split_of`."""
    train: list[Example] = []
    test: list[Example] = []
    for example in examples:
        (train if split_of(example, seed, test_fraction) == "train" else test).append(example)
    return train, test


def _categories(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f"{where}: 'categories' must be a list of letters")
    letters = frozenset(c.strip().lower() for c in value) - {"i"}
    if unknown := letters - ALL:
        raise ValueError(f"{where}: unknown categories {sorted(unknown)}")
    return letters


def read_jsonl(path: Path, source: str = "") -> list[Example]:
    """Examples from ``{"text", "categories", ("split")}`` lines; every label is complete."""
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{where}: not JSON ({exc})") from exc
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError(f"{where}: needs a 'text' string")
            split = item.get("split")
            if split not in (None, "train", "test"):
                raise ValueError(f"{where}: 'split' must be 'train' or 'test'")
            examples.append(Example(
                text=item["text"],
                positives=_categories(item.get("categories", []), where),
                source=source or path.stem,
                split=split,
            ))
    return examples


@dataclass(frozen=True)
class LabelRule:
    """``COLUMN=CATS`` (a truthy column) or ``COLUMN:VALUE=CATS`` (a column equal to VALUE)."""

    column: str
    value: str | None
    categories: frozenset[str]

    @classmethod
    def parse(cls, spec: str) -> LabelRule:
        """Parse ``insult=b`` or ``class:0=c`` (categories comma-separated, may be empty)."""
        target, sep, cats = spec.partition("=")
        if not sep or not target:
            raise ValueError(f"label rule {spec!r}: expected COLUMN=CATS or COLUMN:VALUE=CATS")
        column, _, value = target.partition(":")
        letters = frozenset(c.strip().lower() for c in cats.split(",") if c.strip())
        if unknown := letters - ALL:
            raise ValueError(f"label rule {spec!r}: unknown categories {sorted(unknown)}")
        return cls(column, value if ":" in target else None, letters)

    def holds(self, row: dict[str, str]) -> bool:
        """Whether the row satisfies this rule."""
        cell = (row.get(self.column) or "").strip()
        if self.value is not None:
            return cell == self.value
        return cell.lower() in {"1", "1.0", "true", "yes", "y"}


def read_csv(
    path: Path,
    text_column: str,
    rules: list[LabelRule],
    delimiter: str | None = None,
    source: str = "",
) -> list[Example]:
    """Examples from a CSV/TSV file; known categories are those the rules can set."""
    if not rules:
        raise ValueError("a CSV file needs at least one label rule (COLUMN=CATS)")
    known = frozenset().union(*(r.categories for r in rules))
    examples: list[Example] = []
    for row in read_rows(path, delimiter):
        if text_column not in row:
            raise ValueError(f"{path.name}: no column {text_column!r}")
        missing = [r.column for r in rules if r.column not in row]
        if missing:
            raise ValueError(f"{path.name}: no column {missing[0]!r}")
        positives = frozenset().union(*(r.categories for r in rules if r.holds(row)))
        examples.append(Example(row[text_column] or "", positives, known, source or path.stem))
    return examples


def read_rows(path: Path, delimiter: str | None = None) -> Iterator[dict[str, str]]:
    """Each row of a CSV/TSV file as a dict (the delimiter from the suffix when not given);
    undecodable bytes replaced, fields of any size."""
    sep = delimiter or ("\t" if path.suffix.lower() in (".tsv", ".tab") else ",")
    with path.open(encoding="utf-8", errors="replace", newline="") as handle, \
            _unlimited_csv_fields():
        yield from csv.DictReader(handle, delimiter=sep)


@contextmanager
def _unlimited_csv_fields() -> Iterator[None]:
    """Lift the csv module's process-wide field size limit while a dataset is read, and put
    the previous limit back (the file ingest relies on the default to refuse runaway quotes)."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_labeled(
    path: Path,
    text_column: str = "text",
    rules: list[LabelRule] | None = None,
    delimiter: str | None = None,
) -> list[Example]:
    """A labeled file by its extension: ``.jsonl`` or CSV/TSV (which needs label rules)."""
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return read_jsonl(path)
    return read_csv(path, text_column, rules or [], delimiter)
