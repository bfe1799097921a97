"""The category a detector: better-profanity's semantics, the curation, the obfuscations."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import better_profanity
import better_profanity_rs
import pytest
import yaml

from classifiers.profanity import ProfanityDetector
from classifiers.profanity_corpus import build_corpus, list_words
from classifiers.profanity_lexicon import DEFAULT_LEXICON_DIR, SCORES, WORDLIST_PATH, load_lexicon
from pipeline.detection import Detector


@pytest.fixture(scope="module")
def detector() -> ProfanityDetector:
    return ProfanityDetector()


def spans(detector: ProfanityDetector, text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of every evidence span found in ``text``."""
    return [(e.start, e.end, e.text) for f in detector.detect(text) for e in f.evidence]


# --- the protocol and the finding ------------------------------------------------------------


def test_follows_the_detector_protocol(detector: ProfanityDetector) -> None:
    assert isinstance(detector, Detector)
    assert detector.name == "profanity"
    assert detector.version.startswith("1.") and len(detector.version) == 19


def test_finding_fields(detector: ProfanityDetector) -> None:
    [[finding], []] = detector.detect_batch(["What the fuck is this", "Nice park"])
    assert finding.category == "a"
    assert finding.detector == "profanity"
    assert finding.version == detector.version
    assert finding.label == "strong" and finding.score == SCORES["strong"]
    assert [(e.start, e.end, e.text) for e in finding.evidence] == [(9, 13, "fuck")]


def test_word_list_comes_from_the_installed_package() -> None:
    assert WORDLIST_PATH.parent == Path(better_profanity.__file__).parent
    assert not list(DEFAULT_LEXICON_DIR.glob("*.txt"))


# --- severity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Damn, the road is closed again", "mild"),
        ("What the hell happened to the budget", "mild"),
        ("This is crap", "mild"),
        ("This is shit", "strong"),
        ("damn this fucking road", "strong"),
        ("you c u n t", "strong"),
    ],
)
def test_severity(detector: ProfanityDetector, text: str, label: str) -> None:
    [finding] = detector.detect(text)
    assert (finding.label, finding.score) == (label, SCORES[label])


# --- what must pass --------------------------------------------------------------------------

SCUNTHORPE = [
    "Our property assessment went up",
    "I grew up in Scunthorpe",
    "The cocktail fundraiser was fun",
    "Greetings from Sussex",
    "The class sizes are too big",
    "Can I buy a pool pass?",
    "Shitake mushrooms at the market",
    "I shop at Dick's Sporting Goods",
    "Hello everyone",
    "My therapist lives here",
    "The grape festival is on Sunday",
    "The analysis is wrong",
    "Fix the title of the notice",
    "The pen is mightier than the sword",
    "Bassist wanted for the town band",
    "Classic cars on Main Street",
    "Hancock County budget",
    "Butterscotch sundaes at the fair",
    "A noob question about permits",
    'he said "shit" at the meeting',  # better-profanity: '"' is a letter, so no token "shit"
]

CIVIC = [
    "God bless our veterans",
    "OMG the fireworks were great",
    "Happy gay pride month!",
    "The policy protects sexual orientation",
    "The rape crisis center needs funding",
    "Lesbian, gay, bisexual and transgender residents spoke",
    "Homosexual couples were denied permits in the 1970s",
    "The queer history exhibit opens Friday",
    "Breast cancer screening is free",
    "Sex education in the middle school",
    "Drug takeback day at the police station",
    "Dog poop in the park is a problem",
    "The speed hump on Elm Street is too high",
    "Weed control along the bike path",
    "Drunk driving checkpoints this weekend",
    "The strip mall needs a crosswalk",
    "Virgin Islands relief fund",
    "The Negro Leagues exhibit at the library",
    "This policy is stupid and the mayor is a moron",  # category b's call, not vulgar language
]


@pytest.mark.parametrize("text", SCUNTHORPE + CIVIC)
def test_clean_text_passes(detector: ProfanityDetector, text: str) -> None:
    assert detector.detect(text) == []


