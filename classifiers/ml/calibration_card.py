"""Per-source calibration measured on the public datasets, for the model card.

Each dataset is its own source: its map is fitted on the dataset's train part (the split the
model was trained with, :func:`classifiers.ml.data.split_of` under the model's seed) and the
whole registry and policy are measured on its held-out part, without and with the map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from classifiers.ml.calibration import SourceCalibration, fit_calibration, labeled_scores
from classifiers.ml.data import Example, split_examples
from classifiers.ml.datasets import available
from classifiers.ml.detector import MLDetector
from classifiers.ml.evaluate import Run, Scored, count, score
from pipeline.detection import Registry
from pipeline.policy import Policy


@dataclass(frozen=True)
class Measured:
    """One source's held-out part decided without its map (``before``), with the map fitted
    on its train part (``on_train``) and with maps cross-fitted on held-out halves
    (``cross_fitted``: each half decided by the map fitted on the other)."""

    source: str
    train_rows: int
    before: Run
    on_train: Run
    cross_fitted: Run


def measure_datasets(root: Path, registry: Registry, detector: MLDetector, policy: Policy,
                     window_chars: int, seed: int
                     ) -> tuple[SourceCalibration, list[Measured]]:
    """:func:`measure_sources` over every public dataset under ``root``, split by ``seed``."""
    parts = {dataset.name: split_examples(dataset.load(root), seed)
             for dataset in available(root)}
    return measure_sources(parts, registry, detector, policy, window_chars, seed)


def measure_sources(parts: Mapping[str, tuple[list[Example], list[Example]]],
                    registry: Registry, detector: MLDetector, policy: Policy,
                    window_chars: int, seed: int
                    ) -> tuple[SourceCalibration, list[Measured]]:
    """Per source (name: (train, test)), its held-out part decided before and after its
    map (the held-out halves of the cross-fitted maps split by ``seed + 1``). Returns the maps
    fitted on the train parts and the measurements."""
    parts = {name: ([replace(e, source=name) for e in train],
                    [replace(e, source=name) for e in test])
             for name, (train, test) in parts.items()}  # a map applies by source name
    halves = {name: split_examples(test, seed + 1, test_fraction=0.5)
              for name, (_, test) in parts.items()}

    def fitted(rows: dict[str, list[Example]]) -> SourceCalibration:
        return fit_calibration(detector.model_version, {
            name: labeled_scores(detector, examples, window_chars)
            for name, examples in rows.items()})

    on_train = fitted({name: train for name, (train, _) in parts.items()})
    on_half = [fitted({name: pair[k] for name, pair in halves.items()}) for k in (0, 1)]
    measured = []
    for name, (train, test) in parts.items():
        first, second = halves[name]
        crossed = [score(first, registry, policy, window_chars, on_half[1]),
                   score(second, registry, policy, window_chars, on_half[0])]
        measured.append(Measured(
            name, len(train), score(test, registry, policy, window_chars),
            score(test, registry, policy, window_chars, on_train),
            Run(crossed[0].scored + crossed[1].scored, crossed[0].seconds + crossed[1].seconds)))
    return on_train, measured


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
    thresholds (shipped → map fitted on the train part → maps cross-fitted on the held-out
    part), the train-part maps, and the clean rows sent to review or removed."""
    lines = [
        "### Per-source calibration (held out)", "",
        f"Computed by `{command}` against model `{calibration.model_version}`. Each public "
        "dataset is a source: a Platt map on the logit of the model's score "
        "(`classifiers/ml/calibration.py`) is fitted per category, and the whole registry and "
        "policy decide the dataset's held-out part three ways: with the shipped scores; with "
        "the map fitted on the dataset's **train** part (rows the model was trained on); and "
        "**cross-fitted**: the held-out part split in halves by a seeded hash, each half "
        "decided by the map fitted on the other (rows neither the model nor the map saw, as "
        "`civicmod calibrate` fits by default). Cells are precision/recall of finding the "
        "category (any detector) at the policy's threshold, shipped → train → cross-fitted; "
        "`–` means nothing was flagged. A map changes only the linear model's findings, which "
        "it reports from the review threshold: it can lower a score below a threshold or "
        "move one between them, never raise one from below the review threshold "
        "(docs/decisions/0017-per-source-calibration.md).", "",
        "| source | category | train-part map: slope, offset (+/−) | held-out (positives) | "
        "at review | at remove |",
        "| --- | --- | --- | ---: | --- | --- |"]
    for m in measured:
        runs = (m.before.scored, m.on_train.scored, m.cross_fitted.scored)
        labeled = set().union(*(s.example.known for s in m.before.scored))
        for category in sorted(labeled & set(policy.categories)):
            rule = policy.categories[category]  # type: ignore[index]
            fitted = calibration.maps.get(m.source, {}).get(category)
            how = (f"{fitted.slope:.2f}, {fitted.offset:+.2f} ({fitted.positives:,}/"
                   f"{fitted.negatives:,})" if fitted
                   else "none: " + _why_not(calibration, m.source, category))
            known = [s for s in m.before.scored if category in s.example.known]
            positives = sum(category in s.example.positives for s in known)
            cells = [" → ".join(_at(run, category, t) for run in runs)
                     for t in (rule.review, rule.remove)]
            lines.append(f"| {m.source} | {category} ({rule.review} / {rule.remove}) | {how} | "
                         f"{len(known):,} ({positives:,}) | {cells[0]} | {cells[1]} |")
    lines += ["", "Comments whose label says they must be allowed, held out: the share the "
              "policy sent to review and removed, shipped → train → cross-fitted, and (shipped) "
              "the share sent there by the linear model's findings alone, the most a map of "
              "it can take back; the rest had a rule detector's finding (the spam rule on "
              "tweets' mentions and links, listed profane words).", "",
              "| source | train rows | must be allowed | to review | removed | "
              "by the model alone |",
              "| --- | ---: | ---: | --- | --- | ---: |"]
    for m in measured:
        runs = (m.before.scored, m.on_train.scored, m.cross_fitted.scored)
        clean = sum(s.example.clean for s in m.before.scored)
        lines.append(f"| {m.source} | {m.train_rows:,} | {clean:,} | "
                     + " | ".join(" → ".join(_clean_share(run, action) for run in runs)
                                  for action in ("review", "remove"))
                     + f" | {_model_only(m.before.scored)} |")
    return "\n".join(lines) + "\n"


def _model_only(scored: Sequence[Scored]) -> str:
    clean = [s for s in scored if s.example.clean]
    alone = sum(s.action != "allow" and bool(s.by) and s.by <= {MLDetector.name}
                for s in clean)
    return f"{alone / len(clean):.1%}" if clean else "–"


def _why_not(calibration: SourceCalibration, source: str, category: str) -> str:
    return next((s.reason for s in calibration.skipped
                 if s.source == source and s.category == category), "not a model head")
