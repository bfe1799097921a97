"""Category g, in numbers: card, Social Security, routing, bank account and IBAN numbers.

Every candidate is checked with python-stdnum before it counts (Luhn for cards, the SSA's
rules for SSNs, the ABA checksum for routing numbers, ISO 13616 mod-97 for IBANs), and its
evidence is masked before it leaves this module: "****1111", "***-**-6789", "GB****5432".

Scores: 0.95 for a number whose checksum *and* shape leave no doubt (a Luhn-valid number with
a card issuer's prefix and length, a valid IBAN, an SSN named as one): policy.yaml hides these
automatically. 0.85–0.9 where the shape is right but the context is needed (an SSN-formatted
number without "SSN" near it, an account number next to "bank"), 0.7–0.75 for a routing number
or an account number of unknown kind: review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from stdnum import iban, luhn
from stdnum.us import rtn, ssn

from classifiers import masking
from classifiers.rules import Hit, RuleDetector, stems
from classifiers.textnorm import NUMBER_STEM, NormText

CONTEXT_WINDOW = (60, 20)
"""Characters before and after a candidate number in which its context words count."""
CARD_CONTEXT = re.compile(
    r"\b(?:card|cc|visa|mastercard|master\s+card|amex|american\s+express|discover|debit|credit|"
    r"cvv|cvc|exp(?:iry|iration|ires)?)\b"
)
SSN_CONTEXT = re.compile(r"\b(?:ssn|ss#|ss\s+(?:no|number|#)|social(?:\s+security)?)\b")
ROUTING_CONTEXT = re.compile(r"\b(?:routing|aba|rtn|transit)\b")
BANK_CONTEXT = re.compile(r"\b(?:bank|checking|savings|routing|wire|deposit|direct\s+deposit)\b")

# Each pattern starts with a plain \d and checks what precedes it after, so the engine can skip
# to digits instead of trying a look-behind at every position.
_CARD = re.compile(r"\d(?<![\d.,$-]\d)(?:[ -]?\d){12,18}(?![\d-])")
_SSN_SHAPED = re.compile(r"\d(?<![\d-]\d)\d\d([- ])\d{2}\1\d{4}(?![\d-])")
_NINE = re.compile(r"\d(?<![\d.,$-]\d)\d{8}(?![\d-])")
_ACCOUNT = re.compile(
    r"\b(?:account|acct|acc)\.?\s*(?:number|no\.?|num|#)?\s*(?:is|was|:|=|#|-)?\s*"
    r"(\d(?:[ -]?\d){5,16})(?![\d])"
)
_IBAN = re.compile(r"\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]){11,30}\b")


def card_issuer(digits: str) -> str | None:
    """The card scheme whose prefix and length ``digits`` has, if any."""
    n, two, four = len(digits), int(digits[:2]), int(digits[:4])
    six = int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if n == 16 and (51 <= two <= 55 or 2221 <= four <= 2720):
        return "Mastercard"
    if n == 15 and two in (34, 37):
        return "American Express"
    if 16 <= n <= 19 and (four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649
                          or 622126 <= six <= 622925):
        return "Discover"
    if 16 <= n <= 19 and 3528 <= four <= 3589:
        return "JCB"
    if 14 <= n <= 19 and (300 <= int(digits[:3]) <= 305 or two in (36, 38, 39)):
        return "Diners Club"
    return None


def _around(doc: NormText, start: int, end: int, window: tuple[int, int]) -> str:
    """The lower-case text around a candidate: where the context words a number needs count."""
    before, after = window
    return doc.lower[max(0, start - before) : end + after]


def _hit(doc: NormText, label: str, score: float, start: int, end: int, shown: str) -> Hit:
    a, b = doc.span(start, end)
    return Hit(label, score, a, b, shown)


@dataclass(frozen=True)
class CardRule:
    """Luhn-valid card numbers: ``score`` with an issuer's prefix, else beside card words."""

    label: str = "card number (Luhn-valid)"
    issuer_label: str = "card number (Luhn-valid, {})"
    score: float = 0.95
    context_score: float = 0.85
    pattern: re.Pattern[str] = _CARD
    context: re.Pattern[str] = CARD_CONTEXT
    window: tuple[int, int] = CONTEXT_WINDOW
    triggers: frozenset[str] = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for card numbers, masked to the last four digits."""
        for m in self.pattern.finditer(doc.lower):
            digits = re.sub(r"\D", "", m.group())
            if len(set(digits)) < 2 or not luhn.is_valid(digits):
                continue
            issuer = card_issuer(digits)
            if issuer is not None:
                label, score = self.issuer_label.format(issuer), self.score
            elif self.context.search(_around(doc, m.start(), m.end(), self.window)):
                label, score = self.label, self.context_score
            else:
                continue
            yield _hit(doc, label, score, m.start(), m.end(), masking.last_four(m.group()))


@dataclass(frozen=True)
class NineDigitRule:
    """US Social Security numbers and ABA routing numbers, valid per python-stdnum.

    An SSN-shaped number ("123-45-6789") scores ``score`` with SSN words near it, else
    ``shaped_score``; nine digits in a row need SSN words (``plain_score``) or routing words
    (``routing_score``).
    """

    label: str = "US Social Security number"
    routing_label: str = "bank routing number (ABA)"
    score: float = 0.95
    shaped_score: float = 0.85
    plain_score: float = 0.9
    routing_score: float = 0.75
    shaped: re.Pattern[str] = _SSN_SHAPED
    nine: re.Pattern[str] = _NINE
    ssn_context: re.Pattern[str] = SSN_CONTEXT
    routing_context: re.Pattern[str] = ROUTING_CONTEXT
    window: tuple[int, int] = CONTEXT_WINDOW
    triggers: frozenset[str] = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for SSNs (masked ***-**-6789) and routing numbers (masked *****0015)."""
        for m in self.shaped.finditer(doc.lower):
            if ssn.is_valid(re.sub(r"\D", "", m.group())):
                named = self.ssn_context.search(_around(doc, m.start(), m.end(), self.window))
                score = self.score if named else self.shaped_score
                yield _hit(doc, self.label, score, m.start(), m.end(), masking.ssn(m.group()))
        for m in self.nine.finditer(doc.lower):
            around = _around(doc, m.start(), m.end(), self.window)
            if self.routing_context.search(around) and rtn.is_valid(m.group()):
                yield _hit(doc, self.routing_label, self.routing_score, m.start(), m.end(),
                           masking.last_four(m.group()))
            elif self.ssn_context.search(around) and ssn.is_valid(m.group()):
                yield _hit(doc, self.label, self.plain_score, m.start(), m.end(),
                           masking.ssn(m.group()))


