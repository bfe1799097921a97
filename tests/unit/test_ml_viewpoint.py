"""Viewpoint neutrality: hard-but-legitimate comments pass the whole registry and policy."""

from __future__ import annotations

from classifiers.ml.corpus import load_corpus
from classifiers.ml.evaluate import score
from classifiers.registry import default_registry
from pipeline.policy import load_policy
from pipeline.settings import CONFIG_DIR

IDENTITY_AND_CRITICISM = [
    "As a gay veteran I am proud of the Veterans Day parade this year.",
    "The mosque's food drive collected two tons for the pantry, thank you neighbors.",
    "Our Black History Month event at the library was wonderful.",
    "The mayor's handling of the water crisis is incompetent and he should resign.",
    "THE COUNCIL IGNORED US AGAIN. SHAMEFUL. VOTE THEM ALL OUT IN NOVEMBER.",
    "Is the Scunthorpe exchange student program still running? Loved the cocktail mixer.",
    "My property assessment doubled and the assessor's office won't return calls.",
]


def test_identity_mentions_and_harsh_criticism_are_allowed() -> None:
    registry = default_registry()
    policy = load_policy(CONFIG_DIR / "policy.yaml")
    for text, detection in zip(IDENTITY_AND_CRITICISM,
                               registry.detect_batch(IDENTITY_AND_CRITICISM), strict=True):
        assert policy.decide(detection.findings) == ("allow", []), text


def test_the_legitimate_corpus_is_never_removed_and_rarely_reviewed() -> None:
    legitimate = [e for e in load_corpus() if e.source == "corpus/legitimate"]
    assert len(legitimate) >= 150, "the committed corpus/legitimate.jsonl is missing or shrank"
    run = score(legitimate, default_registry(), load_policy(CONFIG_DIR / "policy.yaml"),
                window_chars=10_000)
    actions = [s.action for s in run.scored]
    assert actions.count("remove") == 0
    assert actions.count("review") <= 0.02 * len(actions)


def test_the_registry_under_test_carries_the_shipped_model_and_flags_attacks() -> None:
    """A control: neutrality holds for a registry that can flag, not for an empty one."""
    registry = default_registry()
    policy = load_policy(CONFIG_DIR / "policy.yaml")
    [detection] = registry.detect_batch(["You are a pathetic idiot and everyone hates you."])
    assert ("b", "ml") in {(f.category, f.detector) for f in detection.findings}
    assert policy.decide(detection.findings)[0] != "allow"
