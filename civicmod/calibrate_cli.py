"""``civicmod calibrate``: fit the per-source calibration from moderators' decisions and
labeled files, and write it where the worker reads it (``detectors.calibration_file``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from civicmod.bootstrap import cli_settings
from civicmod.model_cli import Delimiter, Labels, TextCol, rules
from classifiers.ml.calibration import MIN_NEGATIVES, MIN_POSITIVES
from classifiers.ml.data import Example, read_labeled, split_of
from classifiers.ml.defaults import MODEL_PATH
from pipeline.settings import Settings

console = Console(stderr=True)
CALIBRATION_FILE = "calibration.skops"
"""The file name under the state folder when no ``detectors.calibration_file`` is set."""


def _labeled(specs: list[str], text_col: str, label: list[str] | None,
             delimiter: str | None) -> list[Example]:
    """Examples of ``SOURCE=PATH`` files, each row's source set to SOURCE."""
    examples: list[Example] = []
    for spec in specs:
        source, sep, path = spec.partition("=")
        if not sep or not source or not path:
            raise typer.BadParameter(f"{spec!r}: expected SOURCE=PATH, e.g. facebook:1234=f.jsonl")
        try:
            rows = read_labeled(Path(path), text_col, rules(label), delimiter)
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc)) from exc
        examples += [Example(e.text, e.positives, e.known, source, e.tasks, e.group, e.split)
                     for e in rows]
    return examples


def _archive(settings: Settings) -> list[Example]:
    from civicmod.moderator_examples import moderator_examples

    examples = moderator_examples(settings)
    if examples is None:
        console.print("note: moderator decisions: no archive configured or reachable")
        return []
    console.print(f"moderator decisions: {len(examples)} labeled comments")
    return [e for e in examples if e.source != "archive"]


def default_out(settings: Settings) -> Path:
    """The configured calibration file, else ``calibration.skops`` in the state folder."""
    return settings.detectors.calibration_path or settings.embedded.state_dir / CALIBRATION_FILE


def calibrate(
    labeled: Annotated[
        list[str] | None,
        typer.Option("--labeled", help="SOURCE=PATH: labeled comments (JSONL, or CSV with "
                     "--label) from one source, platform:page or platform (repeatable)"),
    ] = None,
    archive: Annotated[
        bool, typer.Option(help="Also fit on moderators' decisions in the archive, grouped by "
                           "each comment's platform:page")
    ] = True,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the calibration (default: "
                                  "detectors.calibration_file, else the state folder)")
    ] = None,
    model: Annotated[Path, typer.Option(help="The model the scores come from")] = MODEL_PATH,
    part: Annotated[
        str, typer.Option(help="held-out: only the rows `civicmod train` leaves out under the "
                          "model's seed (the model never fitted them); all: every row (when "
                          "the model was trained without them)")
    ] = "held-out",
    min_positives: Annotated[int, typer.Option(min=2)] = MIN_POSITIVES,
    min_negatives: Annotated[int, typer.Option(min=2)] = MIN_NEGATIVES,
    text_col: TextCol = "text",
    label: Labels = None,
    delimiter: Delimiter = None,
) -> None:
    """Fit a score map per (source, category) of the model and save it with skops."""
    from classifiers.ml.calibration import fit_calibration, labeled_scores, save_calibration
    from classifiers.ml.detector import MLDetector, shipped_model

    if part not in ("held-out", "all"):
        raise typer.BadParameter(f"--part must be held-out or all, not {part!r}")
    settings = cli_settings()
    examples = _labeled(labeled or [], text_col, label, delimiter)
    if archive:
        examples += _archive(settings)
    if part == "held-out":
        seed = int(shipped_model(model).meta.get("seed", 0))
        examples = [e for e in examples if split_of(e, seed) == "test"]
    if not examples:
        console.print(f"nothing to fit on ({part} rows): give --labeled SOURCE=PATH or decide "
                      "comments first")
        raise typer.Exit(1)
    detector = MLDetector.shipped(model, town_domains=settings.detectors.domains)
    by_source: dict[str, list[Example]] = {}
    for example in examples:
        by_source.setdefault(example.source, []).append(example)
    window = settings.worker.score_window_chars
    calibration = fit_calibration(
        detector.model_version,
        {source: labeled_scores(detector, rows, window) for source, rows in by_source.items()},
        min_positives, min_negatives)
    path = out or default_out(settings)
    version = save_calibration(calibration, path)
    table = Table(title=f"calibration {version} for model {detector.model_version}")
    for column in ("source", "category", "map"):
        table.add_column(column)
    for source, maps in sorted(calibration.maps.items()):
        for category, m in sorted(maps.items()):
            table.add_row(source, category, f"slope {m.slope:.3f}, offset {m.offset:+.3f} "
                          f"({m.positives} positive, {m.negatives} negative)")
    for skipped in calibration.skipped:
        table.add_row(skipped.source, skipped.category, f"shipped score: {skipped.reason}")
    Console().print(table)
    console.print(f"-> {path}; the worker applies it with "
                  f"CIVICMOD_DETECTORS__CALIBRATION_FILE={path}")
