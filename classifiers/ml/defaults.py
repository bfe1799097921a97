"""Where the model, its card, the corpus and the public datasets live, and the default heads.

Kept free of heavy imports, so the command line starts fast.
"""

from __future__ import annotations

from pathlib import Path

_CLASSIFIERS = Path(__file__).resolve().parent.parent
MODEL_PATH = _CLASSIFIERS / "model" / "civicmod-model.skops"
CARD_PATH = _CLASSIFIERS / "model" / "MODEL_CARD.md"
EMBEDDER_PATH = _CLASSIFIERS / "model" / "minilm-static.skops"
"""The static embedder distilled from all-MiniLM-L6-v2 by ``civicmod distill``."""
SEMANTIC_PATH = _CLASSIFIERS / "model" / "civicmod-semantic.skops"
"""The semantic heads over the embedder, written by ``civicmod train``."""
INTENT_PATH = _CLASSIFIERS / "model" / "civicmod-intent.skops"
"""all-MiniLM-L6-v2 fine-tuned for the semantic categories, written by ``civicmod train-intent``."""
SEMANTIC_CATEGORIES: tuple[str, ...] = ("e", "f", "g", "h")
"""Categories the semantic stage has heads for (said in plain words, without trigger words)."""
PLAIN_WORDS_SOURCE = "corpus/plain_words"
"""The corpus file of violations said in plain words (the semantic stage's to learn e–h from)."""
NOT_LEARNED_FROM_PLAIN_WORDS: tuple[str, ...] = ("c",)
"""Categories the linear model does not learn from :data:`PLAIN_WORDS_SOURCE`'s rows (they are
neither positives nor negatives of those heads). Decision 0021: on word n-grams, its
discrimination said in plain words taught "a group + should" as c, and the model sent
supportive comments about a group to review (59 of 336 held-out ones against 22)."""
CORPUS_DIR = _CLASSIFIERS / "corpus"
DEFAULT_DATA_DIR = _CLASSIFIERS.parent.parent / "shared" / "datasets"
"""``../shared/datasets`` relative to the repository."""
DEFAULT_CATEGORIES: tuple[str, ...] = ("a", "b", "c", "d")
"""Heads trained by default. Not h: trained on Jigsaw threats and the corpus's security
examples together it sent plain civic comments (Town Hall's address) to review."""
