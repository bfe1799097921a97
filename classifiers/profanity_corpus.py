"""A deterministic corpus of civic comments for the profanity agreement test and benchmark.

Clean, hand-written civic sentences, some naming identity, health and civic topics that
better-profanity's default list flags, mixed with words from better-profanity's list (and the
additions), in plain, leetspeak, upper-case and obfuscated spellings. Seeded: the same arguments
always give the same comments.
"""

from __future__ import annotations

import random
from pathlib import Path

from better_profanity import profanity as _reference
from better_profanity.utils import get_complete_path_of_file

SENTENCES: tuple[str, ...] = (
    "The council meeting on Tuesday will discuss the road repair budget.",
    "When will the pothole on Maple Street be fixed?",
    "Thank you to the fire department for the quick response last night.",
    "Is the library open on Sunday afternoons this summer?",
    "The new bike lanes on Main Street are a great improvement.",
    "Please post the agenda for the planning board before Friday.",
    "Our property assessment went up again and nobody explained why.",
    "Trash pickup was missed on our block for the second week in a row.",
    "The park cleanup is Saturday at 9am, bring gloves.",
    "Can the town add a crosswalk near the elementary school?",
    "The water main break flooded half of Oak Avenue.",
    "I moved here from Scunthorpe and love the farmers market.",
    "Our cousins in Sussex say the class sizes there are smaller.",
    "Will the pool pass prices change next year?",
    "The cocktail fundraiser for the animal shelter raised a lot of money.",
    "Hello, who do I call about a broken streetlight?",
    "My therapist recommends the walking trails by the river.",
    "The grape harvest festival needs more volunteers.",
    "The analysis in the traffic study looks incomplete.",
    "Please fix the title of the zoning notice, it names the wrong street.",
    "Shitake mushrooms sold out at the market by noon.",
    "I bought the permit sign at Dick's Sporting Goods.",
    "God bless our veterans and their families.",
    "Happy gay pride month from the youth center!",
    "The policy should protect sexual orientation and gender identity.",
    "The rape crisis center needs funding in this budget.",
    "Breast cancer screening is free at the clinic in October.",
    "Sex education in the middle school was debated at the board meeting.",
    "OMG the fireworks were amazing this year.",
    "Our lesbian and gay neighbors deserve equal service.",
    "Transgender residents spoke at the hearing about the new policy.",
    "The drug takeback day is at the police station.",
    "Who approved the hell of a detour on Route 9?",
    "The snow plow damaged our mailbox again.",
    "Thanks for finally repaving the parking lot behind city hall.",
    "The dog park needs another water fountain.",
    "Can we get a stop sign at Elm and 5th?",
    "The budget hearing was moved to the high school auditorium.",
    "Property taxes keep going up while services go down.",
    "The mayor should answer questions from residents at the forum.",
)

_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "i": "і", "s": "ѕ"}
_ENDINGS = ("", "", ".", "!", "?", ",", "!!", " :(", "...")


def list_words() -> list[str]:
    """better-profanity's default word list, lowercased and sorted (as the library loads it)."""
    path = Path(get_complete_path_of_file("profanity_wordlist.txt"))
    return sorted(
        {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()}
    )


def _leet(word: str, rng: random.Random) -> str:
    mapping = _reference.CHARS_MAPPING
    return "".join(
        rng.choice(mapping[c]) if c in mapping and rng.random() < 0.5 else c for c in word
    )


def _obfuscate(word: str, rng: random.Random) -> str:
    style = rng.randrange(7)
    if style == 0:
        return " ".join(word)
    if style == 1:
        return rng.choice(".-_").join(word)
    if style == 2:
        i = rng.randrange(len(word))
        return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1 :]
    if style == 3:
        return word.replace("i", "!")
    if style == 4:
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0
        return word[:i] + rng.choice("\u200b\u200c\u200d\u2060\u00ad") + word[i:]
    if style == 5:
        return "".join(_HOMOGLYPHS.get(c, c) if rng.random() < 0.6 else c for c in word)
    return "".join(c + "\u0301" if c in "aeiou" else c for c in word)


def _spelling(word: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return word
    if roll < 0.70:
        return _leet(word, rng)
    if roll < 0.80:
        return word.upper() if rng.random() < 0.5 else word.capitalize()
    return _obfuscate(word, rng)


def build_corpus(n: int, seed: int = 20240601, extra_words: tuple[str, ...] = ()) -> list[str]:
    """Return ``n`` comments: civic sentences, about half with a list (or extra) word inserted."""
    rng = random.Random(seed)
    words = list_words()
    comments: list[str] = []
    for _ in range(n):
        text = " ".join(rng.choice(SENTENCES) for _ in range(rng.choice((1, 1, 1, 2))))
        roll = rng.random()
        if roll < 0.5:
            pool = extra_words if extra_words and rng.random() < 0.1 else words
            inserted = _spelling(rng.choice(pool), rng) + rng.choice(_ENDINGS)
            tokens = text.split(" ")
            where = rng.choice((0, len(tokens), rng.randrange(len(tokens) + 1)))
            if where == len(tokens):
                text = text + " " + inserted
            else:
                tokens.insert(where, inserted)
                text = " ".join(tokens)
        comments.append(text)
    return comments
