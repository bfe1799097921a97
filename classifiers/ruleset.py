"""The rule-based, explainable detectors for categories d–h, built from the settings."""

from __future__ import annotations

from classifiers.illegal import IllegalActivityDetector
from classifiers.personal import PersonalInfoDetector
from classifiers.pii import FinancialNumberDetector
from classifiers.piracy import CopyrightDetector
from classifiers.rules import RuleDetector
from classifiers.security import SecurityDetector
from classifiers.spam import SpamDetector
from classifiers.threats import ThreatDetector
from pipeline.settings import DetectorSettings, load_settings


def rule_detectors(settings: DetectorSettings | None = None) -> list[RuleDetector]:
    """Every rule detector, configured by ``settings`` (default: the loaded settings)."""
    settings = settings if settings is not None else load_settings().detectors
    return [
        SpamDetector(settings),
        IllegalActivityDetector(),
        CopyrightDetector(settings),
        FinancialNumberDetector(),
        PersonalInfoDetector(),
        SecurityDetector(),
        ThreatDetector(),
    ]
