"""The ``civicmod train`` and ``civicmod evaluate`` commands (registered in civicmod/cli.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from civicmod.bootstrap import cli_settings
from classifiers.ml.data import LabelRule, read_labeled
from classifiers.ml.defaults import (
    CARD_PATH,
    CORPUS_DIR,
    DEFAULT_CATEGORIES,
    DEFAULT_DATA_DIR,
    EMBEDDER_PATH,
    INTENT_PATH,
    MODEL_PATH,
    SEMANTIC_CATEGORIES,
)
from pipeline.policy import load_policy
from pipeline.settings import Settings

if TYPE_CHECKING:
    from classifiers.ml.evaluate import Run
    from classifiers.ml.train import Sources

console = Console(stderr=True)
TextCol = Annotated[str, typer.Option("--text-col", help="CSV column holding the text")]
Labels = Annotated[
    list[str] | None,
    typer.Option("--label", "--label-col", help="CSV label rule COLUMN=CATS or COLUMN:VALUE=CATS "
                 "(repeatable), e.g. insult=b, class:0=c, label:spam=d"),
]
DataPaths = Annotated[
    list[Path] | None,
    typer.Option("--data", help="Dataset folder or labeled CSV/JSONL file (repeatable); "
                 f"default {DEFAULT_DATA_DIR} when it exists"),
]
Delimiter = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter (default: tab for .tsv)")
]


def rules(specs: list[str] | None) -> list[LabelRule]:
    """The parsed ``--label`` rules (a bad one is a usage error)."""
    try:
        return [LabelRule.parse(spec) for spec in specs or []]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _archive_sources(settings: Settings, use: bool, seed: int) -> Sources:
    from civicmod.moderator_examples import moderator_examples
    from classifiers.ml.data import split_examples
    from classifiers.ml.train import Source, Sources

    if not use:
        return Sources(notes=["moderator decisions: not read (--no-archive)"])
    examples = moderator_examples(settings)
    if examples is None:
        return Sources(notes=["moderator decisions: no archive configured or reachable"])
    if not examples:
        return Sources(notes=["moderator decisions: none in the archive yet"])
    return Sources([Source("moderator decisions", "archive", *split_examples(examples, seed))])


def train(
    data: DataPaths = None,
    out: Annotated[Path, typer.Option(help="Where to write the model")] = MODEL_PATH,
    card: Annotated[
        Path | None, typer.Option(help="Where to write the model card (default: beside --out)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the splits and the solver")] = 0,
    corpus: Annotated[Path, typer.Option(help="Hand-written corpus folder")] = CORPUS_DIR,
    categories: Annotated[
        str, typer.Option(help="Categories to train heads for (comma-separated)")
    ] = ",".join(DEFAULT_CATEGORIES),
    archive: Annotated[
        bool, typer.Option(help="Also learn from moderators' decisions in the archive")
    ] = True,
    text_col: TextCol = "text",
    label: Labels = None,
    delimiter: Delimiter = None,
) -> None:
    """Train the comment model, save it with skops and write its model card."""
    from classifiers.ml.build import BuildRequest, build
    from classifiers.registry import default_registry

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = cli_settings()
    request = BuildRequest(
        data=tuple(data) if data else (DEFAULT_DATA_DIR,),
        out=out,
        card=card or out.parent / CARD_PATH.name,
        seed=seed,
        corpus_dir=corpus,
        categories=tuple(c.strip() for c in categories.split(",") if c.strip()),
        text_column=text_col,
        rules=tuple(rules(label)),
        delimiter=delimiter,
    )
    result = build(
        request,
        archive=_archive_sources(settings, archive, seed),
        policy=load_policy(settings.policy_file),
        window_chars=settings.worker.score_window_chars,
        registry_for=lambda path, semantic: default_registry(model_path=path,
                                                           semantic_path=semantic),
    )
    for note in result.notes:
        console.print(f"note: {note}")
    console.print(
        f"model {result.version} ({result.size_bytes / 1e6:.1f} MB, heads "
        f"{','.join(result.heads)}) trained in {result.train_seconds:.0f} s -> {result.path}; "
        f"card -> {request.card}"
    )


def evaluate(
    path: Annotated[Path, typer.Argument(
        help="Labeled JSONL ({text, categories}) or CSV; or a folder of the public datasets, to "
             "measure per-source calibration on each (fitted on its train part)")],
    text_col: TextCol = "text",
    label: Labels = None,
    delimiter: Delimiter = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the JSON report")] = False,
    model: Annotated[Path, typer.Option(help="Model file to evaluate")] = MODEL_PATH,
    card: Annotated[
        Path | None, typer.Option(help="Also write the results into this model card")
    ] = None,
    errors: Annotated[int, typer.Option(help="Worst errors to show per category")] = 3,
    split: Annotated[
        str, typer.Option(help="Only JSONL rows of this split (train, test) or all")
    ] = "all",
    seed: Annotated[
        int | None, typer.Option(help="Seed of the datasets' splits (default: the model's)")
    ] = None,
) -> None:
    """Precision, recall and F1 per category of the whole registry and policy on a file; on a
    datasets folder, precision and recall at the policy's thresholds before and after
    per-source calibration."""
    from classifiers.ml.card import evaluation_section, identity_section, write_section
    from classifiers.ml.evaluate import report, score
    from classifiers.registry import default_registry

    settings = cli_settings()
    if path.is_dir():
        _evaluate_calibration(path, settings, model, card, seed)
        return
    try:
        examples = read_labeled(path, text_col, rules(label), delimiter)
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    if split != "all":
        examples = [e for e in examples if e.split == split]
    policy = load_policy(settings.policy_file)
    registry = default_registry(model_path=model, detectors=settings.detectors, policy=policy)
    run = score(examples, registry, policy, settings.worker.score_window_chars)
    if as_json:
        print(json.dumps(report(run)))
        return
    _print_report(run, errors)
    if card is not None:
        name = path.stem if split == "all" else f"{path.stem}, {split} split"
        write_section(card, name, evaluation_section(f"{name} (`civicmod evaluate`)", run))
        console.print(f"wrote section {name!r} of {card}")
        if any(s.example.clean for s in run.scored):
            write_section(card, f"identity: {name}", identity_section(
                f"{name} (`civicmod evaluate`): false positives per protected class", run))


def _evaluate_calibration(root: Path, settings: Settings, model: Path, card: Path | None,
                          seed: int | None) -> None:
    from classifiers.ml.calibration_card import calibration_section, measure_datasets
    from classifiers.ml.card import write_section
    from classifiers.ml.detector import MLDetector, shipped_model
    from classifiers.registry import default_registry

    policy = load_policy(settings.policy_file)
    registry = default_registry(model_path=model, detectors=settings.detectors, policy=policy)
    detector = MLDetector.shipped(model, town_domains=settings.detectors.domains)
    if seed is None:
        seed = int(shipped_model(model).meta.get("seed", 0))
    calibration, measured = measure_datasets(root, registry, detector, policy,
                                             settings.worker.score_window_chars, seed)
    if not measured:
        raise typer.BadParameter(f"{root}: no known dataset here")
    command = f"civicmod evaluate {root} --seed {seed}"
    section = calibration_section(calibration, measured, policy, command)
    Console().print(section, markup=False, highlight=False)
    if card is not None:
        write_section(card, "calibration", section)
        console.print(f"wrote section 'calibration' of {card}")


def _print_report(run: Run, errors: int) -> None:
    from classifiers.ml.evaluate import report, worst_errors
    from classifiers.ml.identity import class_rates
    from classifiers.ml.protected import ClassNamer

    result = report(run)
    table = Table(title=f"{len(run.scored)} comments, {result['comments_per_second']:,} /s")
    for column in ("category", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for category, m in result["per_category"].items():
        table.add_row(category, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                      str(m["support"]))
    out = Console()
    out.print(table)
    counts = result["allowed"]
    out.print(f"must be allowed: {counts['total']}; review {counts['review']}, "
              f"remove {counts['remove']}")
    clean = [s for s in run.scored if s.example.clean]
    for rate in class_rates([s.example.text for s in clean], [s.action for s in clean],
                            [s.example.tasks for s in clean], ClassNamer()):
        if rate.mentions:
            out.print(f"neutral mentions of {rate.protected_class}: {rate.mentions}; review "
                      f"{rate.review}, remove {rate.remove} ({rate.review_rate:.1%})")
    for category in result["per_category"]:
        false_pos, false_neg = worst_errors(run.scored, category, errors)
        for kind, rows in (("false positive", false_pos), ("missed", false_neg)):
            for s in rows:
                snippet = s.example.text[:120].replace("\n", " ")
                out.print(f"[{category}] {kind} (score {s.scores.get(category, 0.0):.2f}): "
                          f"{snippet!r}", markup=False, highlight=False)


def distill(
    out: Annotated[Path, typer.Option(help="Where to write the embedder")] = EMBEDDER_PATH,
    pca_dims: Annotated[int, typer.Option(help="Dimensions kept by PCA")] = 256,
) -> None:
    """Distill the static embedder from the installed all-MiniLM-L6-v2 package (needs the
    ``distill`` extra: ``make distill``); refuses weights whose SHA-256 is not upstream's."""
    from classifiers.semantic.distill import distill_embedder
    from classifiers.semantic.source import SourceMismatchError

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = distill_embedder(out, pca_dims=pca_dims)
    except ModuleNotFoundError as exc:
        raise typer.BadParameter(f"{exc.name} is not installed: run `make distill`") from exc
    except SourceMismatchError as exc:
        console.print(f"refused: {exc}")
        raise typer.Exit(2) from exc
    console.print(f"embedder {result.vocabulary} tokens x {result.dims} dims "
                  f"({result.size_bytes / 1e6:.1f} MB, sha256 {result.sha256}) -> {result.path}")


