"""Identity words in civic use never flag by themselves: templated and hand-written mentions."""

from __future__ import annotations

import re

import pytest
import yaml

from classifiers.ml.defaults import CORPUS_DIR
from classifiers.ml.identity import TEMPLATES_FILE, TRAIN_GROUPS, class_rates, templated_mentions
from classifiers.ml.protected import ClassNamer
from classifiers.registry import default_registry
from pipeline.policy import load_policy
from pipeline.settings import load_settings
from tests.unit.corpus_rows import corpus_rows

POLICY_CLASSES = {"race or color", "religion or creed", "national origin", "gender",
                  "sexual orientation or identity", "disability", "age", "public assistance",
                  "marital status", "genetics"}
ROWS = corpus_rows("identity_handwritten.jsonl")
HANDWRITTEN = [row["text"] for row in ROWS]
HELD_OUT = [row["text"] for row in ROWS if row["split"] == "test"]


def actions(texts: list[str]) -> list[str]:
    """The policy's action on each text, through the shipped registry."""
    policy = load_policy(load_settings().policy_file)
    return [policy.decide(d.findings)[0] for d in default_registry().detect_batch(texts)]


def test_held_out_templates_are_never_trained_on() -> None:
    path = CORPUS_DIR / TEMPLATES_FILE
    templates = yaml.safe_load(path.read_text("utf-8"))["templates"]
    train, test = templated_mentions(path, seed=0)
    held_out = [t for i, t in enumerate(templates) if i % 4 == 3]
    # the longest piece of each held-out template without a slot or an article
    fixed = [max(re.split(r"\ban?\s*\{\w+\}|\{\w+\}", t), key=len).strip() for t in held_out]
    assert all(any(piece in e.text for piece in fixed) for e in test)
    assert not any(any(piece in e.text for piece in fixed) for e in train)
    assert all(e.split == "test" for e in test) and all(e.split == "train" for e in train)
    assert all(not e.positives for e in train + test)
    assert len(train) == (len(templates) - len(held_out)) * TRAIN_GROUPS
    assert {t.removeprefix("class:") for e in test for t in e.tasks} == POLICY_CLASSES


def test_articles_follow_the_group_word() -> None:
    _, test = templated_mentions(CORPUS_DIR / TEMPLATES_FILE, seed=0)
    texts = {e.text for e in test}
    assert "Speaking as an Asian American homeowner, the property tax increase is too steep." \
        in texts
    assert not any(" a Asian" in t or " a immigrant" in t for t in texts)


def test_class_rates_count_every_class_a_mention_names() -> None:
    rates = {r.protected_class: r for r in class_rates(
        ["Muslim and gay residents", "deaf residents", "a park"],
        ["review", "allow", "remove"],
        [frozenset(), frozenset({"class:disability"}), frozenset()], ClassNamer())}
    assert (rates["religion or creed"].mentions, rates["religion or creed"].review) == (1, 1)
    assert rates["sexual orientation or identity"].review_rate == 1.0
    assert (rates["disability"].mentions, rates["disability"].review) == (1, 0)
    assert rates["age"].mentions == 0


def test_held_out_mentions_stay_within_one_percent_to_review_per_class() -> None:
    _, test = templated_mentions(CORPUS_DIR / TEMPLATES_FILE, seed=0)
    texts = [e.text for e in test] + HELD_OUT
    tasks = [e.tasks for e in test] + [frozenset()] * len(HELD_OUT)
    rates = class_rates(texts, actions(texts), tasks, ClassNamer())
    assert {r.protected_class for r in rates if r.mentions} == POLICY_CLASSES
    assert all(r.remove == 0 for r in rates)
    over = {r.protected_class: f"{r.review}/{r.mentions}" for r in rates if r.review_rate > 0.01}
    assert over == {}  # at most 1% to review per class (the semantic g head's genetics case is
    # gone since its thresholds sit above every legitimate train comment, decision 0016)


@pytest.mark.parametrize("text", [
    "As a Christian, I believe we have a duty to care for the poor, so please fund the rental "
    "assistance program.",
    "I'm a devout Catholic and I oppose the new billboard ordinance because it restricts free "
    "speech.",
    "I'm an evangelical pastor and I think the council should slow down the warehouse rezoning.",
    "As an atheist I'd prefer a moment of silence instead of a prayer at council meetings.",
    "The Queen Creek LGBTQ Alliance will hold its monthly meeting at the community center on "
    "Thursday.",
    "The LGBTQ youth group is collecting canned food at the high school this week.",
    "The Queer Book Club meets at the coffee shop on Main, all are welcome.",
])
def test_religious_opinions_and_lgbtq_groups_are_allowed(text: str) -> None:
    assert text in HANDWRITTEN
    assert actions([text]) == ["allow"]
