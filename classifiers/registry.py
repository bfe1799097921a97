"""The detectors the pipeline runs by default, in one registry."""

from __future__ import annotations

from classifiers.base import Registry
from classifiers.profanity import ProfanityDetector


def default_registry() -> Registry:
    """Every shipped detector (category a today; the other categories plug in here)."""
    return Registry([ProfanityDetector()])