def train_intent(
    data: DataPaths = None,
    out: Annotated[Path, typer.Option(help="Where to write the intent model")] = INTENT_PATH,
    seed: Annotated[int, typer.Option(help="Seed of the splits, sample and training")] = 0,
    corpus: Annotated[Path, typer.Option(help="Hand-written corpus folder")] = CORPUS_DIR,
) -> None:
    """Fine-tune all-MiniLM-L6-v2 for e–h and save it as an int8 ONNX graph in a skops file
    (needs the ``distill`` extra: ``make intent``); refuses base weights that are not upstream's."""
    from classifiers.ml.train import corpus_sources, path_sources
    from classifiers.semantic.source import SourceMismatchError

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    public = path_sources(data or [DEFAULT_DATA_DIR], seed)
    for note in public.notes:
        console.print(f"note: {note}")
    try:
        from classifiers.semantic.intent_train import train_intent as fit

        result = fit(corpus_sources(corpus, seed) + public.items, SEMANTIC_CATEGORIES, out, seed)
    except ModuleNotFoundError as exc:
        raise typer.BadParameter(f"{exc.name} is not installed: run `make intent`") from exc
    except SourceMismatchError as exc:
        console.print(f"refused: {exc}")
        raise typer.Exit(2) from exc
    from classifiers.ml.card import write_section
    from classifiers.semantic.card import intent_section

    write_section(out.parent / CARD_PATH.name, "intent", intent_section(out))
    thresholds = ", ".join(f"{c} {t:.3f}" for c, t in zip(result.categories, result.thresholds,
                                                          strict=True))
    console.print(f"intent model {result.version} ({out.stat().st_size / 1e6:.1f} MB) fitted on "
                  f"{result.fitted_rows:,} rows; thresholds on {result.validation_rows:,} "
                  f"validation rows: {thresholds} -> {out}")
