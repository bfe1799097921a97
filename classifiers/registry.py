"""The detectors the pipeline runs by default, in one registry."""

from __future__ import annotations

from pathlib import Path

from classifiers.base import Registry
from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.detector import MLDetector
from classifiers.profanity import ProfanityDetector
from classifiers.ruleset import rule_detectors
from pipeline.settings import DetectorSettings, load_settings


def default_registry(
    model_path: Path = MODEL_PATH, detectors: DetectorSettings | None = None
) -> Registry:
    """Every shipped detector: the profanity matcher (a), the rule detectors (d–h, configured
    by ``detectors``, default the loaded settings) and the model (a–d), which ignores links to
    the Town's domains."""
    detectors = detectors if detectors is not None else load_settings().detectors
    return Registry([ProfanityDetector(), *rule_detectors(detectors),
                     MLDetector.shipped(model_path, town_domains=detectors.domains)])
