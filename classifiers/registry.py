"""The detectors the pipeline runs by default, in one registry."""

from __future__ import annotations

from pathlib import Path

from classifiers.ml.defaults import EMBEDDER_PATH, INTENT_PATH, MODEL_PATH, SEMANTIC_PATH
from classifiers.ml.detector import MLDetector
from classifiers.profanity import ProfanityDetector
from classifiers.ruleset import rule_detectors
from classifiers.semantic.detector import ModelCascade
from pipeline.detection import Detector, Registry
from pipeline.policy import Policy, load_policy
from pipeline.settings import DetectorSettings, load_settings


def default_registry(
    model_path: Path = MODEL_PATH,
    detectors: DetectorSettings | None = None,
    policy: Policy | None = None,
    semantic_path: Path | None = SEMANTIC_PATH,
    embedder_path: Path = EMBEDDER_PATH,
    intent_path: Path | None = INTENT_PATH,
) -> Registry:
    """Every shipped detector, cheapest first: the profanity matcher (a), the rule detectors
    (d–h, configured by ``detectors``), then the model cascade: the linear model (a–d) and the
    semantic stage (e–h: the same features plus static embeddings; left out when
    ``semantic_path`` is None or absent), whose heads pass the comments they are not sure of to
    the intent model (left out when ``intent_path`` is None or absent). Both report each
    category from its review threshold in ``policy``; the linear model ignores links to the
    Town's domains. Settings and policy default to the loaded ones."""
    if detectors is None or policy is None:
        settings = load_settings()
        detectors = detectors if detectors is not None else settings.detectors
        policy = policy if policy is not None else load_policy(settings.policy_file)
    review: dict[str, float] = {c: rule.review for c, rule in policy.categories.items()}
    rules: list[Detector] = [ProfanityDetector(), *rule_detectors(detectors)]
    if semantic_path is not None and semantic_path.is_file():
        return Registry([*rules, ModelCascade.shipped_cascade(
            model_path, semantic_path, embedder_path, town_domains=detectors.domains,
            min_scores=review,
            intent_path=intent_path if intent_path is not None and intent_path.is_file() else None,
        )])
    return Registry([*rules, MLDetector.shipped(model_path, town_domains=detectors.domains,
                                                min_scores=review)])
