"""Category a's trie compiler: a word list becomes one trie-shaped regex over prepared text.

Every list word becomes a branch: a letter becomes the class of its leetspeak substitutes
(better-profanity's ``CHARS_MAPPING``), a word made of allowed characters may have any run of
non-allowed characters between its letters (better-profanity's token joins), a word with
separators ("blow job") must show them literally, and a match must start and end at token
boundaries. :class:`WordSet` holds one such regex and the way from a matched span back to the
list word it spells. The classes are ASCII only: the matcher hands over lowercased text in
which every non-ASCII character has been replaced by an ASCII sentinel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby

from better_profanity import profanity as _reference
from better_profanity.constants import ALLOWED_CHARACTERS

ALLOWED: frozenset[str] = frozenset(ALLOWED_CHARACTERS)
"""better-profanity's token characters; a token is a maximal run of them."""
_CHARS_MAPPING: dict[str, tuple[str, ...]] = dict(_reference.CHARS_MAPPING)
# Extra substitutes, used only by the obfuscation pass: "sh!t", "sh|t", "shi+".
_EXTRA_MAPPING: dict[str, tuple[str, ...]] = {"i": ("!", "|"), "l": ("|",), "t": ("+",)}
_EXTRA_LETTERS = frozenset(c for subs in _EXTRA_MAPPING.values() for c in subs)


def _class_body(chars: Iterable[str]) -> str:
    """Return the inside of a regex character class matching exactly ``chars``."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


ALLOWED_CLASS = _class_body(c for c in ALLOWED if c.isascii())
"""The inside of a regex class matching the ASCII token characters."""
_GAP = f"[^{ALLOWED_CLASS}]*"


def _char_class(char: str, extended: bool) -> str:
    subs = set(_CHARS_MAPPING.get(char, (char,)))
    if extended:
        subs.update(_EXTRA_MAPPING.get(char, ()))
    return re.escape(char) if len(subs) == 1 else f"[{_class_body(subs)}]"


Unit = tuple[bool, str]  # (may follow a gap of separators, regex of one letter or letter run)


def _units(word: str, extended: bool, elongate: bool) -> list[Unit] | None:
    """Split a word into regex units for the trie, or None if it can never match.

    A word made only of allowed characters may be spread over several tokens (a gap of
    separators before any letter but the first); a word with separators ("blow job") must show
    them literally. ``extended`` adds the obfuscation substitutes; ``elongate`` lets a run of a
    letter be longer in the text than in the word ("fuuuck").
    """
    if word[0] not in ALLOWED or word[-1] not in ALLOWED:
        return None  # better-profanity only joins words, never trailing separators
    if not all(c in ALLOWED for c in word):
        return [(False, _char_class(c, extended) if c in ALLOWED else re.escape(c)) for c in word]
    units: list[Unit] = []
    for run in re.finditer(r"(.)\1*", word):
        cls = _char_class(run.group(1), extended)
        # Elongation repeats letters and digits only, so "titi!!!" keeps its "!!!" out.
        more = _char_class(run.group(1), False) + "*" if elongate else ""
        rest = f"{_GAP}{cls}" * (len(run.group(0)) - 1) + more
        units.append((bool(units), cls))
        if rest:
            units[-1] = (units[-1][0], cls + rest)
    return units


class _Trie:
    """A trie over regex units; ``end`` is true where a word ends."""

    def __init__(self) -> None:
        self.children: dict[Unit, _Trie] = {}
        self.end = False

    def regex(self) -> str:
        """This node's branches as one regex.

        The gap is written once before the alternation of the letters that may follow it, so
        every branch starts with a letter and the engine rejects most branches on one compare.
        No capturing groups: with one per word, each match costs 2.5 times as much.
        """
        gapped = [unit + child.regex() for (gap, unit), child in self.children.items() if gap]
        branches = [unit + child.regex() for (gap, unit), child in self.children.items() if not gap]
        if gapped:
            branches.insert(0, _GAP + _alternation(gapped))
        if self.end:
            branches.append("")
        return _alternation(branches)


def _alternation(branches: list[str]) -> str:
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


# Connected classes of the substitution relation: every spelling of a word has the same key.
_KEY_TABLE: dict[int, str] = {}
for _rep, _group in (("a", "a@*4il1o0uve3!|"), ("s", "s$5"), ("t", "t7+")):
    for _c in _group:
        _KEY_TABLE[ord(_c)] = _rep
_KEY_NO_EXTRAS = {**_KEY_TABLE, **{ord(c): None for c in _EXTRA_LETTERS}}
_SEPARATOR_RE = re.compile(f"[^{ALLOWED_CLASS}{_class_body(_EXTRA_LETTERS)}]+")
_TRIPLE_RE = re.compile(r"(.)\1\1")


def _squeeze(text: str) -> str:
    return "".join(char for char, _ in groupby(text))


def _keys(span: str) -> set[str]:
    """Keys of a span: extra letters ("!") read as letters and as separators, runs squeezed."""
    joined = _SEPARATOR_RE.sub("", span)
    return {_squeeze(joined.translate(table)) for table in (_KEY_TABLE, _KEY_NO_EXTRAS)}


class WordSet:
    """One mode's trie regex, and the way from a matched span back to its list word."""

    def __init__(self, words: Iterable[str], extended: bool) -> None:
        self.extended = extended
        root = _Trie()
        self._units: dict[str, list[Unit]] = {}
        self._by_key: dict[str, list[str]] = {}
        self._verifiers: dict[tuple[str, bool], re.Pattern[str]] = {}
        for word in sorted(words):
            units = _units(word, extended, elongate=extended)
            if units is None:
                continue
            self._units[word] = units
            for key in _keys(word):
                self._by_key.setdefault(key, []).append(word)
            node = root
            for unit in units:
                node = node.children.setdefault(unit, _Trie())
            node.end = True
        # The pattern starts with the separator before the word (the text is searched with a NUL
        # in front): a leading character class lets the engine skip through tokens without
        # trying a match inside them, which a look-behind would not.
        self.pattern = re.compile(f"[^{ALLOWED_CLASS}]{root.regex()}(?![{ALLOWED_CLASS}])")
        self.word_of = lru_cache(maxsize=65536)(self._word_of)

    def _verifier(self, word: str, elongate: bool) -> re.Pattern[str]:
        verifier = self._verifiers.get((word, elongate))
        if verifier is None:
            units = _units(word, self.extended, elongate) or []
            verifier = self._verifiers[word, elongate] = re.compile(
                "".join((_GAP if gap else "") + unit for gap, unit in units)
            )
        return verifier

    def _word_of(self, span: str) -> str | None:
        """The list word a matched (prepared) span spells, the first in sorted order.

        None when only an elongation of at most one extra letter ("fuuck", "noob" for "nob")
        makes it match: elongation counts from three letters in a row.
        """
        keyed = sorted({w for key in _keys(span) for w in self._by_key.get(key, ())})
        elongated = not self.extended or _TRIPLE_RE.search(span) is not None
        for word in keyed:
            if self._verifier(word, self.extended and elongated).fullmatch(span):
                return word
        return None
