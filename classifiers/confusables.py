"""Latin look-alikes from other scripts: the one table both normalised views fold with.

Cyrillic and Greek letters that look like a Latin letter map to that letter, case kept (a
capital to a capital), so the rule detectors' view (``textnorm``) can still see capitals; the
profanity matcher lowercases after folding. Palochka ("Ӏ", "ӏ") has no Latin capital of its own
shape and maps to "l" either way. Every value is one ASCII character, so folding never moves
an offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

CONFUSABLES: Mapping[str, str] = MappingProxyType({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l", "ь": "b",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y", "Ӏ": "l",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin script g (IPA)
    "ɡ": "g",
})  # fmt: skip
"""Each look-alike letter and the Latin letter it stands for."""
