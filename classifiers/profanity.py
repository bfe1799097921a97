"""Category a (vulgar language): better-profanity 0.7.0's semantics, compiled into one regex.

better-profanity splits a text into tokens (runs of its ``ALLOWED_CHARACTERS``), lowercases
them and compares each token, and each token joined with up to ``MAX_NUMBER_COMBINATIONS``
following tokens (with and without the separators between them), against every list word
expanded with its leetspeak ``CHARS_MAPPING``. Its Python loop does that at ~50 comments/s.

Here every list word becomes a branch of one trie-shaped regex over the lowercased text: a
character becomes the class of its leetspeak substitutes, a word made of allowed characters may
have any run of non-allowed characters between its letters (the token joins), a word with
separators ("blow job") must show them literally, and a match must start and end at token
boundaries. A verdict is one ``re.search``. On top of that, a second pass over a normalised view
of the text catches obfuscations better-profanity misses (see docs/profanity-curation.md).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from better_profanity import profanity as _reference
from better_profanity.constants import ALLOWED_CHARACTERS
from better_profanity.utils import get_complete_path_of_file

from pipeline.records import Evidence, Finding

Kind = Literal["base", "addition", "obfuscation"]

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent.parent / "config" / "lexicons"
WORDLIST_PATH = Path(get_complete_path_of_file("profanity_wordlist.txt"))
SCORES: dict[str, float] = {"mild": 0.6, "strong": 0.95}

_ALLOWED: frozenset[str] = frozenset(ALLOWED_CHARACTERS)
_CHARS_MAPPING: dict[str, tuple[str, ...]] = dict(_reference.CHARS_MAPPING)
# Extra substitutes, used only by the obfuscation pass: "sh!t", "sh|t", "shi+", "fr€€".
_EXTRA_MAPPING: dict[str, tuple[str, ...]] = {"i": ("!", "|"), "l": ("|",), "t": ("+",)}
_EXTRA_LETTERS = frozenset(c for subs in _EXTRA_MAPPING.values() for c in subs)

# Latin look-alikes from other scripts, folded before the obfuscation pass.
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ү": "y", "ӏ": "l", "ь": "b",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j", "Ү": "y", "Ӏ": "l",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k",
    "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
}  # fmt: skip


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


_A = _class_body(_ALLOWED)
_GAP = f"(?:[^{_A}]++)?"
_TOKEN_RE = re.compile(f"[{_A}]+")
# Characters whose str.lower() changes length or allowed-ness; replaced before lowercasing so
# offsets and token boundaries stay those of the original text. None of them is in a list word.
_LOWER_FIX: dict[int, str] = {}
for _cp in (0x130, *range(0x1C5, 0x1F3), *range(0x1F88, 0x1FFD), *range(0xA7C4, 0xA7C7)):
    _c = chr(_cp)
    _low = _c.lower()
    if len(_low) != 1 or (_c in _ALLOWED) != (_low in _ALLOWED):
        _LOWER_FIX[_cp] = "ß" if _c in _ALLOWED else "\x00"
_LOWER_FIX_RE = re.compile(f"[{_class_body(chr(cp) for cp in _LOWER_FIX)}]")
# The last character of a text, when it alone is the last token: better-profanity never joins it.
_LAST_SINGLE_RE = re.compile(f"[^{_A}][{_A}]\\Z")


def _lower(text: str) -> str:
    """Lowercase ``text`` keeping its length and its token boundaries."""
    if _LOWER_FIX_RE.search(text):
        text = text.translate(_LOWER_FIX)
    return text.lower()


@dataclass(frozen=True)
class Match:
    """One vulgar word found: span in the original text, the list word and how it was found."""

    start: int
    end: int
    word: str
    kind: Kind


@dataclass(frozen=True)
class Lexicon:
    """The effective word list: better-profanity's list minus removals plus additions."""

    list_words: frozenset[str]
    additions: frozenset[str]
    removals: frozenset[str]
    mild: frozenset[str]
    version: str

    @property
    def words(self) -> frozenset[str]:
        """Every word the matcher looks for."""
        return self.list_words | self.additions


