"""Category a (vulgar language): better-profanity 0.7.0's semantics, compiled into one regex.

The parts, one job each: ``profanity_lexicon`` reads the word list and its curation,
``profanity_trie`` compiles the words into trie-shaped regexes, ``profanity_matcher`` finds
the words in a text (with better-profanity's semantics plus documented obfuscations), and this
module turns the matches into category a findings, leaving out listed words that are part of a
place or a person's name (``names``). docs/profanity-curation.md lists every difference from
better-profanity.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from classifiers.names import NAMES_PATH, NameFinder, load_names
from classifiers.profanity_lexicon import DEFAULT_LEXICON_DIR, SCORES, load_lexicon
from classifiers.profanity_matcher import ProfanityMatcher
from pipeline.records import Evidence, Finding


def _printable(text: str) -> str:
    """``text`` with lone surrogates replaced, so evidence always serialises."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


class ProfanityDetector:
    """The category a detector: one finding per comment with vulgar words, else none."""

    name = "profanity"

    def __init__(self, lexicon_dir: Path | str | None = None) -> None:
        directory = Path(lexicon_dir) if lexicon_dir else DEFAULT_LEXICON_DIR
        self.lexicon = load_lexicon(directory)
        names_file = directory / NAMES_PATH.name
        self.names = NameFinder(load_names(names_file if names_file.exists() else NAMES_PATH))
        self.version = f"{self.lexicon.version}.{self.names.lexicon.version}"
        self.matcher = ProfanityMatcher(self.lexicon)

    def severity(self, word: str) -> str:
        """The label of a list word: "mild" if listed so, else the default ("strong")."""
        return "mild" if word in self.lexicon.mild else self.lexicon.default_label

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text: empty, or one finding with every match as evidence."""
        matched = self.matcher.matches(text, classify=False)
        names = self.names.names(text, [(m.start, m.end) for m in matched])
        found = [m for m, is_name in zip(matched, names, strict=True) if not is_name]
        if not found:
            return []
        label = max((self.severity(m.word) for m in found), key=SCORES.__getitem__)
        evidence = tuple(
            Evidence(start=m.start, end=m.end, text=_printable(text[m.start : m.end]))
            for m in found
        )
        return [
            Finding(
                category="a",
                score=SCORES[label],
                evidence=evidence,
                detector=self.name,
                version=self.version,
                label=label,
            )
        ]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in order."""
        return [self.detect(text) for text in texts]
