"""The detectors the pipeline runs by default, in one registry."""

from __future__ import annotations

from pathlib import Path

from classifiers.base import Registry
from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.detector import MLDetector
from classifiers.profanity import ProfanityDetector
from classifiers.ruleset import rule_detectors


def default_registry(model_path: Path = MODEL_PATH) -> Registry:
    """Every shipped detector (category a today; the other categories plug in here)."""
    return Registry([ProfanityDetector(), *rule_detectors(), MLDetector.shipped(model_path)])