def _yaml_entries(path: Path, key: str) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get(key) or []
    words: list[str] = []
    for entry in entries:
        word = entry["word"] if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path.name}: {word!r} has no reason")
        words.append(str(word).lower())
    return words


def load_lexicon(lexicon_dir: Path = DEFAULT_LEXICON_DIR) -> Lexicon:
    """Read the installed better-profanity list and the curation files in ``lexicon_dir``."""
    files = {
        "removals": lexicon_dir / "profanity-removals.yaml",
        "additions": lexicon_dir / "profanity-additions.yaml",
        "severity": lexicon_dir / "profanity-severity.yaml",
    }
    raw = WORDLIST_PATH.read_text(encoding="utf-8")
    base = {line.strip().lower() for line in raw.splitlines() if line.strip()}
    removals = set(_yaml_entries(files["removals"], "removals"))
    additions = set(_yaml_entries(files["additions"], "additions"))
    mild = set(_yaml_entries(files["severity"], "mild"))
    if unknown := removals - base:
        raise ValueError(f"removals not in better-profanity's list: {sorted(unknown)}")
    if short := {w for w in additions if len(w) < 2}:
        raise ValueError(f"additions shorter than 2 characters: {sorted(short)}")
    effective = (base - removals) | additions
    if unknown := mild - effective:
        raise ValueError(f"severity words not in the effective list: {sorted(unknown)}")
    digest = hashlib.sha256(raw.encode("utf-8"))
    for path in files.values():
        digest.update(path.read_bytes())
    return Lexicon(
        list_words=frozenset(base - removals),
        additions=frozenset(additions - base),
        removals=frozenset(removals),
        mild=frozenset(mild),
        version="1." + digest.hexdigest()[:8],
    )


def _char_class(char: str, extended: bool) -> str:
    subs = set(_CHARS_MAPPING.get(char, (char,)))
    if extended:
        subs.update(_EXTRA_MAPPING.get(char, ()))
    return re.escape(char) if len(subs) == 1 else f"[{_class_body(subs)}]"


def _units(word: str, extended: bool) -> list[str] | None:
    """Split a word into regex units for the trie, or None if it can never match.

    A word made only of allowed characters may be spread over several tokens (any gap between
    letters); in the extended (obfuscation) mode a letter may also be repeated: a run of n
    letters in the word matches n letters, or at least max(3, n + 1).
    """
    if word[0] not in _ALLOWED or word[-1] not in _ALLOWED:
        return None  # better-profanity only joins words, never trailing separators
    if not all(c in _ALLOWED for c in word):
        return [_char_class(c, extended) if c in _ALLOWED else re.escape(c) for c in word]
    if not extended:
        return [(_GAP if i else "") + _char_class(c, False) for i, c in enumerate(word)]
    units: list[str] = []
    for run in re.finditer(r"(.)\1*", word):
        cls = _char_class(run.group(1), True)
        n = len(run.group(0))
        more = f"(?:{cls}{cls}+)?" if n == 1 else f"{cls}*"
        units.append((_GAP if units else "") + cls + f"(?:{_GAP}{cls})" * (n - 1) + more)
    return units


