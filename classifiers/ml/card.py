"""The model card: Markdown written by ``civicmod train``, sections updated by ``evaluate``.

Evaluation sections sit between ``<!-- section:NAME -->`` markers, so ``civicmod evaluate
--card`` can replace one without touching the rest. No text of any comment is ever written
here (public datasets must not be copied into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from classifiers.ml.data import Example
from classifiers.ml.datasets import Dataset
from classifiers.ml.evaluate import Run, allowed, count, metrics_table, task_metrics
from classifiers.ml.identity import class_rates
from classifiers.ml.model import CommentModel
from classifiers.ml.protected import ClassNamer


def evaluation_section(title: str, run: Run, dataset: Dataset | None = None) -> str:
    """One evaluation as Markdown: per-category metrics, the allowed counts, dataset tasks."""
    counts = allowed(run.scored)
    lines = [f"### {title}", "", f"{len(run.scored)} comments, "
             f"{run.per_second:,.0f} comments/s through the registry and policy.", ""]
    lines += metrics_table(run.scored)
    lines += ["", f"Must be allowed: {counts['total']}; sent to review {counts['review']}, "
              f"removed {counts['remove']}."]
    if dataset is not None:
        lines += ["", "| dataset label | answered by | precision | recall | F1 | support |",
                  "| --- | --- | ---: | ---: | ---: | ---: |"]
        for task in dataset.tasks:
            m = task_metrics(run.scored, task.name, task.categories)
            lines.append(f"| {task.title} | {'/'.join(sorted(task.categories))} | "
                         f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                         f"{m['support']} |")
    return "\n".join(lines) + "\n"


def precision_table(runs: Sequence[tuple[str, str, Run]]) -> list[str]:
    """Per held-out source (name, kind, run): precision of what the policy flags, at its review
    thresholds, over the categories the source's labels speak for, and the share of comments
    that must be allowed that it sent to review or removed."""
    lines = ["| source | kind | held-out rows | flagged (labeled categories) | precision | "
             "must be allowed | of them to review or removed |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, kind, run in runs:
        flagged = correct = 0
        for s in run.scored:
            found = s.found & s.example.known
            flagged += len(found)
            correct += len(found & s.example.positives)
        counts = allowed(run.scored)
        acted = counts["review"] + counts["remove"]
        precision = f"{correct / flagged:.3f}" if flagged else "–"
        share = f"{acted / counts['total']:.1%}" if counts["total"] else "–"
        lines.append(f"| {name} | {kind} | {len(run.scored):,} | {flagged:,} | {precision} | "
                     f"{counts['total']:,} | {share} |")
    return lines


def identity_section(title: str, run: Run, namer: ClassNamer | None = None) -> str:
    """Per protected class, the neutral mentions of it sent to review or removed."""
    clean = [s for s in run.scored if s.example.clean]
    rates = class_rates([s.example.text for s in clean], [s.action for s in clean],
                        [s.example.tasks for s in clean], namer or ClassNamer())
    lines = [f"### {title}", "", f"{len(clean)} comments that must be allowed; a comment "
             "counts for every class it mentions (its template's class, else the classes "
             "config/lexicons/protected-classes.yaml finds in it).", "",
             "| protected class | neutral mentions | to review | removed | to review or removed |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r.protected_class} | {r.mentions} | {r.review} | {r.remove} | "
              f"{r.review_rate:.1%} |" for r in rates if r.mentions]
    return "\n".join(lines) + "\n"


def threshold_table(model: CommentModel, examples: Sequence[Example],
                    thresholds: Sequence[float] = (0.3, 0.5, 0.7, 0.9)) -> list[str]:
    """The model alone on held-out rows: F1 (precision/recall) of each head per threshold."""
    proba = model.predict_proba([e.text for e in examples])
    lines = ["| head | held-out rows (positives) | "
             + " | ".join(f"from {t}" for t in thresholds) + " |",
             "| --- | --- | " + " | ".join("---" for _ in thresholds) + " |"]
    for k, category in enumerate(model.categories):
        rows = [i for i, e in enumerate(examples) if category in e.known]
        truth = [category in examples[i].positives for i in rows]
        cells = []
        for t in thresholds:
            m = count(zip(truth, (proba[rows, k] >= t).tolist(), strict=True)).metrics()
            cells.append(f"{m['f1']:.3f} ({m['precision']:.2f}/{m['recall']:.2f})")
        lines.append(f"| {category} | {len(rows):,} ({sum(truth):,}) | " + " | ".join(cells) + " |")
    return lines


def replace_section(card: str, name: str, body: str) -> str:
    """``card`` with section ``name`` replaced by ``body`` (appended when it is new)."""
    start, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(card):
        return pattern.sub(lambda _: block, card)
    return card.rstrip() + "\n\n" + block + "\n"


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or add) one section of the card file at ``path``."""
    card = path.read_text(encoding="utf-8") if path.exists() else "# Model card\n"
    path.write_text(replace_section(card, name, body), encoding="utf-8")


def sources_table(rows: Sequence[tuple[str, str, int, int, str]]) -> list[str]:
    """A Markdown table of (source, kind, train rows, held-out rows, categories known)."""
    lines = ["| source | kind | train rows | held-out rows | categories labeled |",
             "| --- | --- | ---: | ---: | --- |"]
    lines += [f"| {n} | {k} | {tr:,} | {te:,} | {cats} |" for n, k, tr, te, cats in rows]
    return lines
