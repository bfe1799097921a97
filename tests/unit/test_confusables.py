"""One table of look-alike letters, folded the same way by the profanity matcher and textnorm."""

from __future__ import annotations

import pytest

from classifiers.confusables import CONFUSABLES
from classifiers.profanity_lexicon import load_lexicon
from classifiers.profanity_matcher import Match, ProfanityMatcher
from classifiers.textnorm import fold_homoglyphs, normalize


@pytest.fixture(scope="module")
def matcher() -> ProfanityMatcher:
    return ProfanityMatcher(load_lexicon())


# Each text uses a letter that only the profanity matcher's old table had.
@pytest.mark.parametrize(
    ("text", "folded", "word"),
    [
        ("ьitch", "bitch", "bitch"),  # Cyrillic soft sign
        ("fuχ", "fux", "fux"),  # Greek chi
        ("βastard", "bastard", "bastard"),  # Greek beta
        ("shїt", "shit", "shit"),  # Cyrillic yi
        ("PUSSҮ", "PUSSY", "pussy"),  # Cyrillic capital straight u: a capital stays one
        ("sӀut", "slut", "slut"),  # Cyrillic palochka
    ],
)
def test_a_lookalike_folds_in_both_views(
    matcher: ProfanityMatcher, text: str, folded: str, word: str
) -> None:
    assert normalize(text).text == folded
    assert fold_homoglyphs(text) == folded
    assert matcher.matches(text) == [Match(0, len(text), word, "obfuscation")]


def test_textnorm_keeps_case_and_folds_quotes_on_top() -> None:
    assert normalize("Αβ ΒΕΤ ’Κοκ” ").text == "Ab BET 'Kok\" "


def test_every_lookalike_is_one_ascii_letter_so_offsets_never_move() -> None:
    assert all(len(v) == 1 and v.isascii() and v.isalpha() for v in CONFUSABLES.values())
    assert all(normalize(k).text == v for k, v in CONFUSABLES.items())