def _compile(words: Iterable[str], extended: bool) -> tuple[re.Pattern[str], list[str]]:
    """Compile the trie regex; group ``w<i>`` closes word ``i`` of the returned list."""
    trie: dict[str, object] = {}
    names: list[str] = []
    for word in sorted(words):
        units = _units(word, extended)
        if units is None:
            continue
        node = trie
        for unit in units:
            node = node.setdefault(unit, {})  # type: ignore[assignment]
        node[""] = len(names)
        names.append(word)

    def emit(node: dict[str, object]) -> str:
        branches = [unit + emit(child) for unit, child in node.items() if unit and isinstance(
            child, dict)]
        if "" in node:
            branches.append(f"(?P<w{node['']}>)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(f"(?<![{_A}]){emit(trie)}(?![{_A}])"), names


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """The ASCII skeleton of one non-ASCII character ('' for invisible ones), else itself."""
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""  # zero-width, bidi controls, soft hyphen, combining marks, variation selectors
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    return folded if folded and folded.isascii() else char


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


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
        self._base, self._base_names = _compile(lexicon.words, extended=False)
        self._obf, self._obf_names = _compile(lexicon.words, extended=True)
        # better-profanity joins a token with at most this many following tokens.
        self.max_joins = max(
            [1, *(sum(c not in _ALLOWED for c in w) for w in lexicon.list_words)]
        )

    def contains(self, text: str) -> bool:
        """Whether ``text`` has any vulgar word (the fast verdict, no spans)."""
        if text.isascii():
            return self._obf.search(_lower(text)) is not None
        return bool(self.matches(text))

    def matches(self, text: str) -> list[Match]:
        """Every vulgar word in ``text``, non-overlapping, in order of position."""
        found: list[Match] = []
        if text.isascii():
            low = _lower(text)
            if self._obf.search(low) is None:
                return found
            found.extend(self._obf_pass(low, None))
        else:
            norm = _Normalised(text)
            found.extend(self._obf_pass(_lower(norm.text), norm))
        found.extend(self._base_pass(text))
        return _dedupe(found)

    def _base_pass(self, text: str) -> list[Match]:
        # better-profanity never joins a one-character last token, so it cannot be part of a
        # match: cut it off.
        if _LAST_SINGLE_RE.search(text):
            text = text[:-1]
        out: list[Match] = []
        for m in self._base.finditer(_lower(text)):
            word = self._base_names[int(m.lastgroup[1:])] if m.lastgroup else ""
            tokens = len(_TOKEN_RE.findall(text, m.start(), m.end()))
            if word in self.lexicon.additions:
                kind: Kind = "addition"
            elif tokens > self.max_joins + 1:
                kind = "obfuscation"
            else:
                kind = "base"
            out.append(Match(m.start(), m.end(), word, kind))
        return out

    def _obf_pass(self, low: str, norm: _Normalised | None) -> list[Match]:
        out: list[Match] = []
        for m in self._obf.finditer(low):
            word = self._obf_names[int(m.lastgroup[1:])] if m.lastgroup else ""
            start, end = m.start(), m.end()
            if norm is not None:
                start, end = norm.origin(start), norm.origin(end - 1) + 1
            kind: Kind = "addition" if word in self.lexicon.additions else "obfuscation"
            out.append(Match(start, end, word, kind))
        return out


_KIND_RANK: dict[str, int] = {"base": 0, "addition": 1, "obfuscation": 2}


def _dedupe(found: list[Match]) -> list[Match]:
    """Keep non-overlapping matches: earliest first, then widest, then the plainest kind."""
    found.sort(key=lambda m: (m.start, -m.end, _KIND_RANK[m.kind]))
    kept: list[Match] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            last = kept[-1]
            if (m.start, m.end) == (last.start, last.end) and m.kind == "base":
                kept[-1] = m
            continue
        kept.append(m)
    return kept


def _printable(text: str) -> str:
    """``text`` with lone surrogates replaced, so evidence always serialises."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


class ProfanityDetector:
    """The category a detector: one finding per comment with vulgar words, else none."""

    name = "profanity"

    def __init__(self, lexicon_dir: Path | str | None = None) -> None:
        self.lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else DEFAULT_LEXICON_DIR)
        self.version = self.lexicon.version
        self.matcher = ProfanityMatcher(self.lexicon)

    def severity(self, word: str) -> str:
        """The label of a list word: "mild" or "strong"."""
        return "mild" if word in self.lexicon.mild else "strong"

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text: empty, or one finding with every match as evidence."""
        found = self.matcher.matches(text)
        if not found:
            return []
        label = "strong" if any(self.severity(m.word) == "strong" for m in found) else "mild"
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