@dataclass(frozen=True)
class AccountRule:
    """A number given as an account number: ``score`` beside bank words, else ``plain_score``."""

    label: str = "bank account number"
    plain_label: str = "account number"
    score: float = 0.9
    plain_score: float = 0.7
    pattern: re.Pattern[str] = _ACCOUNT
    bank_context: re.Pattern[str] = BANK_CONTEXT
    min_digits: int = 6
    window: tuple[int, int] = CONTEXT_WINDOW
    triggers: frozenset[str] = stems("account", "acct", "acc")

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for account numbers, masked to the last four digits."""
        for m in self.pattern.finditer(doc.lower):
            digits = re.sub(r"\D", "", m.group(1))
            if len(digits) < self.min_digits or (luhn.is_valid(digits) and card_issuer(digits)):
                continue  # too short to be one, or a card number (the card rule has it)
            banked = self.bank_context.search(_around(doc, m.start(), m.end(), self.window))
            label, score = (self.label, self.score) if banked else (
                self.plain_label, self.plain_score)
            start, end = m.span(1)
            yield _hit(doc, label, score, start, end, masking.last_four(m.group(1)))


@dataclass(frozen=True)
class IbanRule:
    """International bank account numbers with a valid ISO 13616 check (python-stdnum)."""

    label: str = "IBAN"
    score: float = 0.95
    pattern: re.Pattern[str] = _IBAN
    min_chars: int = 15
    triggers: frozenset[str] = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for IBANs, masked to country code and last four characters."""
        for m in self.pattern.finditer(doc.lower):
            groups = m.group().split(" ")
            while groups and len("".join(groups)) >= self.min_chars:  # drop words caught after
                candidate = " ".join(groups)
                if iban.is_valid(candidate.upper()):
                    yield _hit(doc, self.label, self.score, m.start(),
                               m.start() + len(candidate), masking.iban(candidate))
                    break
                groups.pop()


class FinancialNumberDetector(RuleDetector):
    """Category g: validated financial and identity numbers, masked."""

    def __init__(self) -> None:
        super().__init__("pii-numbers", "g", [CardRule(), NineDigitRule(), AccountRule(),
                                               IbanRule()])
