"""Per-source calibration measured on the public datasets, for the model card.

Each dataset is its own source: its map is fitted on the dataset's train part (the split the
model was trained with, :func:`classifiers.ml.data.split_of` under the model's seed) and the
whole registry and policy are measured on its held-out part, without and with the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classifiers.ml.calibration import SourceCalibration, fit_calibration, labeled_scores
from classifiers.ml.data import split_examples
from classifiers.ml.datasets import available
from classifiers.ml.detector import MLDetector
from classifiers.ml.evaluate import Run, Scored, count, score
from pipeline.detection import Registry
from pipeline.policy import Policy


@dataclass(frozen=True)
class Measured:
    """One source's held-out part decided without (``before``) and with (``after``) its map."""

    source: str
    train_rows: int
    before: Run
    after: Run


def measure_datasets(root: Path, registry: Registry, detector: MLDetector, policy: Policy,
                     window_chars: int, seed: int) -> tuple[SourceCalibration, list[Measured]]:
    """Fit a map per public dataset under ``root`` on its train part; decide its held-out
    part before and after."""
    parts = {}
    for dataset in available(root):
        parts[dataset.name] = split_examples(dataset.load(root), seed)
    calibration = fit_calibration(detector.version, {
        name: labeled_scores(detector, train, window_chars) for name, (train, _) in parts.items()})
    measured = [Measured(name, len(train), score(test, registry, policy, window_chars),
                         score(test, registry, policy, window_chars, calibration))
                for name, (train, test) in parts.items()]
    return calibration, measured


def _at(scored: Sequence[Scored], category: str, threshold: float) -> str:
    """``precision/recall`` of finding ``category`` at ``threshold`` where labels speak for it."""
    m = count((category in s.example.positives, s.scores.get(category, 0.0) >= threshold)
              for s in scored if category in s.example.known).metrics()
    flagged = sum(s.scores.get(category, 0.0) >= threshold
                  for s in scored if category in s.example.known)
    return f"{m['precision']:.3f}/{m['recall']:.3f}" if flagged else f"–/{m['recall']:.3f}"


def _clean_share(scored: Sequence[Scored], action: str) -> str:
    clean = [s for s in scored if s.example.clean]
    return f"{sum(s.action == action for s in clean) / len(clean):.1%}" if clean else "–"


def calibration_section(calibration: SourceCalibration, measured: Sequence[Measured],
                        policy: Policy, command: str) -> str:
    """The card section: per source and category, precision/recall at the review and remove
    thresholds before → after, the maps, and the clean rows sent to review or removed."""
    lines = [
        "### Per-source calibration (held out)", "",
        f"Computed by `{command}` against model `{calibration.model_version}`. Each public "
        "dataset is a source: a Platt map on the logit of the model's score "
        "(`classifiers/ml/calibration.py`) is fitted per category on the dataset's train "
        "part, and the whole registry and policy decide its held-out part without and with "
        "it. Cells are precision/recall of finding the category (any detector) at the "
        "policy's threshold, before → after; `–` means nothing was flagged. The map changes "
        "only the linear model's findings, which it reports from the review threshold, so it "
        "can lower a score below a threshold or move one between them, never raise one from "
        "below the review threshold (docs/decisions/XXXX-per-source-calibration.md).", "",
        "| source | category | map: slope, offset (train +/−) | held-out (positives) | "
        "at review | at remove |",
        "| --- | --- | --- | ---: | --- | --- |"]
    for m in measured:
        labeled = set().union(*(s.example.known for s in m.before.scored))
        for category in sorted(labeled & set(policy.categories)):
            rule = policy.categories[category]  # type: ignore[index]
            fitted = calibration.maps.get(m.source, {}).get(category)
            how = (f"{fitted.slope:.2f}, {fitted.offset:+.2f} ({fitted.positives:,}/"
                   f"{fitted.negatives:,})" if fitted else _why_not(calibration, m.source,
                                                                     category))
            known = [s for s in m.before.scored if category in s.example.known]
            positives = sum(category in s.example.positives for s in known)
            cells = [f"{_at(m.before.scored, category, t)} → {_at(m.after.scored, category, t)}"
                     for t in (rule.review, rule.remove)]
            lines.append(f"| {m.source} | {category} (review {rule.review}, remove "
                         f"{rule.remove}) | {how} | {len(known):,} ({positives:,}) | "
                         f"{cells[0]} | {cells[1]} |")
    lines += ["", "Comments whose label says they must be allowed, held out: the share the "
              "policy sent to review and removed, before → after.", "",
              "| source | train rows | must be allowed | to review | removed |",
              "| --- | ---: | ---: | --- | --- |"]
    for m in measured:
        clean = sum(s.example.clean for s in m.before.scored)
        lines.append(f"| {m.source} | {m.train_rows:,} | {clean:,} | "
                     f"{_clean_share(m.before.scored, 'review')} → "
                     f"{_clean_share(m.after.scored, 'review')} | "
                     f"{_clean_share(m.before.scored, 'remove')} → "
                     f"{_clean_share(m.after.scored, 'remove')} |")
    return "\n".join(lines) + "\n"


def _why_not(calibration: SourceCalibration, source: str, category: str) -> str:
    reason = next((s.reason for s in calibration.skipped
                   if s.source == source and s.category == category), "not a model head")
    return f"none: {reason}"
