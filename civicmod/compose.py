"""Composing the worker: the shipped detectors and the configured policy, handed to the core."""

from __future__ import annotations

import logging

from classifiers.ml.calibration import CalibrationFileError, SourceCalibration, load_calibration
from classifiers.ml.detector import shipped_model
from classifiers.registry import default_registry
from classifiers.repeats import RepeatTracker
from pipeline.policy import PolicyError, load_policy
from pipeline.screening import Screener
from pipeline.settings import Settings
from pipeline.worker import run_worker

log = logging.getLogger(__name__)


def build_screener(settings: Settings) -> Screener:
    """The screener with the default detectors, the configured policy and the per-source
    calibration when one is configured."""
    policy = load_policy(settings.policy_file)
    return Screener(
        registry=default_registry(detectors=settings.detectors, policy=policy),
        policy=policy,
        max_text_chars=settings.ingest.max_text_chars,
        score_window_chars=settings.worker.score_window_chars,
        score_map=source_calibration(settings),
    )


def source_calibration(settings: Settings) -> SourceCalibration | None:
    """The configured calibration of the shipped model, or None: none is configured, or the
    file is unreadable or fitted on another model (logged; every source keeps the shipped
    scores, which sends more comments to review, never fewer)."""
    path = settings.detectors.calibration_path
    if path is None:
        return None
    try:
        calibration = load_calibration(path, shipped_model().version)
    except (OSError, CalibrationFileError) as exc:
        log.error("per-source calibration not applied: %s", exc)
        return None
    log.info("per-source calibration %s for sources %s", calibration.version,
             ", ".join(calibration.sources()) or "none")
    return calibration


def run_moderation_worker(settings: Settings) -> None:
    """Run the worker with the shipped detectors; refuse a bad policy at start (exit 2)."""
    try:
        screener = build_screener(settings)
    except PolicyError as exc:
        log.critical("refusing to start: %s", exc)
        raise SystemExit(2) from exc
    run_worker(settings, screener, RepeatTracker.from_settings(settings.detectors))
