"""Neutral mentions of protected groups, from templates, and false positives per protected class.

``classifiers/corpus/identity_templates.yaml`` holds group phrases per class (policy E.1.c) and
civic sentence templates. Templates whose index % 4 is 3 are held out with every group; the
others are trained on with ``TRAIN_GROUPS`` groups each, drawn by the seed, so that the rate
measured per class is on sentence shapes the model never saw.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from classifiers.ml.data import ALL, Example
from classifiers.ml.protected import ClassNamer

TEMPLATES_FILE = "identity_templates.yaml"
_AN = re.compile(r"\b([Aa]) (?=[AEIOUaeiou])")
TRAIN_GROUPS = 20
"""Groups drawn for each training template."""


def templated_mentions(path: Path, seed: int) -> tuple[list[Example], list[Example]]:
    """(train, test) neutral mentions made from the templates file at ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = [(cls, g) for cls, items in (data.get("groups") or {}).items() for g in items]
    rng = random.Random(seed)
    train: list[Example] = []
    test: list[Example] = []
    source = f"corpus/{path.stem}"
    for i, template in enumerate(data.get("templates") or []):
        held_out = i % 4 == 3
        chosen = groups if held_out else rng.sample(groups, min(TRAIN_GROUPS, len(groups)))
        for cls, group in chosen:
            text = str(template).format(adj=group["adj"], people=group["people"])
            text = _AN.sub(r"\1n ", text[0].upper() + text[1:])
            example = Example(text, frozenset(), ALL, source, frozenset({f"class:{cls}"}),
                              split="test" if held_out else "train")
            (test if held_out else train).append(example)
    return train, test


@dataclass(frozen=True)
class ClassRate:
    """Neutral mentions of one protected class and how many the policy acted on."""

    protected_class: str
    mentions: int
    review: int
    remove: int

    @property
    def review_rate(self) -> float:
        """The share sent to review (or removed)."""
        return (self.review + self.remove) / self.mentions if self.mentions else 0.0


def class_rates(texts: Sequence[str], actions: Sequence[str], tasks: Sequence[frozenset[str]],
                namer: ClassNamer) -> list[ClassRate]:
    """Per protected class, of the neutral mentions of it: how many went to review or removal.

    A text's class is the one its template named (task ``class:NAME``), else every class the
    lexicon finds in it.
    """
    counts: dict[str, list[int]] = {name: [0, 0, 0] for name in namer.patterns}
    for text, action, task in zip(texts, actions, tasks, strict=True):
        named = [t.removeprefix("class:") for t in task if t.startswith("class:")]
        for cls in named or namer.classes(text):
            row = counts.setdefault(cls, [0, 0, 0])
            row[0] += 1
            row[1] += action == "review"
            row[2] += action == "remove"
    return [ClassRate(cls, *row) for cls, row in counts.items()]
