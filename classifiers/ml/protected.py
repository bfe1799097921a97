"""Naming the protected class (policy E.1.c) a discrimination finding is about."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from classifiers.prefilter import literal_gate
from pipeline.settings import CONFIG_DIR

PROTECTED_CLASSES_PATH = CONFIG_DIR / "lexicons" / "protected-classes.yaml"


class ClassNamer:
    """Finds which protected classes a text names, from a lexicon of words per class."""

    def __init__(self, path: Path = PROTECTED_CLASSES_PATH) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self.patterns = {
            name: re.compile(r"\b(?:" + "|".join(_term(t) for t in terms) + r")\b", re.I)
            for name, terms in (data.get("classes") or {}).items()
        }
        self._gates = {name: literal_gate(p.pattern, re.I, ascii_text=True)
                       for name, p in self.patterns.items()}

    def classes(self, text: str) -> list[str]:
        """The classes ``text`` names, in lexicon order. An ASCII text is first checked for
        the literals one of which any match holds (:mod:`classifiers.prefilter`)."""
        if not text.isascii():
            return [name for name, pattern in self.patterns.items() if pattern.search(text)]
        lower = text.lower()
        return [name for name, pattern in self.patterns.items()
                if ((gate := self._gates[name]) is None or gate(lower)) and pattern.search(text)]


def _term(term: str) -> str:
    """A lexicon entry as a regex: words separated by any whitespace, ``*`` any ending."""
    stem = term.rstrip("*")
    body = r"\s+".join(re.escape(word) for word in stem.split())
    return body + (r"\w*" if term.endswith("*") else "")


def protected_terms(path: Path = PROTECTED_CLASSES_PATH) -> tuple[str, ...]:
    """Every single-word lexicon entry, sorted (the words the vectoriser marks)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = {t.lower() for ts in (data.get("classes") or {}).values() for t in ts}
    return tuple(sorted(t for t in terms if " " not in t))
