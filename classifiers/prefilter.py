"""Cheap necessary conditions for regexes: the literal strings one of which every match holds.

:func:`required_literals` reads a pattern's parse tree (the standard library's own parser) and
returns a set of lower-case strings such that any text the pattern matches anywhere holds one of
them in its lower-case form, or None when it cannot tell. A rule detector checks that set with
``str`` substring tests (C speed) before it runs the regex: when none of the strings is there,
the regex cannot match, so skipping it changes no result; it only saves the scan.

The derivation is conservative: classes (``\\w``, ``[^.]``), back-references and non-ASCII
literals are "any text"; a literal under ``(?i)`` whose letter has a non-ASCII case partner in
``re`` (i: U+0130 and U+0131, s: U+017F, k: U+212A) is "any text" too, because the lower-case
view may still hold that partner. Alternatives join their sets; a sequence keeps the most
selective set among its runs of literals and its parts (longest shortest string, then fewest).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

MAX_STRINGS = 64
"""Larger literal sets are given up (their product would not pay for itself)."""
_CASE_PARTNERS = frozenset("iks")
"""ASCII letters that ``re`` matches case-insensitively with a non-ASCII character."""


@dataclass(frozen=True)
class _Info:
    """What a piece of a pattern matches: exactly these strings (if known), and a set of which
    every match contains one (if known)."""

    exact: frozenset[str] | None
    required: frozenset[str] | None


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def required_literals(pattern: str, flags: int = 0, ascii_text: bool = False
                      ) -> frozenset[str] | None:
    """Lower-case strings one of which every match of ``pattern`` contains (None: unknown).

    With ``ascii_text`` the set holds for ASCII texts only (the non-ASCII case partners of
    i, k and s cannot occur in them, so those letters count as literals under ``(?i)``).
    """
    parsed = _parser.parse(pattern, flags)
    partners = frozenset() if ascii_text else _CASE_PARTNERS
    info = _Walk(partners).sequence(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    return _useful(info.required)


def _useful(found: frozenset[str] | None) -> frozenset[str] | None:
    return None if found is None or "" in found or not found else found


_COMMON_WORDS = """
a about after all also am an and any are as at be been but by can come could day do does
don't even for from get go going good got had has have he her here him his how i if in into
is it its just know like make me more my need no not now of on one only or other our out
people please really say see she should so some take than that the their them then there
these they think this time to too up us very want was way we well were what when where which
who will with would yeah yes you your
"""
_COMMON = frozenset(_COMMON_WORDS.split())
"""Very common English words: a required set holding one is a weak gate (selectivity only;
which set is chosen never changes what the gate lets through)."""


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two required sets: without a very common word, then longer
    shortest string, then fewer strings."""
    a, b = _useful(a), _useful(b)
    if a is None or b is None:
        return a if b is None else b
    return a if _selectivity(a) >= _selectivity(b) else b


def _selectivity(found: frozenset[str]) -> tuple[bool, int, int]:
    return (found.isdisjoint(_COMMON), min(map(len, found)), -len(found))


class _Walk:
    """The walk over a parse tree, with the letters that count as unknown under ``(?i)``."""

    def __init__(self, partners: frozenset[str]) -> None:
        self.partners = partners

    def char(self, code: int, ignore_case: bool) -> _Info:
        char = chr(code)
        if not char.isascii() or (ignore_case and char.lower() in self.partners):
            return _ANY
        return _Info(frozenset({char.lower()}), None)

    def node(self, op: Any, av: Any, ignore_case: bool) -> _Info:
        if op is c.LITERAL:
            return self.char(av, ignore_case)
        if op is c.IN:
            chars: set[str] = set()
            for item_op, item_av in av:
                if item_op is not c.LITERAL:
                    return _ANY
                info = self.char(item_av, ignore_case)
                if info.exact is None:
                    return _ANY
                chars |= info.exact
            return _Info(frozenset(chars), None)
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return _EMPTY
        if op is c.SUBPATTERN:
            _group, add, remove, sub = av
            case = (ignore_case or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            return self.sequence(list(sub), case)
        if op is c.ATOMIC_GROUP:
            return self.sequence(list(av), ignore_case)
        if op is c.BRANCH:
            return _branch([self.sequence(list(sub), ignore_case) for sub in av[1]])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            inner = self.sequence(list(sub), ignore_case)
            if high == 0:
                return _EMPTY
            if low == 0:
                if high == 1 and inner.exact is not None:
                    return _Info(inner.exact | {""}, None)
                return _ANY
            if low == high == 1:
                return inner
            return _Info(None, _useful(inner.exact) or inner.required)
        return _ANY  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, CATEGORY...

    def sequence(self, items: list[tuple[Any, Any]], ignore_case: bool) -> _Info:
        best: frozenset[str] | None = None
        run: frozenset[str] | None = frozenset({""})
        whole: frozenset[str] | None = frozenset({""})
        for op, av in items:
            info = self.node(op, av, ignore_case)
            best = _better(best, info.required)
            if info.exact is None:
                best = _better(best, run)
                run = frozenset({""})
                whole = None
                continue
            joined = _product(run, info.exact)
            if joined is None:  # too many strings: close the run, start one at this piece
                best = _better(best, run)
                joined = info.exact
            run = joined
            if whole is not None:
                whole = _product(whole, info.exact)
        best = _better(best, run)
        return _Info(whole, best)


def _branch(options: list[_Info]) -> _Info:
    exact: frozenset[str] | None = frozenset()
    required: frozenset[str] | None = frozenset()
    for info in options:
        exact = None if exact is None or info.exact is None else exact | info.exact
        own = _useful(info.exact) or _useful(info.required)
        required = None if own is None or required is None else required | own
    if exact is not None and len(exact) > MAX_STRINGS:
        exact = None
    return _Info(exact, required)


def _product(left: frozenset[str] | None, right: frozenset[str]) -> frozenset[str] | None:
    if left is None or len(left) * len(right) > MAX_STRINGS:
        return None
    return frozenset(a + b for a in left for b in right)


IN_TESTS = 20
"""Up to this many strings are tested one by one with ``in``; more go into one regex."""


class LiteralGate:
    """Whether a lower-case text may match a pattern: False only when it cannot.

    A string that contains another one of the set adds nothing (the shorter one is there
    whenever it is) and is dropped; the rest are tested with ``in`` or, when many, by one
    trie-shaped regex (``re`` tries only the branch of the letter it reads).
    """

    def __init__(self, strings: frozenset[str]) -> None:
        kept = [s for s in strings if not any(o != s and o in s for o in strings)]
        self.strings = tuple(sorted(kept, key=lambda s: (len(s), s)))
        self._regex = (re.compile(_trie(self.strings)) if len(self.strings) > IN_TESTS
                       else None)

    def __call__(self, lower: str) -> bool:
        """Whether ``lower`` holds one of the strings."""
        if self._regex is not None:
            return self._regex.search(lower) is not None
        return any(s in lower for s in self.strings)


def _trie(strings: Iterable[str]) -> str:
    """A regex matching exactly ``strings`` (none a prefix of another), as a trie."""
    branches = []
    for first, group in groupby(sorted(strings), key=lambda s: s[0]):
        rests = [s[1:] for s in group]
        if len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
        else:
            branches.append(re.escape(first) + "(?:" + _trie(rests) + ")")
    return "|".join(branches)


def literal_gate(pattern: str, flags: int = 0, ascii_text: bool = False) -> LiteralGate | None:
    """The gate of ``pattern``'s :func:`required_literals` (None when there is no set)."""
    found = required_literals(pattern, flags, ascii_text)
    return None if found is None else LiteralGate(found)
