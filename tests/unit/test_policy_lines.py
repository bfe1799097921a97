"""The policy file: errors name the line; recommendations and automatic hides per category."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.policy import ALL_CATEGORIES, Policy, PolicyError, load_policy
from pipeline.records import Category, Finding
from pipeline.settings import CONFIG_DIR

GOOD_RULES = "\n".join(f"  {c}: {{review: 0.5, remove: 0.9}}" for c in "efghi")


def write(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(f'version: "t"\ncategories:\n{rules}\n{GOOD_RULES}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rules", "where"),
    [
        ("  a: {review: 0.5, remove: 0.9}\n  b: {review: 0.5, remove: 0.9, hide: true}\n"
         "  c: {review: 0.5, remove: 0.9}\n  d: {review: 0.5, remove: 0.9}",
         "categories.b.hide (line 4)"),
        ("  a: {review: 0.5, remove: 0.9}\n  b: {review: 0.5, remove: 0.9}\n"
         "  c: {review: 0.8, remove: 0.6}\n  d: {review: 0.5, remove: 0.9}",
         "categories.c (line 5)"),
        ("  a: {review: 0.5, remove: 0.9}\n  b: {review: 0.5, remove: 0.9}\n"
         "  c: {review: 0.5, remove: 0.9}\n  d:\n    review: 0.5\n    remove: 1.5",
         "categories.d.remove (line 8)"),
    ],
    ids=["unknown-key", "remove-below-review", "out-of-range"],
)
def test_a_bad_rule_is_refused_naming_its_line(tmp_path: Path, rules: str, where: str) -> None:
    path = write(tmp_path, rules)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}: ")
    assert where in str(info.value)


def finding(category: Category, score: float) -> Finding:
    return Finding(category=category, score=score, detector="t", version="1")


@pytest.fixture(scope="module")
def shipped() -> Policy:
    return load_policy(CONFIG_DIR / "policy.yaml")


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_auto_hide_off_never_hides_at_any_score(shipped: Policy, category: Category) -> None:
    rules = {c: r.model_copy(update={"auto_hide": False}) for c, r in shipped.categories.items()}
    policy = shipped.model_copy(update={"categories": rules})
    for step in range(101):
        findings = [finding(category, step / 100)]
        assert policy.decide(findings)[0] != "remove"
        assert policy.hidden_categories(findings) == []


def test_only_d_and_g_are_hidden_by_the_shipped_policy(shipped: Policy) -> None:
    findings = [finding(c, 1.0) for c in ALL_CATEGORIES]
    assert shipped.hidden_categories(findings) == ["d", "g"]


def test_recommendation_follows_the_thresholds_not_auto_hide(shipped: Policy) -> None:
    assert shipped.recommend([]) == "allow"
    assert shipped.recommend([finding("a", 0.6)]) == "review"
    assert shipped.recommend([finding("a", 0.95)]) == "remove"  # review only, removal advised
    assert shipped.decide([finding("a", 0.95)])[0] == "review"
