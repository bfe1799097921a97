"""State files: the committed models load with the versions they were shipped with, and the
content hashes of the calibration and the semantic heads stay what they were.

The pinned strings were computed by the loaders before they shared
``classifiers.skops_file``. When ``make train`` replaces the committed files, take the new
SHA-256s and versions from classifiers/model/MODEL_CARD.md.
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
from classifiers.ml.defaults import EMBEDDER_PATH, MODEL_PATH, SEMANTIC_PATH
from classifiers.ml.persist import load_model
from classifiers.semantic.embedder import load_embedder_state
from classifiers.semantic.heads import load_semantic, save_heads
from classifiers.skops_file import StateFileError, dump_state, file_sha256, load_state

MODEL_SHA256 = "a9774c7f47d02bf259613036996013db95e17c191530e1e778fe47ac3be13ba6"
SEMANTIC_SHA256 = "d11c107107eddd15038b19bbce3696cac06510be180cd7dcfff3738531e4e183"
EMBEDDER_SHA256 = "5e7b27d0a2dff36932f812e2a495facc488359e5d7c1f8e3e0561ee21b5ec8ed"


def test_the_committed_files_load_with_their_shipped_versions() -> None:
    assert [file_sha256(p) for p in (MODEL_PATH, SEMANTIC_PATH, EMBEDDER_PATH)] == [
        MODEL_SHA256, SEMANTIC_SHA256, EMBEDDER_SHA256]
    assert load_model(MODEL_PATH).version == "ml-e08bbcbd387ab7d0"
    semantic = load_semantic(SEMANTIC_PATH, EMBEDDER_PATH)
    assert (semantic.version, semantic.ml_version) == ("sem-20987fde691dcdc6",
                                                       "ml-e08bbcbd387ab7d0")
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
