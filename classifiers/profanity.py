"""Category a (vulgar language): better-profanity 0.7.0's semantics, compiled into one regex.

better-profanity splits a text into tokens (runs of its ``ALLOWED_CHARACTERS``), lowercases
them and compares each token, and each token joined with up to ``MAX_NUMBER_COMBINATIONS``
following tokens (with and without the separators between them), against every list word
expanded with its leetspeak ``CHARS_MAPPING``. Its Python loop does that at 50-110 comments/s.

Here every list word becomes a branch of one trie-shaped regex over the lowercased text: a
letter becomes the class of its leetspeak substitutes, a word made of allowed characters may
have any run of non-allowed characters between its letters (the token joins), a word with
separators ("blow job") must show them literally, and a match must start and end at token
boundaries. A clean comment costs one regex scan. A second regex, over a normalised view of
non-ASCII text, catches obfuscations better-profanity misses. docs/profanity-curation.md
lists every difference from better-profanity.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from better_profanity import profanity as _reference
from better_profanity.constants import ALLOWED_CHARACTERS
from better_profanity.utils import get_complete_path_of_file

from pipeline.records import Evidence, Finding
from pipeline.settings import CONFIG_DIR

Kind = Literal["base", "addition", "obfuscation"]

DEFAULT_LEXICON_DIR = CONFIG_DIR / "lexicons"
WORDLIST_PATH = Path(get_complete_path_of_file("profanity_wordlist.txt"))
SCORES: dict[str, float] = {"mild": 0.6, "strong": 0.95}

_ALLOWED: frozenset[str] = frozenset(ALLOWED_CHARACTERS)
_CHARS_MAPPING: dict[str, tuple[str, ...]] = dict(_reference.CHARS_MAPPING)
# Extra substitutes, used only by the obfuscation pass: "sh!t", "sh|t", "shi+".
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


# Before matching, a non-ASCII character that lowercases to an ASCII letter (the Kelvin sign)
# becomes that letter, any other allowed one '"' (allowed, in no list word) and the rest NUL
# (not allowed): offsets and token boundaries stay those of the original text, and the regex
# classes stay ASCII-small.
_ALLOWED_ASCII = frozenset(c for c in _ALLOWED if c.isascii())
_A = _class_body(_ALLOWED_ASCII)
_GAP = f"[^{_A}]*"
_TOKEN_RE = re.compile(f"[{_A}]+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# The last character of a text, when it alone is the last token: better-profanity never joins it.
_LAST_SINGLE_RE = re.compile(f"[^{_A}][{_A}]\\Z")


def _ascii_sentinel(m: re.Match[str]) -> str:
    char = m.group()
    low = char.lower()
    if len(low) == 1 and low.isascii() and char in _ALLOWED:
        return low
    return '"' if char in _ALLOWED else "\x00"


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


@dataclass(frozen=True)
class Lexicon:
    """The effective word list: better-profanity's list minus removals plus additions."""

    list_words: frozenset[str]
    additions: frozenset[str]
    removals: frozenset[str]
    mild: frozenset[str]
    default_label: str
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
    severity = yaml.safe_load(files["severity"].read_text(encoding="utf-8")) or {}
    default_label = str(severity.get("default", "strong"))
    if default_label not in SCORES:
        raise ValueError(f"severity default must be one of {sorted(SCORES)}: {default_label!r}")
    if unknown := removals - base:
        raise ValueError(f"removals not in better-profanity's list: {sorted(unknown)}")
    if known := additions & base:
        raise ValueError(f"additions already in better-profanity's list: {sorted(known)}")
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
        additions=frozenset(additions),
        removals=frozenset(removals),
        mild=frozenset(mild),
        default_label=default_label,
        version="1." + digest.hexdigest()[:8],
    )


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
    if word[0] not in _ALLOWED or word[-1] not in _ALLOWED:
        return None  # better-profanity only joins words, never trailing separators
    if not all(c in _ALLOWED for c in word):
        return [(False, _char_class(c, extended) if c in _ALLOWED else re.escape(c)) for c in word]
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
_SEPARATOR_RE = re.compile(f"[^{_A}{_class_body(_EXTRA_LETTERS)}]+")
_TRIPLE_RE = re.compile(r"(.)\1\1")


def _squeeze(text: str) -> str:
    return "".join(char for char, _ in groupby(text))


def _keys(span: str) -> set[str]:
    """Keys of a span: extra letters ("!") read as letters and as separators, runs squeezed."""
    joined = _SEPARATOR_RE.sub("", span)
    return {_squeeze(joined.translate(table)) for table in (_KEY_TABLE, _KEY_NO_EXTRAS)}


class _WordSet:
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
        self.pattern = re.compile(f"[^{_A}]{root.regex()}(?![{_A}])")
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


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """The ASCII skeleton of one non-ASCII character ('' for invisible ones), else itself."""
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
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
        self._base = _WordSet(lexicon.words, extended=False)
        self._obf = _WordSet(lexicon.words, extended=True)
        # better-profanity joins a token with at most this many following tokens.
        self.max_joins = max([1, *(sum(c not in _ALLOWED for c in w) for w in lexicon.list_words)])

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
        """The label of a list word: "mild" if listed so, else the default ("strong")."""
        return "mild" if word in self.lexicon.mild else self.lexicon.default_label

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text: empty, or one finding with every match as evidence."""
        found = self.matcher.matches(text, classify=False)
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
