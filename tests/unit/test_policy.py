"""The policy: thresholds per category turn findings into allow / review / remove."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.policy import ALL_CATEGORIES, Policy, PolicyError, load_policy
from pipeline.records import Category, Evidence, Finding
from pipeline.settings import CONFIG_DIR

SHIPPED = CONFIG_DIR / "policy.yaml"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(SHIPPED)


def finding(
    category: Category,
    score: float,
    evidence: tuple[Evidence, ...] = (),
    label: str = "",
) -> Finding:
    return Finding(
        category=category,
        score=score,
        evidence=evidence,
        detector="test-detector",
        version="9.9",
        label=label,
    )


def policy_data(**changes: object) -> dict[str, object]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_policy_loads(policy: Policy) -> None:
    assert policy.version
    assert set(policy.categories) == set(ALL_CATEGORIES)
    for rule in policy.categories.values():
        assert 0 < rule.review <= rule.remove <= 1
    assert {c for c, r in policy.categories.items() if r.auto_hide} == {"d", "g"}


def test_no_findings_allows(policy: Policy) -> None:
    assert policy.decide([]) == ("allow", [])


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_below_review_allows(policy: Policy, category: Category) -> None:
    below = policy.categories[category].review - 0.01
    assert policy.decide([finding(category, below)]) == ("allow", [])


def test_the_grounds_are_the_categories_the_policy_acts_on(policy: Policy) -> None:
    below_d = policy.categories["d"].review - 0.01
    findings = [finding("d", below_d), finding("g", 0.95), finding("a", 0.6), finding("a", 0.95)]
    assert policy.grounds(findings) == ["a", "g"]
    assert policy.grounds([finding("d", below_d)]) == []


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_between_review_and_remove_is_review(policy: Policy, category: Category) -> None:
    rule = policy.categories[category]
    for score in (rule.review, (rule.review + rule.remove) / 2):
        action, reasons = policy.decide([finding(category, score)])
        assert action == "review"
        assert len(reasons) == 1
        assert reasons[0].startswith(f"Flagged for review under E.1.{category}")


@pytest.mark.parametrize("category", ["d", "g"])
def test_at_remove_in_an_auto_hide_category_removes(policy: Policy, category: Category) -> None:
    for score in (policy.categories[category].remove, 1.0):
        action, reasons = policy.decide([finding(category, score)])
        assert action == "remove"
        assert reasons[0].startswith(f"Removed under E.1.{category}")


@pytest.mark.parametrize("category", ["a", "b", "c", "e", "f", "h", "i"])
def test_at_remove_without_auto_hide_is_review_only(policy: Policy, category: Category) -> None:
    action, reasons = policy.decide([finding(category, 1.0)])
    assert action == "review"
    assert reasons[0].startswith(f"Flagged for review under E.1.{category}")


def test_reason_cites_letter_evidence_span_detector_and_score(policy: Policy) -> None:
    evidence = (Evidence(start=41, end=60, text="****-****-****-1111"),)
    action, reasons = policy.decide([finding("g", 0.97, evidence, label="credit card")])
    assert action == "remove"
    (reason,) = reasons
    assert "E.1.g" in reason
    assert "personally identifiable medical or financial information (credit card)" in reason
    assert "'****-****-****-1111' at 41–60" in reason
    assert "test-detector 9.9" in reason
    assert "score 0.97" in reason


def test_reason_lists_at_most_five_spans(policy: Policy) -> None:
    evidence = tuple(Evidence(start=i * 10, end=i * 10 + 4, text=f"w{i}") for i in range(7))
    (reason,) = policy.decide([finding("a", 0.95, evidence)])[1]
    assert "'w4' at 40–44" in reason
    assert "'w5'" not in reason


def test_remove_wins_over_review_whatever_the_order(policy: Policy) -> None:
    findings = [finding("a", 0.95), finding("d", 0.95), finding("b", 0.6)]
    for ordering in (findings, findings[::-1]):
        action, reasons = policy.decide(ordering)
        assert action == "remove"
        assert [r.split(",")[0] for r in reasons] == [
            "Flagged for review under E.1.a",
            "Flagged for review under E.1.b",
            "Removed under E.1.d",
        ]


def test_only_findings_over_review_give_reasons(policy: Policy) -> None:
    action, reasons = policy.decide([finding("a", 0.1), finding("h", 0.7)])
    assert action == "review"
    assert len(reasons) == 1 and "E.1.h" in reasons[0]


def test_auto_hide_off_never_removes(tmp_path: Path) -> None:
    data = policy_data()
    data["categories"]["d"]["auto_hide"] = False  # type: ignore[index]
    relaxed = load_policy(write(tmp_path / "policy.yaml", data))
    for score in (0.9, 0.95, 1.0):
        action, reasons = relaxed.decide([finding("d", score), finding("a", score)])
        assert action == "review"
        assert all(r.startswith("Flagged for review") for r in reasons)


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        'version: "1"\ncategories:\n  a: {review: 0.5, remove: 0.9\n  b: [\n', encoding="utf-8"
    )
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert message.startswith(f"{path} line ")
    assert "not valid YAML" in message
    line = int(message.removeprefix(f"{path} line ").split(":")[0])
    assert 3 <= line <= 5


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(PolicyError, match="cannot read policy file") as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_missing_category_is_named(tmp_path: Path) -> None:
    data = policy_data()
    del data["categories"]["i"]  # type: ignore[attr-defined]
    path = write(tmp_path / "no-i.yaml", data)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(str(path))
    assert "no rule for categories i" in str(info.value)


def test_remove_below_review_is_named(tmp_path: Path) -> None:
    data = policy_data()
    data["categories"]["c"] = {"review": 0.8, "remove": 0.6}  # type: ignore[index]
    path = write(tmp_path / "inverted.yaml", data)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(str(path))
    assert "categories.c" in str(info.value)
    assert "remove threshold must not be below review threshold" in str(info.value)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"categories": {"a": {"review": 0.5, "remove": 0.9, "hide": True}}}, "categories.a.hide"),
        ({"owner": "comms"}, "owner"),
        ({"categories": {"z": {"review": 0.5, "remove": 0.9}}}, "categories.z"),
    ],
    ids=["unknown-rule-key", "unknown-top-key", "unknown-category"],
)
def test_unknown_key_is_named(tmp_path: Path, change: dict[str, object], key: str) -> None:
    data = policy_data()
    for name, value in change.items():
        if name == "categories":
            data["categories"] = {**data["categories"], **value}  # type: ignore[dict-item]
        else:
            data[name] = value
    path = write(tmp_path / "unknown.yaml", data)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}: ")
    assert key in str(info.value)


@pytest.mark.parametrize(
    "content",
    ["", "- just\n- a list\n", 'version: ""\ncategories: {}\n'],
    ids=["empty", "list", "empty-values"],
)
def test_other_unusable_files_raise_policy_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError, match=str(path)):
        load_policy(path)


def test_threshold_out_of_range_is_refused(tmp_path: Path) -> None:
    data = policy_data()
    data["categories"]["e"] = {"review": 0.5, "remove": 1.5}  # type: ignore[index]
    with pytest.raises(PolicyError, match=r"categories\.e\.remove"):
        load_policy(write(tmp_path / "range.yaml", data))
