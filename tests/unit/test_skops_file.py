"""State files: the committed models load with the versions their model card names, and the
content hashes of the calibration and the semantic heads stay what they were (the pinned
strings were computed by the loaders before they shared ``classifiers.skops_file``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.ml.calibration import (
    PlattMap,
    Skipped,
    SourceCalibration,
    load_calibration,
    save_calibration,
)
from classifiers.ml.defaults import (
    CARD_PATH,
    EMBEDDER_PATH,
    INTENT_PATH,
    MODEL_PATH,
    SEMANTIC_PATH,
)
from classifiers.ml.persist import load_model
from classifiers.semantic.embedder import load_embedder_state
from classifiers.semantic.heads import load_semantic, save_heads
from classifiers.semantic.intent import shipped_intent
from classifiers.skops_file import StateFileError, dump_state, file_sha256, load_state

EMBEDDER_SHA256 = "5e7b27d0a2dff36932f812e2a495facc488359e5d7c1f8e3e0561ee21b5ec8ed"


def test_the_committed_files_load_with_the_versions_their_model_card_names() -> None:
    card = CARD_PATH.read_text(encoding="utf-8")
    model = load_model(MODEL_PATH).version
    semantic = load_semantic(SEMANTIC_PATH, EMBEDDER_PATH)
    assert semantic.ml_version == model
    for version in (model, semantic.version, shipped_intent(INTENT_PATH).version):
        assert f"`{version}`" in card, version
    assert f"SHA-256 `{file_sha256(INTENT_PATH)}`" in card
    assert load_embedder_state(EMBEDDER_PATH, EMBEDDER_SHA256).vectors.shape == (29_525, 256)


def test_a_calibration_and_heads_keep_their_content_hashes(tmp_path: Path) -> None:
    calibration = SourceCalibration("ml-aaaa", {"town": {"insult": PlattMap(1.5, -0.25, 40, 60)}},
                                    (Skipped("town", "threat", "few"),))
    assert save_calibration(calibration, tmp_path / "c.skops") == "cal-d8d04cdc995a1840"
    assert load_calibration(tmp_path / "c.skops", "ml-aaaa").version == "cal-d8d04cdc995a1840"
    version = save_heads(tmp_path / "h.skops", ("e", "f"), np.arange(6).reshape(2, 3) / 7,
                         np.arange(8).reshape(2, 4) / 9, np.array([0.5, -0.5]),
                         np.array([[1.0, 0.0], [2.0, -1.0]]), np.array([0.9, 0.95]),
                         "0" * 64, "ml-0000000000000000", {})
    assert version == "sem-dff97ba763831fb7"


def test_a_state_of_another_format_or_with_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.skops"
    sha256 = dump_state(path, {"format": 2, "version": "v-1"})
    assert sha256 == file_sha256(path)
    assert load_state(path, 2, "test state", sha256=sha256) == {"format": 2, "version": "v-1"}
    with pytest.raises(StateFileError, match="not a test state of format 1"):
        load_state(path, 1, "test state")
    with pytest.raises(StateFileError, match="content hash v-2 != recorded v-1"):
        load_state(path, 2, "test state", version=lambda state: "v-2")
    with pytest.raises(StateFileError, match="SHA-256"):
        load_state(path, 2, "test state", sha256="0" * 64)
