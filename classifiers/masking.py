"""Masks for evidence that must not repeat what it found (numbers, codes, secrets, names).

Evidence leaves the detector in verdicts, the flagged topic, reasons and the moderators' UI;
a masked evidence text shows enough to explain the flag ("****1111") and never the secret.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")


def last_four(text: str) -> str:
    """``****`` and the last four digits: "4111 1111 1111 1111" -> "****1111"."""
    digits = _NOT_DIGIT.sub("", text)
    return "****" + digits[-4:]


def ssn(text: str) -> str:
    """A Social Security number with only its last four digits: "***-**-6789"."""
    return "***-**-" + _NOT_DIGIT.sub("", text)[-4:]


def iban(text: str) -> str:
    """An IBAN's country code and last four characters: "GB****5432"."""
    compact = re.sub(r"\W", "", text).upper()
    return compact[:2] + "****" + compact[-4:]


def all_digits(text: str) -> str:
    """Every digit replaced by ``*``: door codes, house numbers."""
    return _DIGITS.sub("*", text)


def secret(text: str) -> str:
    """A secret value replaced entirely: "********"."""
    return "********"


def ip_address(text: str) -> str:
    """An IPv4 address with its last two octets hidden: "10.20.*.*"."""
    parts = text.split(".")
    return ".".join(parts[:2] + ["*"] * (len(parts) - 2))


def initials(text: str) -> str:
    """Names reduced to initials, other words kept: "my neighbor John Smith" -> "my neighbor
    J*** S****", "@jdoe" -> "@j***"."""
    return _NAME_OR_HANDLE.sub(_initial, text)


_TITLES = frozenset([
    "my", "our", "his", "her", "their", "the", "vice", "mayor", "council", "councilman",
    "councilwoman", "councilmember", "member", "councilor", "officer", "deputy", "sergeant",
    "sgt", "detective", "chief", "judge", "clerk", "manager", "director", "inspector",
    "principal", "coach", "pastor", "dr", "mr", "mrs", "ms", "miss", "town", "police", "fire",
    "attorney",
])
_NAME_OR_HANDLE = re.compile(r"@\w+|\b[A-Z][\w'-]*")


def _initial(match: re.Match[str]) -> str:
    word = match.group()
    if word.lower().rstrip(".") in _TITLES:
        return word
    keep = 2 if word.startswith("@") else 1
    return word[:keep] + "*" * (len(word) - keep)
