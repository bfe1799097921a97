"""``civicmod train`` end to end: gather, fit, save, measure on held-out data, write the card."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifiers.ml.calibration_card import calibration_section, measure_sources
from classifiers.ml.card import (
    evaluation_section,
    identity_section,
    precision_table,
    replace_section,
    sources_table,
    threshold_table,
)
from classifiers.ml.data import CATEGORIES, LabelRule
from classifiers.ml.defaults import (
    DEFAULT_CATEGORIES,
    EMBEDDER_PATH,
    INTENT_PATH,
    SEMANTIC_CATEGORIES,
    SEMANTIC_PATH,
)
from classifiers.ml.detector import REVIEW_ONLY, REVIEW_ONLY_CEILING, MLDetector
from classifiers.ml.evaluate import score
from classifiers.ml.model import CommentModel
from classifiers.ml.persist import load_model, save_model
from classifiers.ml.train import (
    MIN_EXAMPLES,
    WEIGHTS,
    Sources,
    corpus_sources,
    fit_model,
    path_sources,
)
from classifiers.semantic.card import intent_section, semantic_section
from classifiers.semantic.train import SemanticResult, fit_semantic
from pipeline.detection import Registry
from pipeline.policy import Policy


@dataclass(frozen=True)
class BuildRequest:
    """What to train on and where to put the result."""

    data: tuple[Path, ...]
    out: Path
    card: Path
    seed: int
    corpus_dir: Path
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    text_column: str = "text"
    rules: tuple[LabelRule, ...] = ()
    delimiter: str | None = None
    semantic_out: Path | None = SEMANTIC_PATH
    """Where the semantic heads go (None: no semantic stage)."""
    embedder: Path = EMBEDDER_PATH
    semantic_categories: tuple[str, ...] = SEMANTIC_CATEGORIES


@dataclass(frozen=True)
class BuildResult:
    """The saved model's version and size, and how long training took."""

    version: str
    path: Path
    size_bytes: int
    train_seconds: float
    heads: tuple[str, ...]
    notes: tuple[str, ...]


def build(
    request: BuildRequest,
    archive: Sources,
    policy: Policy,
    window_chars: int,
    registry_for: Callable[[Path, Path | None], Registry],
) -> BuildResult:
    """Train on every source's train part, save, and write the card from the test parts."""
    sources = Sources(notes=list(archive.notes))
    sources.items += corpus_sources(request.corpus_dir, request.seed)
    given = path_sources(request.data, request.seed, request.text_column, request.rules,
                         request.delimiter)
    sources.items += given.items + archive.items
    sources.notes += given.notes
    began = time.perf_counter()
    model = fit_model(sources.items, request.categories, request.seed)
    train_seconds = time.perf_counter() - began
    meta = {"seed": request.seed, "heads": list(model.categories),
            "sources": {s.name: len(s.train) for s in sources.items}}
    version = save_model(model, request.out, meta)
    semantic = _semantic(request, sources, model, version)
    registry = registry_for(request.out, semantic.path if semantic else None)
    card = _header(request, version, train_seconds, model.categories, sources, policy)
    card += semantic_section(request.embedder, semantic) if semantic else (
        "## Semantic stage\n\nNot trained: no embedder at "
        f"`{request.embedder.name}` (run `make distill`).\n\n")
    if INTENT_PATH.is_file():
        card = replace_section(card, "intent", intent_section(INTENT_PATH)) + "\n"
    held_out = [e for s in sources.items for e in s.test]
    card += "\n".join([
        "## The model alone: thresholds", "",
        "F1 (precision/recall) of each head on every held-out row whose label speaks for its "
        "category, if the policy's review threshold were each of these (the shipped "
        "detector reports each category from its review threshold in the policy):", "",
        *threshold_table(load_model(request.out).model, held_out), "",
        "## Held-out evaluation", "",
        "Whole default registry (rules and this model) plus the policy, as the worker "
        "decides: a category counts when a finding reaches its review threshold. Computed by "
        "the functions behind `civicmod evaluate`.", "", ""])
    runs = []
    for source in sources.items:
        if source.test:
            run = score(source.test, registry, policy, window_chars)
            runs.append((source.name, source.kind, run))
            title = f"{source.name} (held out, {source.kind})"
            card = replace_section(card, source.name,
                                   evaluation_section(title, run, source.dataset))
    card = replace_section(card, "precision", "\n".join([
        "### Precision at the policy's thresholds, per source (held out)", "",
        "Each (comment, category) the policy flags (a finding at the category's review "
        "threshold), counted where the source's label speaks for the category; precision is "
        "the share the label agrees with. Out of domain (tweets, forum posts, SMS) precision is "
        "the number that matters on a government page: every wrong flag is a resident's "
        "comment held for review.", "", *precision_table(runs)]))
    card = _calibration(card, sources, registry, policy, window_chars, request.seed)
    identity = [e for s in sources.items if "identity" in s.name for e in s.test]
    card = replace_section(card, "identity", identity_section(
        "Neutral mentions of protected classes (held out): false positives per class",
        score(identity, registry, policy, window_chars)))
    card += _limitations()
    request.card.parent.mkdir(parents=True, exist_ok=True)
    request.card.write_text(card, encoding="utf-8")
    return BuildResult(version, request.out, request.out.stat().st_size, train_seconds,
                       tuple(model.categories), tuple(sources.notes))


