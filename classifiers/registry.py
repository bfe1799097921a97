"""The detectors the pipeline runs by default, in one registry."""

from __future__ import annotations

from pathlib import Path

from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.detector import MLDetector
from classifiers.profanity import ProfanityDetector
from classifiers.ruleset import rule_detectors
from pipeline.detection import Registry
from pipeline.policy import Policy, load_policy
from pipeline.settings import DetectorSettings, load_settings


def default_registry(
    model_path: Path = MODEL_PATH,
    detectors: DetectorSettings | None = None,
    policy: Policy | None = None,
) -> Registry:
    """Every shipped detector: the profanity matcher (a), the rule detectors (d–h, configured
    by ``detectors``) and the model (a–d), which reports each category from its review
    threshold in ``policy`` and ignores links to the Town's domains. Settings and policy
    default to the loaded ones."""
    if detectors is None or policy is None:
        settings = load_settings()
        detectors = detectors if detectors is not None else settings.detectors
        policy = policy if policy is not None else load_policy(settings.policy_file)
    review: dict[str, float] = {c: rule.review for c, rule in policy.categories.items()}
    return Registry([ProfanityDetector(), *rule_detectors(detectors),
                     MLDetector.shipped(model_path, town_domains=detectors.domains,
                                        min_scores=review)])
