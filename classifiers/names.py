"""Names are not profanity: a listed word inside a place or a person's name is not vulgar.

Two sources decide (``config/lexicons/names.yaml``): the Town's own place names (matched
case-insensitively as whole phrases), and context rules for the few listed words that are also
names (``name_words``): the word capitalised, as in "Dick", not "dick" or "DICK", and either a
title before it ("Councilman Dick Ramirez", "Fort Dick"), a capitalised word right after it
("Dick Johnson", "Hooker Rd", "Horny Toad Lane") or a capitalised given name before it
("John Hooker"). An insult's own words before it ("a", "you", "what a", "stupid") always win:
"you Dick", "what a Dick" stay vulgar. The profanity detector drops matches inside names, and
the model's detector sees such names masked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from classifiers.prefilter import LiteralGate, literal_gate
from pipeline.settings import CONFIG_DIR

NAMES_PATH = CONFIG_DIR / "lexicons" / "names.yaml"

_TITLES = frozenset([
    "mr", "mrs", "ms", "miss", "dr", "mayor", "councilman", "councilwoman", "councilmember",
    "councilor", "officer", "deputy", "detective", "sergeant", "sgt", "chief", "captain",
    "capt", "lieutenant", "lt", "judge", "coach", "pastor", "rev", "reverend", "father",
    "sister", "brother", "principal", "senator", "sen", "rep", "representative", "governor",
    "gov", "sheriff", "uncle", "aunt", "grandpa", "grandma", "fort", "ft", "mount", "mt",
    "lake", "saint", "st", "san", "santa", "professor", "prof",
])
"""Words that make the capitalised word after them a name."""
_ARTICLE_BEFORE = frozenset([
    "a", "an", "such", "what", "total", "complete", "absolute", "real", "big", "little", "fat",
    "stupid", "dumb", "lying", "fucking", "damn", "like", "being", "is", "are", "was", "were",
    "be",
])
"""Words before a listed word that make it an insult whatever its case and wherever it is."""
_INSULT_BEFORE = _ARTICLE_BEFORE | {"you", "ya", "u", "ur", "your", "called", "call"}
"""Words before a listed word that make it an insult, unless the text named it before."""
_NOT_NAMES = frozenset([
    "i", "you", "your", "he", "she", "it", "we", "they", "the", "this", "that", "and", "but",
    "or", "so", "if", "hey", "hi", "hello", "dear", "yes", "no", "why", "what", "who", "how",
    "oh", "ok", "okay", "thanks", "please", "shut", "go", "get", "stop",
])
"""Capitalised words that are not names on either side of a listed word."""
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+\Z")
_WORD_AFTER = re.compile(r"(?:'s|s')?\s+([A-Z][a-z]+|[A-Z][a-z]*\.)")


@dataclass(frozen=True)
class NameLexicon:
    """The Town's place names, the listed words that are also names, and a content hash."""

    places: tuple[str, ...]
    name_words: frozenset[str]
    version: str

    @cached_property
    def place_pattern(self) -> re.Pattern[str] | None:
        """One regex of every place name as a whole phrase: a name of several words in any
        case, a one-word name ("Hooters") only as written."""
        if not self.places:
            return None
        ordered = sorted(self.places, key=len, reverse=True)
        body = "|".join([*("(?i:" + r"\s+".join(map(re.escape, p.split())) + ")"
                           for p in ordered if " " in p),
                         *(re.escape(p) for p in ordered if " " not in p)])
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    @cached_property
    def word_pattern(self) -> re.Pattern[str] | None:
        """One case-insensitive regex of every name word as a whole word."""
        if not self.name_words:
            return None
        body = "|".join(map(re.escape, sorted(self.name_words, key=len, reverse=True)))
        return re.compile(rf"(?<![\w'])(?:{body})(?!\w)", re.I)

    @cached_property
    def place_gate(self) -> LiteralGate | None:
        """Literals one of which an ASCII text's lower-case form holds if a place matches."""
        pattern = self.place_pattern
        return None if pattern is None else literal_gate(pattern.pattern, ascii_text=True)

    @cached_property
    def word_gate(self) -> LiteralGate | None:
        """Literals one of which an ASCII text's lower-case form holds if a name word matches."""
        pattern = self.word_pattern
        return None if pattern is None else literal_gate(pattern.pattern, re.I, ascii_text=True)


def load_names(path: Path = NAMES_PATH) -> NameLexicon:
    """Read the names lexicon; every name word needs a reason."""
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    words: set[str] = set()
    for entry in data.get("name_words") or []:
        if not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path.name}: name word {entry.get('word')!r} has no reason")
        words.add(str(entry["word"]).lower())
    places = tuple(str(p).strip() for p in data.get("places") or [] if str(p).strip())
    return NameLexicon(places, frozenset(words), hashlib.sha256(raw).hexdigest()[:8])


class NameFinder:
    """Tells a listed word used as (part of) a name from the same word used as an insult."""

    def __init__(self, lexicon: NameLexicon | None = None) -> None:
        self.lexicon = lexicon or load_names()

    def in_name(self, text: str, start: int, end: int, named: frozenset[str] = frozenset()
                ) -> bool:
        """Whether the word at ``text[start:end]`` is a name word used as a name by context;
        ``named`` holds the words already used as names earlier in the text."""
        word = text[start:end]
        if word.lower() not in self.lexicon.name_words or not _title_case(word):
            return False
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        previous = before.group(1) if before else ""
        if previous.lower() in _ARTICLE_BEFORE:
            return False
        if previous.lower() in _INSULT_BEFORE:
            return word in named  # "Dick Johnson coached us, thank you Dick!"
        if previous.lower() in _TITLES:
            return True
        after = _WORD_AFTER.match(text, end)
        if after and after.group(1).rstrip(".").lower() not in _NOT_NAMES:
            return True
        return _title_case(previous) and previous.lower() not in _NOT_NAMES

    def names(self, text: str, spans: Sequence[tuple[int, int]]) -> list[bool]:
        """For each span of a listed word (in text order), whether it is part of a place or a
        name; one pass over the text for places, a bounded look around each span."""
        pattern = self.lexicon.place_pattern
        places = ([m.span() for m in pattern.finditer(text)]
                  if pattern and spans and _may_match(text, self.lexicon.place_gate) else [])
        named: set[str] = set()
        out: list[bool] = []
        k = 0
        for start, end in spans:
            while k < len(places) and places[k][1] < end:
                k += 1
            in_place = k < len(places) and places[k][0] <= start
            is_name = in_place or self.in_name(text, start, end, frozenset(named))
            if is_name:
                named.add(text[start:end])
            out.append(is_name)
        return out

    def mask(self, text: str) -> str:
        """``text`` with every name word used as a name replaced by x's of the same length."""
        pattern = self.lexicon.word_pattern
        if pattern is None or not _may_match(text, self.lexicon.word_gate):
            return text
        spans = [m.span() for m in pattern.finditer(text)]
        if not spans:
            return text
        pieces: list[str] = []
        last = 0
        for (start, end), is_name in zip(spans, self.names(text, spans), strict=True):
            if is_name:
                pieces += [text[last:start], "x" * (end - start)]
                last = end
        return "".join(pieces) + text[last:]


def _may_match(text: str, gate: LiteralGate | None) -> bool:
    """False only when ``text`` is ASCII and its lower-case form lacks every gate literal."""
    return gate is None or not text.isascii() or gate(text.lower())


def _title_case(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()
