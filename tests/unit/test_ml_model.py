"""The committed model: it loads safely, flags attacks, passes criticism, explains itself."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.detector import MLDetector, shipped_model
from classifiers.ml.persist import ModelFileError, load_model
from classifiers.registry import default_registry
from pipeline.policy import load_policy
from pipeline.settings import CONFIG_DIR

ATTACK = "You are a worthless idiot and a liar, Dave, nobody in this town wants you here."
CRITICISM = ("The council's decision to raise water rates again is outrageous. The mayor "
             "owes us an explanation or a resignation.")
HATE = "Muslims are all terrorists and should be thrown out of our town."


def test_the_committed_model_loads_with_no_untrusted_types() -> None:
    assert sio.get_untrusted_types(file=MODEL_PATH) == []
    loaded = shipped_model()
    assert loaded.version.startswith("ml-")
    assert MODEL_PATH.stat().st_size < 20_000_000
    assert {"b", "c"} <= set(loaded.model.categories)


def test_a_clear_personal_attack_is_flagged_and_harsh_criticism_passes() -> None:
    registry = default_registry()
    policy = load_policy(CONFIG_DIR / "policy.yaml")
    attack, criticism = registry.detect_batch([ATTACK, CRITICISM])
    assert policy.decide(attack.findings)[0] != "allow"
    assert any(f.category == "b" and f.detector == "ml" for f in attack.findings)
    assert policy.decide(criticism.findings) == ("allow", [])


def test_findings_explain_themselves_with_spans_of_the_text() -> None:
    detector = MLDetector.shipped()
    found, hateful = detector.detect_batch([ATTACK, HATE])
    (attack,) = [f for f in found if f.category == "b"]
    (hate,) = [f for f in hateful if f.category == "c"]
    assert attack.version == detector.version
    assert attack.evidence and all(ATTACK[e.start : e.end] == e.text for e in attack.evidence)
    assert any(e.text in ("idiot", "worthless", "liar") for e in attack.evidence)
    assert "religion" in hate.label


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    state = sio.load(MODEL_PATH, trusted=[])
    state["coef"] = np.array(state["coef"]) * 2
    tampered = tmp_path / "tampered.skops"
    sio.dump(state, tampered, compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(ModelFileError, match="hash"):
        load_model(tampered)


class Gadget:
    """A type no model file may hold."""


def test_a_model_file_with_untrusted_types_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gadget.skops"
    sio.dump({"format": 1, "gadget": Gadget()}, path)
    with pytest.raises(ModelFileError, match="untrusted"):
        load_model(path)
