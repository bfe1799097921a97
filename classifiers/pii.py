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

from stdnum import iban, luhn
from stdnum.us import rtn, ssn

from classifiers import masking
from classifiers.rules import Hit, RuleDetector, stems
from classifiers.textnorm import NUMBER_STEM, NormText

CONTEXT_CHARS = 60
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


def _before(doc: NormText, start: int, end: int) -> str:
    """The lower-case text around a candidate: the context words a number needs."""
    return doc.lower[max(0, start - CONTEXT_CHARS) : end + 20]


def _hit(doc: NormText, label: str, score: float, start: int, end: int, shown: str) -> Hit:
    a, b = doc.span(start, end)
    return Hit(label, score, a, b, shown)


class CardRule:
    """Luhn-valid card numbers: 0.95 with an issuer's prefix, 0.85 beside card words."""

    label = "card number (Luhn-valid)"
    triggers = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for card numbers, masked to the last four digits."""
        for m in _CARD.finditer(doc.lower):
            digits = re.sub(r"\D", "", m.group())
            if len(set(digits)) < 2 or not luhn.is_valid(digits):
                continue
            issuer = card_issuer(digits)
            if issuer is not None:
                label, score = f"card number (Luhn-valid, {issuer})", 0.95
            elif CARD_CONTEXT.search(_before(doc, m.start(), m.end())):
                label, score = self.label, 0.85
            else:
                continue
            yield _hit(doc, label, score, m.start(), m.end(), masking.last_four(m.group()))

    def fingerprint(self) -> str:
        """Patterns and scores."""
        return f"{self.label}|0.95|0.85|{_CARD.pattern}|{CARD_CONTEXT.pattern}"


class NineDigitRule:
    """US Social Security numbers and ABA routing numbers, valid per python-stdnum."""

    label = "US Social Security number"
    triggers = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for SSNs (masked ***-**-6789) and routing numbers (masked *****0015)."""
        for m in _SSN_SHAPED.finditer(doc.lower):
            if ssn.is_valid(re.sub(r"\D", "", m.group())):
                named = SSN_CONTEXT.search(_before(doc, m.start(), m.end()))
                yield _hit(doc, self.label, 0.95 if named else 0.85, m.start(), m.end(),
                           masking.ssn(m.group()))
        for m in _NINE.finditer(doc.lower):
            around = _before(doc, m.start(), m.end())
            if ROUTING_CONTEXT.search(around) and rtn.is_valid(m.group()):
                yield _hit(doc, "bank routing number (ABA)", 0.75, m.start(), m.end(),
                           masking.last_four(m.group()))
            elif SSN_CONTEXT.search(around) and ssn.is_valid(m.group()):
                yield _hit(doc, self.label, 0.9, m.start(), m.end(), masking.ssn(m.group()))

    def fingerprint(self) -> str:
        """Patterns and scores."""
        return (f"{self.label}|0.95|0.85|0.9|0.75|{_SSN_SHAPED.pattern}|{_NINE.pattern}|"
                f"{SSN_CONTEXT.pattern}|{ROUTING_CONTEXT.pattern}")


class AccountRule:
    """A number given as an account number: 0.9 beside bank words, else 0.7."""

    label = "bank account number"
    triggers = stems("account", "acct", "acc")

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for account numbers, masked to the last four digits."""
        for m in _ACCOUNT.finditer(doc.lower):
            digits = re.sub(r"\D", "", m.group(1))
            if len(digits) < 6 or (luhn.is_valid(digits) and card_issuer(digits)):
                continue  # too short to be one, or a card number (the card rule has it)
            banked = BANK_CONTEXT.search(_before(doc, m.start(), m.end()))
            label, score = (self.label, 0.9) if banked else ("account number", 0.7)
            start, end = m.span(1)
            yield _hit(doc, label, score, start, end, masking.last_four(m.group(1)))

    def fingerprint(self) -> str:
        """Pattern and scores."""
        return f"{self.label}|0.9|0.7|{_ACCOUNT.pattern}|{BANK_CONTEXT.pattern}"


class IbanRule:
    """International bank account numbers with a valid ISO 13616 check (python-stdnum)."""

    label = "IBAN"
    triggers = frozenset({NUMBER_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for IBANs, masked to country code and last four characters."""
        for m in _IBAN.finditer(doc.lower):
            groups = m.group().split(" ")
            while groups and len("".join(groups)) >= 15:  # drop words caught after the IBAN
                candidate = " ".join(groups)
                if iban.is_valid(candidate.upper()):
                    yield _hit(doc, self.label, 0.95, m.start(), m.start() + len(candidate),
                               masking.iban(candidate))
                    break
                groups.pop()

    def fingerprint(self) -> str:
        """Pattern and score."""
        return f"{self.label}|0.95|{_IBAN.pattern}"


class FinancialNumberDetector(RuleDetector):
    """Category g: validated financial and identity numbers, masked."""

    def __init__(self) -> None:
        super().__init__("pii-numbers", "g", [CardRule(), NineDigitRule(), AccountRule(),
                                               IbanRule()])