def _calibration(card: str, sources: Sources, registry: Registry, policy: Policy,
                 window_chars: int, seed: int) -> str:
    """The card with per-source calibration measured on every public source (none: as is)."""
    public = {s.name: (s.train, s.test) for s in sources.items if s.kind == "public" and s.test}
    detector = next((d for d in registry.detectors if isinstance(d, MLDetector)), None)
    if not public or detector is None:
        return card
    calibration, measured = measure_sources(public, registry, detector, policy,
                                               window_chars, seed)
    return replace_section(card, "calibration", calibration_section(
        calibration, measured, policy, f"civicmod train --seed {seed}"))


def _semantic(request: BuildRequest, sources: Sources, model: CommentModel, version: str
              ) -> SemanticResult | None:
    """Fit and save the semantic heads when there is an embedder to read."""
    if request.semantic_out is None or not request.embedder.is_file():
        sources.notes.append(f"semantic stage: no embedder at {request.embedder}, not trained")
        return None
    return fit_semantic(sources.items, request.semantic_categories, request.embedder, model,
                        version, request.semantic_out, request.seed)


def _header(request: BuildRequest, version: str, seconds: float, heads: Sequence[str],
            sources: Sources, policy: Policy) -> str:
    rows = [(s.name, s.kind, len(s.train), len(s.test),
             ", ".join(sorted(set().union(*(e.known for e in s.train + s.test)))))
            for s in sources.items]
    lines = [
        "# civicmod comment model: model card",
        "",
        "<!-- Generated by `civicmod train`; sections below are rewritten by "
        "`civicmod evaluate PATH --card`. Do not edit by hand. -->",
        "",
        f"- **Version** (content hash, stored with every verdict): `{version}`",
        f"- **File**: `{request.out.name}` (skops, {request.out.stat().st_size / 1e6:.1f} MB)",
        f"- **Trained by**: `civicmod train --seed {request.seed}` "
        f"in {seconds:.0f} s (fitting only)",
        f"- **Heads** (policy E.1 categories): {', '.join(heads)}",
        "",
        "## What it is",
        "",
        "One shared feature matrix per batch (sublinear TF-IDF of hashed word 1–2-grams and "
        "char 3–5-grams inside words), and one L2 logistic-regression head per category, "
        "Platt-calibrated on 3-fold out-of-fold scores. A head is trained only on rows whose "
        "label speaks for its category. Each finding names the words that raised the score "
        "most (its evidence); a category-c finding names the protected classes the text "
        "mentions. Names of protected groups (config/lexicons/protected-classes.yaml, "
        "stored in the model) are each followed by one shared marker word, so that what is "
        "said about one group is learned for all. Links (http://, https://, www.) are left "
        "out of the features, so the model judges the words and never learns \"has a link\" "
        "as spam (it sent news links and a recall petition to review before); the rule "
        "detectors judge links, and the detector also blanks links to the Town's domains. It "
        "backs up the rule detectors (a, d) and is the main detector of b and c. Listed words "
        "used as names (\"Councilman Dick Ramirez\", \"Hooker Rd\": config/lexicons/names.yaml) "
        "are masked before the model sees them. Neutral mentions of every protected class are "
        "trained on (corpus/identity_*; the templates' held-out sentence shapes measure the "
        "false positives per class below).",
        "",
        "## Thresholds",
        "",
        "The detector reports each category from its review threshold in the policy; its "
        f"findings of {', '.join(sorted(REVIEW_ONLY))} stop at {REVIEW_ONLY_CEILING} (the "
        "model may send a comment to review as spam, never hide it). The policy "
        f"(`config/policy.yaml`, version {policy.version}) decides:",
        "",
        "| category | review from | remove from | removed automatically |",
        "| --- | ---: | ---: | --- |",
    ]
    lines += [f"| {c} | {rule.review} | {rule.remove} | {'yes' if rule.auto_hide else 'no'} |"
              for c, rule in sorted(policy.categories.items()) if c in CATEGORIES]
    lines += ["", "Probabilities are calibrated on the training mixture, where violations are "
              "far more common than on a town page: on real traffic the same score means a "
              "lower chance of a violation.", "", "## Training data", "",
              f"Each source is split 80/20 by a seeded hash (seed {request.seed}) of an id or "
              "the text, or by the `split` its rows name. Only train parts are fitted on. "
              f"Row weights: {', '.join(f'{k} {v:g}' for k, v in WEIGHTS.items())}. A head "
              f"needs {MIN_EXAMPLES} positive and negative rows.", ""]
    lines += sources_table(rows)
    for note in sources.notes:
        lines.append(f"\n- {note}")
    public = [s.dataset for s in sources.items if s.dataset is not None]
    if public:
        lines += ["", "### Label mappings and caveats", ""]
        for d in public:
            lines.append(f"- **{d.title}**: {d.mapping}. *Caveat*: {d.caveats}")
    return "\n".join(lines) + "\n\n"


def _limitations() -> str:
    return "\n".join([
        "",
        "## Limitations",
        "",
        "- Public data are tweets, Wikipedia talk pages, forum sentences, SMS and video "
        "comments, not town-page comments; the hand-written corpus is small.",
        "- English only. Sarcasm, context from the thread and images are not seen.",
        "- Words the model never saw in training (new slurs, new spam schemes) score low; "
        "moderators' decisions read back from the archive are how it learns them.",
        "- Category c is learned mostly from hate speech against groups; the class named in a "
        "finding comes from a word list, not from the model.",
        "",
    ])

