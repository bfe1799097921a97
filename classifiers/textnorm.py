"""One normalised view of a comment, shared by the rule detectors, with offsets back to it.

The view folds what people use to dodge keyword rules without changing what a reader sees:
invisible format characters (zero-width spaces and joiners, bidi overrides, soft hyphens) are
dropped, control characters (NUL…) become spaces, accented and full-width characters fold to
their ASCII letter or digit, and common Cyrillic/Greek look-alikes fold to Latin (the table in
``confusables``, shared with the profanity matcher). Every kept character stays one character,
so the only offset bookkeeping is the dropped ones.

:func:`normalize` is cached: the detectors of one registry run one after another over the same
batch, so each comment is normalised once, not once per detector.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from classifiers.confusables import CONFUSABLES

# Curly quotes and the modifier apostrophe, folded on top of the shared look-alike letters.
_QUOTES: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
}  # fmt: skip
_HOMOGLYPHS: dict[str, str] = {**CONFUSABLES, **_QUOTES}

_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)


def fold_homoglyphs(text: str) -> str:
    """``text`` with the Cyrillic and Greek look-alikes of Latin letters (and curly quotes)
    replaced by them; every other character is kept."""
    return text.translate(_HOMOGLYPH_TABLE)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGIT = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){8}")
STEM = 4
"""Trigger stems are the first :data:`STEM` letters of a word (a shorter word is its own stem)."""
_STEM = re.compile(rf"([a-z]{{1,{STEM}}})[a-z]*")  # a run of letters, captured: its stem
DIGIT_STEM = "#"
"""The stem present when the text holds any digit."""
NUMBER_STEM = "#9"
"""The stem present when the text holds nine digits in a row (single spaces or dashes allowed)."""
DOLLAR_STEM = "$"
"""The stem present when the text holds a dollar sign."""


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    """The folded form of one non-ASCII character: '' (invisible), one character."""
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category in ("Cc", "Zs", "Zl", "Zp"):
        return " "
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    return stripped if len(stripped) == 1 and stripped.isascii() else char


@dataclass(frozen=True, slots=True)
class NormText:
    """A comment, its folded view (case kept), its lower-case view and its trigger stems."""

    original: str
    text: str
    lower: str
    stems: frozenset[str]
    dropped: tuple[int, ...]  # folded-view positions where an invisible character was dropped

    def origin(self, pos: int) -> int:
        """The original offset of folded-view position ``pos``."""
        return pos + bisect.bisect_right(self.dropped, pos) if self.dropped else pos

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded-view span ``start``–``end``."""
        if not self.dropped or end <= start:
            return self.origin(start), self.origin(start) + (end - start)
        return self.origin(start), self.origin(end - 1) + 1

    def excerpt(self, start: int, end: int) -> str:
        """The original text of a folded-view span, always valid UTF-8."""
        a, b = self.span(start, end)
        piece = self.original[a:b]
        return piece if piece.isascii() else piece.encode("utf-8", "replace").decode("utf-8")


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=1024)
def normalize(text: str) -> NormText:
    """The normalised view of ``text`` (cached; never raises on any string)."""
    if text.isascii():
        folded = _CONTROL.sub(" ", text) if _CONTROL.search(text) else text
        dropped: tuple[int, ...] = ()
    else:
        pieces: list[str] = []
        drops: list[int] = []
        size = last = 0
        for m in _NON_ASCII.finditer(text):
            pieces.append(text[last : m.start()])
            size += m.start() - last
            folded_char = _fold(m.group())
            if folded_char:
                pieces.append(folded_char)
                size += 1
            else:
                drops.append(size)
            last = m.end()
        pieces.append(text[last:])
        folded = _CONTROL.sub(" ", "".join(pieces))
        dropped = tuple(drops)
    lower = _lower(folded)
    stems = set(_STEM.findall(lower))
    if _DIGIT.search(lower):
        stems.add(DIGIT_STEM)
        if _LONG_NUMBER.search(lower):
            stems.add(NUMBER_STEM)
    if "$" in lower:
        stems.add(DOLLAR_STEM)
    return NormText(text, folded, lower, frozenset(stems), dropped)
