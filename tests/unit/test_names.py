"""Names are not profanity: places and people's names with a listed word pass, insults do not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from classifiers.names import NAMES_PATH, NameFinder, load_names
from classifiers.profanity import ProfanityDetector
from classifiers.registry import default_registry
from pipeline.detection import Registry
from pipeline.policy import load_policy
from pipeline.settings import load_settings

CORPUS = Path(__file__).resolve().parents[2] / "classifiers" / "corpus" / "names.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
NAMES = [r["text"] for r in ROWS if not r["categories"]]
INSULTS = [r["text"] for r in ROWS if r["categories"]]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


def vulgar(registry: Registry, texts: list[str]) -> list[bool]:
    """Whether the registry and policy send each text to review or removal for category a."""
    review = load_policy(load_settings().policy_file).categories["a"].review
    return [any(f.category == "a" and f.score >= review for f in d.findings)
            for d in registry.detect_batch(texts)]


def test_the_corpus_has_names_and_insults_with_the_same_words() -> None:
    assert len(NAMES) >= 30 and len(INSULTS) >= 15
    finder = NameFinder()
    pattern = finder.lexicon.word_pattern
    assert pattern is not None
    assert all(pattern.search(text) for text in NAMES + INSULTS)


def test_names_and_places_are_not_vulgar(registry: Registry) -> None:
    flagged = [t for t, hit in zip(NAMES, vulgar(registry, NAMES), strict=True) if hit]
    assert flagged == []


def test_the_same_words_as_insults_are_still_found(registry: Registry) -> None:
    missed = [t for t, hit in zip(INSULTS, vulgar(registry, INSULTS), strict=True) if not hit]
    assert missed == []


@pytest.mark.parametrize(("text", "names"), [
    ("Councilman Dick Ramirez voted no", ["Dick"]),
    ("Dick Johnson coached us, thank you Dick!", ["Dick", "Dick"]),
    ("Dick Johnson, you are a Dick", ["Dick"]),
    ("what a Dick", []),
    ("DICK JOHNSON", []),
    ("dick johnson", []),
    ("Dick.", []),
    ("Hooters on Power Rd", ["Hooters"]),
    ("nice hooters", []),
    ("the horny toad lane bridge", ["horny"]),
])
def test_context_rules(text: str, names: list[str]) -> None:
    finder = NameFinder()
    masked = finder.mask(text)
    assert len(masked) == len(text)
    words = re.finditer(r"\w+", text)
    found = [m.group() for m in words if masked[m.start() : m.end()] != m.group()]
    assert found == names


def test_the_profanity_version_follows_the_names_lexicon(tmp_path: Path) -> None:
    shipped = ProfanityDetector()
    for path in NAMES_PATH.parent.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "names.yaml").write_text("places: []\nname_words: []\n", encoding="utf-8")
    bare = ProfanityDetector(tmp_path)
    assert bare.version != shipped.version
    assert bare.detect("Councilman Dick Ramirez voted no")
    assert not shipped.detect("Councilman Dick Ramirez voted no")


def test_every_name_word_needs_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "names.yaml"
    path.write_text("name_words:\n  - {word: dick, reason: ''}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no reason"):
        load_names(path)
