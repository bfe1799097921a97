"""The machinery the rule detectors share: rules that find hits, a detector that scores them.

A rule looks for one sub-kind of one category ("door code", "shortened link") and yields
:class:`Hit` s: a label, a score, an original-text span and the evidence text to show (masked
where the matched words are themselves sensitive). A rule names *trigger stems*, the first four
letters of a word its pattern cannot match without (``"#"``: any digit); the detector only runs
the rules whose stems occur in the comment, so a clean comment costs one set intersection.

A rule is a frozen dataclass whose fields are everything it scores with: its labels, scores,
patterns, windows and word lists. :func:`fingerprint` is built from those same fields, so
changing a score or a pattern always changes the detector version.

Scores estimate how often a hit of that sub-kind is a real violation (see docs/detectors.md).
A detector turns the hits of one comment into at most one finding: the best hit per label, then
either the maximum (each sub-kind suffices alone, and weak hits must not add up to an automatic
removal) or a noisy-OR (spam, where independent weak signals do corroborate each other).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import Field, dataclass, field, fields, is_dataclass
from itertools import islice
from types import FunctionType
from typing import Any, ClassVar, Literal, Protocol

from classifiers.prefilter import LiteralGate, literal_gate
from classifiers.textnorm import STEM, NormText, normalize
from pipeline.records import Category, Evidence, Finding

MAX_EVIDENCE = 10
MAX_HITS_PER_RULE = 20
Combine = Literal["max", "noisy_or"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One sub-kind found at one original span, with the evidence text to show."""

    label: str
    score: float
    start: int
    end: int
    text: str


class Rule(Protocol):
    """A frozen dataclass that finds hits of one sub-kind in a normalised comment.

    Its fields hold every value it scores with (:func:`fingerprint` hashes them).
    """

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def label(self) -> str:
        """The sub-kind this rule finds."""
        ...

    @property
    def triggers(self) -> frozenset[str]:
        """Stems of which the comment must hold one for the rule to run."""
        ...

    def find(self, doc: NormText) -> Iterable[Hit]:
        """Every hit of this rule in ``doc``."""
        ...


def fingerprint(rule: object) -> str:
    """The rule's class and every compared field, canonical: the input of the detector version.

    Patterns count by source and flags, word sets in sorted order, functions (masks, checks)
    by their qualified name, and a dataclass used as a check by its own fields. A lambda or a
    value of any other type is refused: its text would not identify it.
    """
    if not is_dataclass(rule) or isinstance(rule, type):
        raise TypeError(f"not a dataclass instance: {rule!r}")
    parts = (f"{f.name}={_canonical(getattr(rule, f.name))}" for f in fields(rule) if f.compare)
    return f"{type(rule).__qualname__}({', '.join(parts)})"


def _canonical(value: object) -> str:
    if value is None or isinstance(value, str | int | float):
        return repr(value)
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r}, {int(value.flags)})"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_canonical(v) for v in value) + ")"
    if isinstance(value, FunctionType) and value.__name__ != "<lambda>":
        return f"{value.__module__}.{value.__qualname__}"
    if is_dataclass(value) and not isinstance(value, type):
        return fingerprint(value)
    raise TypeError(f"no stable fingerprint for {value!r}: use a named function or a dataclass")


Accept = Callable[[re.Match[str], NormText], bool]
Mask = Callable[[str], str]


