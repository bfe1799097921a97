"""Building the comment model from every labeled source there is, reproducibly.

Sources: the repository's hand-written corpus, any labeled files or public dataset folders
given by path, and moderators' decisions from the archive. Each source is split into train
and test by a seeded hash (or the split its rows name); only train parts are fitted on, and
the test parts are what the model card reports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifiers.ml.corpus import load_corpus
from classifiers.ml.data import Example, LabelRule, read_labeled, split_examples
from classifiers.ml.datasets import Dataset, available
from classifiers.ml.defaults import NOT_LEARNED_FROM_PLAIN_WORDS, PLAIN_WORDS_SOURCE
from classifiers.ml.features import CommentVectorizer
from classifiers.ml.heads import CalibratedLinearHeads
from classifiers.ml.identity import TEMPLATES_FILE, templated_mentions
from classifiers.ml.model import CommentModel
from classifiers.ml.protected import protected_terms

log = logging.getLogger(__name__)

MIN_EXAMPLES = 20
"""A head is trained only with at least this many positive and negative examples."""
WEIGHTS = {"corpus": 3.0, "archive": 3.0, "file": 1.0, "public": 1.0}
"""Training weight of a row by the kind of its source: town comments count more."""


@dataclass
class Source:
    """One labeled source, split: its kind (corpus, public, file, archive) and its parts."""

    name: str
    kind: str
    train: list[Example]
    test: list[Example]
    dataset: Dataset | None = None


@dataclass
class Sources:
    """Everything training reads, and what it could not read."""

    items: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def corpus_sources(corpus_dir: Path, seed: int) -> list[Source]:
    """The repository corpus, one source per file, and the templated identity mentions."""
    by_file: dict[str, list[Example]] = {}
    for example in load_corpus(corpus_dir):
        by_file.setdefault(example.source, []).append(example)
    found = [Source(name, "corpus", *split_examples(rows, seed)) for name, rows in by_file.items()]
    templates = corpus_dir / TEMPLATES_FILE
    if templates.is_file():
        found.append(Source(f"corpus/{templates.stem}", "corpus",
                            *templated_mentions(templates, seed)))
    return found


def path_sources(
    paths: Sequence[Path],
    seed: int,
    text_column: str = "text",
    rules: Sequence[LabelRule] = (),
    delimiter: str | None = None,
) -> Sources:
    """Public dataset folders and labeled files given by path; missing paths are noted."""
    found = Sources()
    for path in paths:
        if path.is_dir():
            datasets = available(path)
            if not datasets:
                found.notes.append(f"{path}: no known dataset here")
            for dataset in datasets:
                found.items.append(
                    Source(dataset.name, "public", *split_examples(dataset.load(path), seed),
                           dataset=dataset)
                )
        elif path.is_file():
            rows = read_labeled(path, text_column, list(rules), delimiter)
            found.items.append(Source(path.stem, "file", *split_examples(rows, seed)))
        else:
            found.notes.append(f"{path}: does not exist, skipped")
    return found


def trainable(examples: Sequence[Example], categories: Sequence[str]) -> list[str]:
    """The categories with enough known positive and negative examples to fit a head."""
    usable = []
    for category in categories:
        known = [e for e in examples if category in e.known]
        positives = sum(category in e.positives for e in known)
        if positives >= MIN_EXAMPLES and len(known) - positives >= MIN_EXAMPLES:
            usable.append(category)
    return usable


@dataclass(frozen=True)
class TrainingSet:
    """The rows every head is fitted on: texts, 0/1 labels, known-label mask, weights."""

    categories: tuple[str, ...]
    texts: list[str]
    labels: np.ndarray
    mask: np.ndarray
    weights: np.ndarray
    sources: np.ndarray
    """The source name of each row."""


def training_set(sources: Sequence[Source], categories: Sequence[str]) -> TrainingSet:
    """Every source's train part, restricted to the categories with enough examples; in the
    plain-words file's rows, :data:`NOT_LEARNED_FROM_PLAIN_WORDS` count as unknown."""
    rows = [(e, s) for s in sources for e in s.train]
    used = trainable([e for e, _ in rows], categories)
    if not used:
        raise ValueError("no category has enough labeled examples to train a head")
    rows = [(e, s) for e, s in rows if e.known & set(used)]
    return TrainingSet(
        categories=tuple(used),
        texts=[e.text for e, _ in rows],
        labels=np.array([[c in e.positives for c in used] for e, _ in rows], dtype=np.int8),
        mask=np.array([[c in e.known and not (s.name == PLAIN_WORDS_SOURCE
                                               and c in NOT_LEARNED_FROM_PLAIN_WORDS)
                        for c in used] for e, s in rows], dtype=bool),
        weights=np.array([WEIGHTS[s.kind] for _, s in rows]),
        sources=np.array([s.name for _, s in rows]),
    )


def default_vectorizer() -> CommentVectorizer:
    """The shipped features: protected groups marked, links left to the rule detectors."""
    return CommentVectorizer(marked_terms=protected_terms(), skip_links=True)


def fit_model(
    sources: Sequence[Source],
    categories: Sequence[str],
    seed: int,
    vectorizer: CommentVectorizer | None = None,
    C: float = 4.0,
    n_jobs: int = 2,
) -> CommentModel:
    """Fit the vectoriser and one head per trainable category on every source's train part."""
    data = training_set(sources, categories)
    model = CommentModel(
        categories=data.categories,
        vectorizer=vectorizer or default_vectorizer(),
        heads=CalibratedLinearHeads(C=C, random_state=seed, n_jobs=n_jobs),
    )
    return model.fit(data.texts, data.labels, sample_weight=data.weights, label_mask=data.mask)
