"""Per-source calibration: fitting, the minimum counts, the model pin, the screener seam, and
the ``civicmod calibrate`` / ``civicmod evaluate DATASETS`` commands on repository data."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from civicmod.cli import app
from civicmod.compose import source_calibration
from classifiers.ml.calibration import (
    CalibrationFileError,
    PlattMap,
    SourceCalibration,
    fit_calibration,
    fit_map,
    load_calibration,
    save_calibration,
)
from classifiers.ml.corpus import load_corpus
from classifiers.ml.detector import shipped_model
from classifiers.registry import default_registry
from pipeline.policy import load_policy
from pipeline.records import Finding
from pipeline.screening import RawMessage, Screener
from pipeline.settings import CONFIG_DIR, load_settings

INSULT = "You are a pathetic worthless moron and nobody on this council respects you"
"""Flagged b by the linear model alone (about 0.95), no rule detector finds it."""


def _overconfident(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Shipped scores of a source where violations are rarer than the scores say: the true
    log-odds are the score's minus 2."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.02, 0.99, n)
    truth = 1 / (1 + np.exp(-(np.log(scores / (1 - scores)) - 2.0)))
    return scores, (rng.uniform(size=n) < truth).astype(np.int8)


def _precision(flagged: np.ndarray, labels: np.ndarray) -> float:
    return float(labels[flagged].mean())


def test_a_map_fitted_on_a_source_where_scores_run_high_raises_precision_at_the_threshold(
) -> None:
    scores, labels = _overconfident(4000)
    fitted = fit_map(scores, labels)
    assert isinstance(fitted, PlattMap)
    assert abs(fitted.slope - 1.0) < 0.2 and abs(fitted.offset + 2.0) < 0.3
    held_scores, held_labels = _overconfident(4000, seed=1)
    before, after = held_scores >= 0.5, fitted(held_scores) >= 0.5
    assert _precision(after, held_labels) > _precision(before, held_labels) + 0.15
    clean = held_labels == 0
    assert after[clean].sum() < before[clean].sum() / 2  # fewer clean rows to review
    assert np.all(np.diff(fitted(np.linspace(0.01, 0.99, 50))) > 0)  # still monotone


def test_too_few_positives_or_negatives_keep_the_shipped_score() -> None:
    scores, labels = _overconfident(2000)
    few = np.concatenate([np.flatnonzero(labels == 1)[:29], np.flatnonzero(labels == 0)])
    calibration = fit_calibration("ml-x", {"facebook:town": {
        "a": (scores[few], labels[few]), "b": (scores, labels)}})
    assert set(calibration.maps["facebook:town"]) == {"b"}
    [skipped] = calibration.skipped
    assert (skipped.source, skipped.category) == ("facebook:town", "a")
    assert "29 positive" in skipped.reason
    shipped = np.array([0.3, 0.6, 0.9])
    assert np.array_equal(calibration.calibrate("facebook:town", "a", shipped), shipped)
    assert not np.allclose(calibration.calibrate("facebook:town", "b", shipped), shipped)
    assert np.array_equal(calibration.calibrate("youtube", "b", shipped), shipped)


def _lowering(model_version: str) -> SourceCalibration:
    """A calibration that lowers the b scores of facebook:town far below review."""
    return SourceCalibration(model_version, {"facebook:town": {"b": PlattMap(1.0, -6.0, 40, 40)}})


def test_a_file_is_refused_for_another_model_or_when_altered(tmp_path: Path) -> None:
    path = tmp_path / "calibration.skops"
    version = save_calibration(_lowering("ml-aaaa"), path)
    loaded = load_calibration(path, "ml-aaaa")
    assert loaded.version == version and loaded.maps["facebook:town"]["b"].offset == -6.0
    with pytest.raises(CalibrationFileError, match="fitted on model ml-aaaa"):
        load_calibration(path, "ml-bbbb")
    import skops.io as sio

    state = sio.load(path)
    state["maps"]["facebook:town"]["b"][1] = 6.0  # raise instead of lower, hash left as is
    sio.dump(state, tmp_path / "altered.skops")
    with pytest.raises(CalibrationFileError, match="content hash"):
        load_calibration(tmp_path / "altered.skops", "ml-aaaa")


def test_rescore_maps_only_the_model_findings_of_the_right_version() -> None:
    calibration = _lowering("ml-aaaa")
    model = Finding(category="b", score=0.95, detector="ml", version="ml-aaaa", label="model")
    other = model.model_copy(update={"version": "ml-bbbb"})
    rule = model.model_copy(update={"detector": "profanity", "version": "1"})
    mapped, *unchanged = calibration.rescore(["facebook:town", "facebook"], [model, other, rule])
    assert mapped.score < 0.05 and mapped.version == f"ml-aaaa+{calibration.version}"
    assert "calibrated for facebook:town" in mapped.label
    assert unchanged == [other, rule]
    assert calibration.rescore(["youtube:chan", "youtube"], [model]) == [model]


def _message(comment_id: str, platform: str, page: str) -> RawMessage:
    comment = {"id": comment_id, "platform": platform, "page": page, "post": "p",
               "author_id": "u", "text": INSULT, "created_at": "2026-11-25T10:00:00Z"}
    return RawMessage(None, json.dumps(comment).encode(), "test[0]@0")


def test_the_screener_applies_the_map_of_the_comment_source_only() -> None:
    """Real registry and policy: the same insult is allowed from the calibrated page and
    sent to review from every other page."""
    policy = load_policy(CONFIG_DIR / "policy.yaml")
    registry = default_registry(detectors=load_settings().detectors, policy=policy)
    calibration = _lowering(shipped_model().version)
    screener = Screener(registry, policy, 5000, 1000, score_map=calibration)
    town, other = screener.screen([_message("1", "facebook", "town"),
                                   _message("2", "facebook", "other-page")])
    assert town.verdict is not None and other.verdict is not None
    assert (town.verdict.action, other.verdict.action) == ("allow", "review")
    assert town.verdict.model_version == f"{registry.version}+{calibration.version}"
    [finding] = [f for f in town.verdict.findings if f.category == "b"]
    assert finding.score < policy.categories["b"].review


def test_the_worker_runs_uncalibrated_when_the_file_is_for_another_model(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "calibration.skops"
    save_calibration(_lowering("ml-0000000000000000"), path)
    settings = load_settings()
    configured = settings.model_copy(update={"detectors": settings.detectors.model_copy(
        update={"calibration_file": str(path)})})
    with caplog.at_level(logging.ERROR):
        assert source_calibration(configured) is None
    assert "fitted on model ml-0000000000000000" in caplog.text
    save_calibration(_lowering(shipped_model().version), path)
    loaded = source_calibration(configured)
    assert loaded is not None and loaded.sources() == ("facebook:town",)
    assert source_calibration(settings) is None  # none configured


def test_calibrate_command_fits_a_labeled_file_for_its_source(tmp_path: Path) -> None:
    rows = [e for e in load_corpus() if e.source == "corpus/labeled"]
    labeled = tmp_path / "decisions.jsonl"
    labeled.write_text("".join(json.dumps({"text": e.text, "categories": sorted(e.positives)})
                               + "\n" for e in rows), encoding="utf-8")
    out = tmp_path / "calibration.skops"
    result = CliRunner().invoke(app, [
        "calibrate", "--no-archive", "--part", "all", "--labeled",
        f"facebook:town={labeled}", "--out", str(out), "--min-positives", "30"])
    assert result.exit_code == 0, result.output
    calibration = load_calibration(out, shipped_model().version)
    assert calibration.sources() == ("facebook:town",)
    assert set(calibration.maps["facebook:town"]) == set(shipped_model().model.categories)
    held_out = CliRunner().invoke(app, [  # by default only the rows training leaves out
        "calibrate", "--no-archive", "--labeled", f"facebook:town={labeled}",
        "--out", str(tmp_path / "held-out.skops")])
    assert held_out.exit_code == 0, held_out.output
    few = load_calibration(tmp_path / "held-out.skops", shipped_model().version)
    assert few.sources() == () and len(few.skipped) == len(calibration.maps["facebook:town"])


def _sms_folder(root: Path) -> None:
    """A folder in the SMS spam dataset's format, of the corpus's spam (d) and clean rows."""
    spam = [e.text for e in load_corpus() if "d" in e.positives]
    clean = [e.text for e in load_corpus() if e.clean]
    lines = ["Label\tSMS"] + [f"spam\t{t}" for t in spam] + [f"ham\t{t}" for t in clean]
    random.Random(0).shuffle(lines[1:])
    (root / "sms_spam").mkdir()
    text = "\n".join(line.replace("\n", " ").replace('"', "") for line in lines) + "\n"
    (root / "sms_spam" / "SMSSpamCollection").write_text(text, encoding="utf-8")


def test_evaluate_a_datasets_folder_writes_the_calibration_section(tmp_path: Path) -> None:
    _sms_folder(tmp_path)
    card = tmp_path / "CARD.md"
    card.write_text("# Model card\n\n<!-- section:other -->\nkept\n<!-- /section:other -->\n")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path), "--card", str(card)])
    assert result.exit_code == 0, result.output
    text = card.read_text(encoding="utf-8")
    assert "kept" in text and "<!-- section:calibration -->" in text
    assert shipped_model().version in text
    [row] = [line for line in text.splitlines() if line.startswith("| sms | d ")]
    assert row.count("→") == 4  # review and remove cells, shipped → train → cross-fitted


def test_moderator_decisions_carry_the_comment_page_as_their_source() -> None:
    from civicmod.moderator_examples import examples_from_store
    from tests.unit.test_ml_training import FakeStore, _object

    at = "2026-01-01T00:00:00+00:00"
    store = FakeStore({
        "moderation.actions/x": _object("moderation.actions", [
            {"kind": "remove", "comment_id": "1", "categories": ["b"], "at": at},
            {"kind": "keep", "comment_id": "2", "categories": [], "at": at}]),
        "comments.verdicts/y": _object("comments.verdicts", [
            {"comment": {"id": "1", "text": "an insult", "platform": "facebook",
                         "page": "town"}, "findings": [{"category": "b"}]},
            {"comment": {"id": "2", "text": "fair criticism"}, "findings": [{"category": "b"}]},
        ]),
    })
    examples = examples_from_store(store, "moderation.actions", "comments.verdicts")
    assert {e.text: e.source for e in examples} == {"an insult": "facebook:town",
                                                    "fair criticism": "archive"}