@dataclass(frozen=True)
class PatternRule:
    """A compiled regex over the lower-case view (or the case-kept view) of a comment.

    The rule runs when the comment holds one of its ``triggers`` stems and, if ``also`` is
    given, one of those stems too (a cheap AND before the regex). ``group`` names the part of
    the match shown as evidence, ``mask`` rewrites that evidence (masking secrets), ``accept``
    rejects a match after a check the regex cannot make. ``gate`` is derived from the pattern
    (:mod:`classifiers.prefilter`): the literal strings one of which any match holds, checked
    before the regex scans; it skips only comments the regex cannot match.
    """

    label: str
    score: float
    pattern: str
    triggers: frozenset[str]
    group: int | str = 0
    cased: bool = False
    mask: Mask | None = None
    accept: Accept | None = None
    also: frozenset[str] = frozenset()
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    gate: LiteralGate | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 < self.score <= 1.0:
            raise ValueError(f"{self.label}: score {self.score} out of (0, 1]")
        if bad := [t for t in self.triggers | self.also if len(t) > STEM]:
            raise ValueError(f"{self.label}: triggers longer than {STEM} letters: {bad}")
        object.__setattr__(self, "regex", re.compile(self.pattern))
        object.__setattr__(self, "gate", literal_gate(self.pattern))

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Every non-overlapping match, as hits on the original text."""
        if (self.also and doc.stems.isdisjoint(self.also)) or (
                self.gate is not None and not self.gate(doc.lower)):
            return iter(())
        return self._hits(doc)

    def _hits(self, doc: NormText) -> Iterator[Hit]:
        view = doc.text if self.cased else doc.lower
        for m in self.regex.finditer(view):
            if self.accept is not None and not self.accept(m, doc):
                continue
            start, end = m.span(self.group)
            if start < 0:  # the evidence group did not take part in this match
                start, end = m.span()
            shown = doc.excerpt(start, end)
            a, b = doc.span(start, end)
            yield Hit(self.label, self.score, a, b, self.mask(shown) if self.mask else shown)


def stems(*words: str) -> frozenset[str]:
    """Trigger stems of ``words``: each word's first four letters ("#", "#9", "$" as they are)."""
    return frozenset(w[:STEM] for w in words)


def combine(scores: Iterable[float], how: Combine) -> float:
    """One score from the best score of each label."""
    values = list(scores)
    if how == "max":
        return max(values)
    remaining = 1.0
    for value in values:
        remaining *= 1.0 - value
    return min(0.99, 1.0 - remaining)


class RuleDetector:
    """A detector made of rules for one category; at most one finding per comment."""

    def __init__(
        self,
        name: str,
        category: Category,
        rules: Sequence[Rule],
        how: Combine = "max",
    ) -> None:
        self.name = name
        self.category: Category = category
        self.rules = tuple(rules)
        self.how: Combine = how
        self._triggers = frozenset().union(*(r.triggers for r in self.rules))
        limits = f"{category}|{how}|{MAX_HITS_PER_RULE}|{MAX_EVIDENCE}"
        text = "\n".join([limits, *(fingerprint(rule) for rule in self.rules)])
        self.version = "1." + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

    def hits(self, text: str) -> list[Hit]:
        """Every hit of every rule whose triggers occur in ``text``."""
        doc = normalize(text)
        if doc.stems.isdisjoint(self._triggers):
            return []
        return [
            hit
            for rule in self.rules
            if not doc.stems.isdisjoint(rule.triggers)
            for hit in islice(rule.find(doc), MAX_HITS_PER_RULE)
        ]

    def detect(self, text: str) -> list[Finding]:
        """The finding for one comment (empty when no rule hit)."""
        found = self.hits(text)
        if not found:
            return []
        best: dict[str, float] = {}
        for hit in found:
            best[hit.label] = max(best.get(hit.label, 0.0), hit.score)
        labels = sorted(best, key=lambda label: (-best[label], label))
        return [
            Finding(
                category=self.category,
                score=round(combine(best.values(), self.how), 3),
                evidence=_evidence(found),
                detector=self.name,
                version=self.version,
                label="; ".join(labels),
            )
        ]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in order."""
        return [self.detect(text) for text in texts]


def _evidence(found: list[Hit]) -> tuple[Evidence, ...]:
    """Non-overlapping evidence spans in text order, the highest-scoring kept on overlap."""
    kept: list[Hit] = []
    for hit in sorted(found, key=lambda h: (-h.score, h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return tuple(Evidence(start=h.start, end=h.end, text=h.text) for h in kept[:MAX_EVIDENCE])