# --- what must be caught, with spans ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is sh1t", [(8, 12, "sh1t")]),
        ("this is sh!t", [(8, 12, "sh!t")]),
        ("this is sh|t", [(8, 12, "sh|t")]),
        ("well f u c k this", [(5, 12, "f u c k")]),
        ("f u c k", [(0, 7, "f u c k")]),
        ("what a pain in the a$$", [(19, 22, "a$$")]),
        ("f.u.c.k the council", [(0, 7, "f.u.c.k")]),
        ("s-h-i-t", [(0, 7, "s-h-i-t")]),
        ("fuuuck this", [(0, 6, "fuuuck")]),
        ("shiiiiiit!", [(0, 9, "shiiiiiit")]),
        ("m o t h e r f u c k e r", [(0, 23, "m o t h e r f u c k e r")]),
        ("fu\u200bck you", [(0, 5, "fu\u200bck")]),
        ("you \u200bf\u200bu\u200bc\u200bk", [(5, 12, "f\u200bu\u200bc\u200bk")]),
        ("x\u200bshit", [(2, 6, "shit")]),
        ("ѕhіt", [(0, 4, "ѕhіt")]),  # Cyrillic ѕ and і
        ("the сunt", [(4, 8, "сunt")]),  # Cyrillic с
        ("fúck", [(0, 4, "fúck")]),  # combining acute accent
        ("ｆｕｃｋ", [(0, 4, "ｆｕｃｋ")]),  # fullwidth
        ("FUCK this and Shit that", [(0, 4, "FUCK"), (14, 18, "Shit")]),
        ("blow job", [(0, 8, "blow job")]),
        ("what a clusterfuck", [(7, 18, "clusterfuck")]),  # an addition
        ("\u202eshit", [(1, 5, "shit")]),  # right-to-left override
        ("fuc\u212a you", [(0, 4, "fuc\u212a")]),  # Kelvin sign: lowercases to k
    ],
)
def test_obfuscations_are_caught(
    detector: ProfanityDetector, text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert spans(detector, text) == expected


def test_elongation_counts_from_three_letters(detector: ProfanityDetector) -> None:
    assert detector.detect("fuuck") == []  # one extra letter: too close to ordinary doubling
    assert detector.detect("noob") == []  # would otherwise be "nob"
    assert detector.detect("fuuuck")


# --- bad input -------------------------------------------------------------------------------

BAD_INPUTS = [
    "",
    " ",
    "a",
    "\x00",
    "\x00shit\x00",
    "😀" * 50,
    "💩🤬🖕",
    "日本語のコメント shit",
    "שלום \u202e fuck \u202c עולם",
    "\u200b" * 100,
    "\u200f\u200e\u202a\u202b\u202c\u202d\u202e",
    "İstanbul İ ǅ ᾈ",
    "\ud800 lone surrogate \udfff shit",
    "\ufeffBOM first",
    "z\u0351\u0334\u0308a\u0334l\u0335g\u0336o" * 100,
    "a " * 10_000,
    "* " * 10_000,
    "!" * 10_000,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises(detector: ProfanityDetector, text: str) -> None:
    for finding in detector.detect(text):
        finding.to_json_bytes()  # evidence always serialises
        for e in finding.evidence:
            assert 0 <= e.start < e.end <= len(text)


def test_one_megabyte_text(detector: ProfanityDetector) -> None:
    clean = ("The council meeting on Tuesday will discuss the road repair budget. " * 16_000)[
        :1_000_000
    ]
    assert detector.detect(clean) == []
    dirty = clean[:500_000] + " shit " + clean[500_000:]
    [finding] = detector.detect(dirty)
    assert [(e.start, e.text) for e in finding.evidence] == [(500_001, "shit")]
    mixed = ("Ünïcödé 日本 😀 f u c k \u200b" * 40_000)[:1_000_000]
    assert detector.detect(mixed)


# --- the lexicon files -----------------------------------------------------------------------


def test_curation_files_are_consistent() -> None:
    lexicon = load_lexicon()
    base = set(list_words())
    assert lexicon.removals <= base
    assert not lexicon.additions & base
    assert lexicon.mild <= lexicon.words
    for name in ("removals", "additions"):
        data = yaml.safe_load((DEFAULT_LEXICON_DIR / f"profanity-{name}.yaml").read_text())
        assert len({entry["word"] for entry in data[name]}) == len(data[name])  # no duplicates
        assert all(entry["reason"].strip() for entry in data[name])


def test_lexicon_dir_changes_version_and_words(tmp_path: Path) -> None:
    for path in DEFAULT_LEXICON_DIR.glob("profanity-*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    additions = tmp_path / "profanity-additions.yaml"
    data = yaml.safe_load(additions.read_text())
    data["additions"].append({"word": "frack", "reason": "test"})
    additions.write_text(yaml.safe_dump(data))
    custom = ProfanityDetector(tmp_path)
    assert custom.version != ProfanityDetector().version
    assert spans(custom, "what the fr4ck") == [(9, 14, "fr4ck")]


def test_unknown_removal_is_refused(tmp_path: Path) -> None:
    for path in DEFAULT_LEXICON_DIR.glob("profanity-*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "profanity-removals.yaml").write_text(
        "removals:\n  - {word: notaword, reason: typo}\n"
    )
    with pytest.raises(ValueError, match="notaword"):
        ProfanityDetector(tmp_path)


# --- agreement with better-profanity ---------------------------------------------------------


def test_agreement_with_better_profanity(detector: ProfanityDetector) -> None:
    """On 50,000 comments the verdict equals better-profanity's except documented differences.

    A comment where better-profanity fires and we do not must be explained by the removals
    (better-profanity with the removed words taken out does not fire either); a comment where
    we fire and better-profanity does not must be explained by additions or obfuscations (no
    match of ours is of kind "base"). better_profanity_rs stands in for 0.7.0 here; the next
    test confirms the two agree.
    """
    lexicon = detector.lexicon
    corpus = build_corpus(50_000, extra_words=tuple(sorted(lexicon.additions)))
    reference = better_profanity_rs.profanity
    curated = better_profanity_rs.Profanity(sorted(lexicon.list_words))
    outcomes: Counter[str] = Counter()
    unexplained: list[str] = []
    for text in corpus:
        matches = detector.matcher.matches(text)
        ours = bool(matches)
        theirs = reference.contains_profanity(text)
        theirs_curated = curated.contains_profanity(text)
        base = any(m.kind == "base" for m in matches)
        if not all(m.word in lexicon.words for m in matches):
            unexplained.append(f"match without its list word: {text!r} {matches}")
        if base and not theirs_curated:
            unexplained.append(f"base match better-profanity does not make: {text!r}")
        if theirs_curated and not ours:
            unexplained.append(f"missed a better-profanity match: {text!r}")
        if ours == theirs:
            outcomes["agree"] += 1
        elif theirs:
            outcomes["removal"] += 1  # explained: theirs_curated is false (checked above)
        else:
            outcomes["addition or obfuscation"] += 1  # explained: no base match (checked above)
    print(dict(outcomes))  # shown with -s
    assert unexplained == []
    # A fifth of the templates name removed civic/identity words, a fifth of list words are
    # removed: about a quarter of comments differ, every one explained.
    assert outcomes["agree"] > 0.7 * len(corpus)
    assert outcomes["removal"] > 0 and outcomes["addition or obfuscation"] > 0


def test_better_profanity_rs_is_better_profanity() -> None:
    """The Rust port gives 0.7.0's verdict on a 1,000-comment subset of the corpus (0.7.0
    reads about 60 comments/s)."""
    corpus = build_corpus(50_000, extra_words=tuple(sorted(load_lexicon().additions)))[::50]
    pure = better_profanity.profanity
    fast = better_profanity_rs.profanity
    differing = [t for t in corpus if pure.contains_profanity(t) != fast.contains_profanity(t)]
    assert differing == []
