"""Category a's matcher: better-profanity's verdicts, and documented obfuscations, by regex.

better-profanity splits a text into tokens (runs of its ``ALLOWED_CHARACTERS``), lowercases
them and compares each token, and each token joined with up to ``MAX_NUMBER_COMBINATIONS``
following tokens (with and without the separators between them), against every list word
expanded with its leetspeak ``CHARS_MAPPING``. Its Python loop does that at 50-110 comments/s.

Here the lexicon's words are compiled into two trie-shaped regexes (``profanity_trie``): the
base pass keeps better-profanity's semantics, the obfuscation pass adds substitutes and
elongation, over a normalised view of non-ASCII text with offsets back to the original. A
clean comment costs one regex scan. docs/profanity-curation.md lists every difference from
better-profanity.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from typing import Literal, NamedTuple

from classifiers.confusables import CONFUSABLES
from classifiers.profanity_lexicon import Lexicon
from classifiers.profanity_trie import ALLOWED, ALLOWED_CLASS, WordSet

Kind = Literal["base", "addition", "obfuscation"]

# Before matching, a non-ASCII character that lowercases to an ASCII letter (the Kelvin sign)
# becomes that letter, any other allowed one '"' (allowed, in no list word) and the rest NUL
# (not allowed): offsets and token boundaries stay those of the original text, and the regex
# classes stay ASCII-small.
_TOKEN_RE = re.compile(f"[{ALLOWED_CLASS}]+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# The last character of a text, when it alone is the last token: better-profanity never joins it.
_LAST_SINGLE_RE = re.compile(f"[^{ALLOWED_CLASS}][{ALLOWED_CLASS}]\\Z")


def _ascii_sentinel(m: re.Match[str]) -> str:
    char = m.group()
    low = char.lower()
    if len(low) == 1 and low.isascii() and char in ALLOWED:
        return low
    return '"' if char in ALLOWED else "\x00"


def _prepare(text: str) -> str:
    """Lowercase ``text`` and replace non-ASCII characters by sentinels, keeping offsets."""
    if not text.isascii():
        text = _NON_ASCII_RE.sub(_ascii_sentinel, text)
    return text.lower()


class Match(NamedTuple):
    """One vulgar word found: span in the original text, the list word and how it was found."""

    start: int
    end: int
    word: str
    kind: Kind


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """The ASCII skeleton of one non-ASCII character ('' for invisible ones), else itself."""
    if char in CONFUSABLES:
        return CONFUSABLES[char]
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""  # zero-width, bidi controls, soft hyphen, combining marks, variation selectors
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return folded if folded and folded.isascii() else char


class _Normalised:
    """A normalised view of a text and the way back to original offsets."""

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        self._norm_starts: list[int] = []
        self._checkpoints: list[tuple[int, int, int]] = []  # (norm start, orig index, norm len)
        norm_len = last = 0
        for m in _NON_ASCII_RE.finditer(text):
            i = m.start()
            pieces.append(text[last:i])
            norm_len += i - last
            folded = _fold(m.group())
            self._norm_starts.append(norm_len)
            self._checkpoints.append((norm_len, i, len(folded)))
            pieces.append(folded)
            norm_len += len(folded)
            last = i + 1
        pieces.append(text[last:])
        self.text = "".join(pieces)

    def origin(self, pos: int) -> int:
        """Original index of the character at normalised index ``pos``."""
        k = bisect.bisect_right(self._norm_starts, pos) - 1
        if k < 0:
            return pos
        norm_start, orig, length = self._checkpoints[k]
        if pos < norm_start + length:
            return orig
        return orig + 1 + (pos - norm_start - length)


class ProfanityMatcher:
    """Finds vulgar words with better-profanity's semantics plus documented obfuscations."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._base = WordSet(lexicon.words, extended=False)
        self._obf = WordSet(lexicon.words, extended=True)
        # better-profanity joins a token with at most this many following tokens.
        self.max_joins = max([1, *(sum(c not in ALLOWED for c in w) for w in lexicon.list_words)])

    def matches(self, text: str, classify: bool = True) -> list[Match]:
        """Every vulgar word in ``text``, non-overlapping, in order of position.

        On ASCII text the obfuscation pass finds a superset of the base pass, so when it finds
        nothing the base pass is skipped; with ``classify`` false it is also skipped when the
        obfuscation pass kept all it found (then only the ``kind`` of a match may differ).
        """
        ascii_only = text.isascii()
        low = text.lower() if ascii_only else _prepare(text)
        if ascii_only:
            found, rejected = self._obf_pass(low, None)
            if not (found or rejected) or (found and not rejected and not classify):
                return found
        else:
            norm = _Normalised(text)
            found, _ = self._obf_pass(_prepare(norm.text), norm)
        found.extend(self._base_pass(low))
        return _dedupe(found)

    def _base_pass(self, low: str) -> list[Match]:
        # better-profanity never joins a one-character last token, so it cannot be part of a
        # match: cut it off.
        if _LAST_SINGLE_RE.search(low):
            low = low[:-1]
        out: list[Match] = []
        for m in self._base.pattern.finditer("\x00" + low):
            start, end = m.start(), m.end() - 1  # minus the NUL in front, plus the separator
            word = self._base.word_of(low[start:end]) or ""
            tokens = len(_TOKEN_RE.findall(low, start, end))
            if word in self.lexicon.additions:
                kind: Kind = "addition"
            elif tokens > self.max_joins + 1:
                kind = "obfuscation"
            else:
                kind = "base"
            out.append(Match(start, end, word, kind))
        return out

    def _obf_pass(self, low: str, norm: _Normalised | None) -> tuple[list[Match], bool]:
        """Matches of the obfuscation regex, and whether any was rejected (short elongation)."""
        out: list[Match] = []
        rejected = False
        for m in self._obf.pattern.finditer("\x00" + low):
            start, end = m.start(), m.end() - 1
            word = self._obf.word_of(low[start:end])
            if word is None:
                rejected = True
                continue
            if norm is not None:
                start, end = norm.origin(start), norm.origin(end - 1) + 1
            kind: Kind = "addition" if word in self.lexicon.additions else "obfuscation"
            out.append(Match(start, end, word, kind))
        return out, rejected


_KIND_RANK: dict[str, int] = {"base": 0, "addition": 1, "obfuscation": 2}


def _dedupe(found: list[Match]) -> list[Match]:
    """Keep non-overlapping matches: earliest first, then widest, then the plainest kind."""
    found.sort(key=lambda m: (m.start, -m.end, _KIND_RANK[m.kind]))
    kept: list[Match] = []
    for m in found:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept
