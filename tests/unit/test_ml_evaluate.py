"""``civicmod evaluate``: the JSON other tools check, CSV label rules, the card section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicmod.cli import app
from classifiers.ml.card import precision_table
from classifiers.ml.data import Example, LabelRule, read_csv
from classifiers.ml.evaluate import Run, Scored
from pipeline.records import Action

ROWS = [
    {"text": "You are a worthless idiot and a liar, nobody wants you here.", "categories": ["b"]},
    {"text": "Fix the fucking streetlight on Main already.", "categories": ["a"]},
    {"text": "Thanks to the crews who cleared the storm drains so fast.", "categories": []},
    {"text": "The budget vote was a mistake and I will say so at every meeting.",
     "categories": []},
]


@pytest.fixture()
def labeled(tmp_path: Path) -> Path:
    path = tmp_path / "labeled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_json_report_has_exactly_the_documented_shape(labeled: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", str(labeled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"per_category", "allowed", "comments_per_second"}
    assert set(report["per_category"]) == set("abcdefgh")
    for metrics in report["per_category"].values():
        assert set(metrics) == {"precision", "recall", "f1", "support"}
    assert report["per_category"]["b"]["support"] == 1
    assert report["allowed"]["total"] == 2 and set(report["allowed"]) == {"total", "review",
                                                                          "remove"}
    assert report["comments_per_second"] > 0


def test_the_table_and_the_card_section(labeled: Path, tmp_path: Path) -> None:
    card = tmp_path / "CARD.md"
    card.write_text("# Card\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(labeled), "--card", str(card)])
    assert result.exit_code == 0, result.output
    text = card.read_text(encoding="utf-8")
    assert "<!-- section:labeled -->" in text and "| b |" in text
    CliRunner().invoke(app, ["evaluate", str(labeled), "--card", str(card)])
    assert card.read_text(encoding="utf-8").count("<!-- section:labeled -->") == 1


def test_csv_label_rules(tmp_path: Path) -> None:
    path = tmp_path / "tweets.csv"
    path.write_text("tweet,class,spam\nhello,2,0\nugly words,1,0\nbuy now,2,1\n",
                    encoding="utf-8")
    rules = [LabelRule.parse(s) for s in ("class:0=c", "class:1=a", "spam=d")]
    examples = read_csv(path, "tweet", rules)
    assert [sorted(e.positives) for e in examples] == [[], ["a"], ["d"]]
    assert examples[0].known == frozenset("acd")
    result = CliRunner().invoke(app, ["evaluate", str(path), "--text-col", "tweet", "--json",
                                      "--label", "class:0=c", "--label", "class:1=a"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["per_category"]) == {"a", "c"}


@pytest.mark.parametrize("spec", ["nothing", "=a", "col=z"])
def test_bad_label_rules_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        LabelRule.parse(spec)


def test_the_card_counts_neutral_identity_mentions_per_class(tmp_path: Path) -> None:
    path = tmp_path / "mentions.jsonl"
    rows = [{"text": "As a Muslim resident, I support the new library hours.", "categories": []},
            {"text": "The LGBTQ Alliance meets at the library.", "categories": []}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    card = tmp_path / "CARD.md"
    result = CliRunner().invoke(app, ["evaluate", str(path), "--card", str(card)])
    assert result.exit_code == 0, result.output
    assert "neutral mentions of religion or creed: 1; review 0, remove 0" in result.output
    text = card.read_text(encoding="utf-8")
    assert "<!-- section:identity: mentions -->" in text
    assert "| sexual orientation or identity | 1 | 0 | 0 | 0.0% |" in text


def test_precision_per_source_counts_only_labeled_categories() -> None:
    def scored(known: str, positives: str, found: str, action: Action) -> Scored:
        example = Example("x", frozenset(positives), frozenset(known))
        return Scored(example, {}, frozenset(found), action)

    run = Run([scored("ac", "a", "a", "review"), scored("ac", "", "c", "review"),
               scored("ac", "", "b", "review"), scored("ac", "", "", "allow")], 1.0)
    [_, _, row] = precision_table([("davidson", "public", run)])
    assert row == "| davidson | public | 4 | 2 | 0.500 | 3 | 66.7% |"
