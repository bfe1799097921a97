"""The worker applies a per-source calibration file to the comments of its source only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.ml.calibration import PlattMap, SourceCalibration, save_calibration
from classifiers.ml.detector import shipped_model
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import Settings
from tests.integration.helpers import isolated, read_topic, start
from tests.unit.test_calibration import INSULT

pytestmark = pytest.mark.integration


def test_the_worker_calibrates_the_configured_source_and_no_other(
        stack: Settings, tmp_path: Path) -> None:
    path = tmp_path / "calibration.skops"
    version = save_calibration(SourceCalibration(shipped_model().version, {
        "facebook:town": {"b": PlattMap(1.0, -6.0, 40, 40)}}), path)
    base = isolated(stack, "calibration")
    settings = base.model_copy(update={"detectors": base.detectors.model_copy(
        update={"calibration_file": str(path)})})
    worker = start("calibration-worker", ["worker"], settings)
    try:
        producer = CommentProducer(settings)
        for comment_id, platform, page in (("c1", "facebook", "town"),
                                           ("c2", "facebook", "parks"),
                                           ("c3", "youtube", "town")):
            producer.accept_object({
                "id": comment_id, "platform": platform, "page": page, "post": "p",
                "author_id": f"u-{comment_id}", "text": INSULT,
                "created_at": "2026-11-25T10:00:00Z",
            }, "test", IngestCounts())
        producer.close()
        messages = read_topic(settings, settings.topics.verdicts, 3, timeout=90)
    finally:
        worker.stop()
    verdicts = {v["comment"]["id"]: v for v in (json.loads(m.value) for m in messages)}
    assert {k: v["action"] for k, v in verdicts.items()} == {
        "c1": "allow", "c2": "review", "c3": "review"}
    assert all(v["model_version"].endswith(f"+{version}") for v in verdicts.values())
    [calibrated] = verdicts["c1"]["findings"]
    assert calibrated["score"] < 0.1 and "calibrated for facebook:town" in calibrated["label"]
    assert [f["score"] for f in verdicts["c2"]["findings"]] == [
        f["score"] for f in verdicts["c3"]["findings"]]
