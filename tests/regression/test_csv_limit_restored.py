"""Reading a training CSV lifted the csv module's process-wide field limit for good, after
which the file ingest no longer refused a runaway quote (two hostile-input tests failed when
tests/unit ran before tests/regression)."""

from __future__ import annotations

import csv
from pathlib import Path

from classifiers.ml.data import LabelRule, read_csv


def test_reading_a_labeled_csv_puts_the_field_limit_back(tmp_path: Path) -> None:
    path = tmp_path / "labeled.csv"
    path.write_text("text,label\n" + '"' + "x" * 200_000 + '",1\n', encoding="utf-8")
    before = csv.field_size_limit()
    examples = read_csv(path, "text", [LabelRule.parse("label:1=a")])
    assert len(examples) == 1 and len(examples[0].text) == 200_000
    assert csv.field_size_limit() == before
