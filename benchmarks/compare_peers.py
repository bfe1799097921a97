"""docs/classifiers.md: the project against its peers on each public dataset's held-out part.

For every dataset under ``--data`` (default ``../shared/datasets``) and every label of its own
that fits a policy category, on the same seeded held-out part the shipped model never saw
(the seed is the model's): the whole registry and policy (rules plus model) as the worker
decides; better-profanity 0.7.0 (a); alt-profanity-check (a/b; trained on Davidson and
Jigsaw, so in-sample there); hatesonar (c; trained on Davidson) when it is installed; and a
plain TF-IDF + logistic regression trained on that dataset's own train part. Then cross-dataset
robustness: each in-domain baseline tested on the other datasets' related labels, and the
project retrained without each dataset in turn and tested on it.

    .venv/bin/python -m benchmarks.compare_peers [--write docs/classifiers.md] [--no-leave-out]

Takes about 10–20 minutes on 2 cores (better-profanity runs at ~50 comments/s, and the
leave-one-dataset-out part trains six models). No text of any dataset is written out.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from classifiers.ml.corpus import load_corpus
from classifiers.ml.data import Example, split_examples
from classifiers.ml.datasets import Dataset, available
from classifiers.ml.defaults import CORPUS_DIR, DEFAULT_CATEGORIES, DEFAULT_DATA_DIR
from classifiers.ml.detector import shipped_model
from classifiers.ml.evaluate import count, score, task_metrics
from classifiers.ml.persist import save_model
from classifiers.ml.train import Source, corpus_sources, fit_model
from classifiers.registry import default_registry
from pipeline.policy import Policy, load_policy
from pipeline.settings import load_settings

Metrics = dict[str, float | int]
Predict = Callable[[Sequence[str]], np.ndarray]
# F1 of the in-domain baseline as measured by the author (issue 3), for reference.
YARDSTICKS = {
    ("youtube", "spam"): 0.97, ("davidson", "offensive"): 0.97, ("davidson", "hate"): 0.45,
    ("olid", "offensive"): 0.61, ("olid", "insult_individual"): 0.46,
    ("stormfront", "hate"): 0.53, ("jigsaw", "any_toxic"): 0.89, ("jigsaw", "obscene"): 0.77,
    ("jigsaw", "insult"): 0.72, ("jigsaw", "identity_hate"): 0.68,
}
# Labels that answer the same question in different datasets (for cross-dataset tests).
RELATED = {
    "hate": [("davidson", "hate"), ("stormfront", "hate"), ("jigsaw", "identity_hate")],
    "insult": [("olid", "insult_individual"), ("jigsaw", "insult")],
    "vulgar": [("davidson", "offensive"), ("olid", "offensive"), ("jigsaw", "obscene")],
    "spam": [("youtube", "spam"), ("sms", "spam")],
}


@dataclass
class Held:
    """One dataset's split."""

    dataset: Dataset
    train: list[Example]
    test: list[Example]


def _metrics(test: Sequence[Example], task: str, predicted: np.ndarray) -> Metrics:
    return count(zip((task in e.tasks for e in test), predicted.tolist(), strict=True)).metrics()


def baseline(train: Sequence[Example], task: str, chars: bool = False) -> Pipeline | None:
    """The plain in-domain baseline for one label (or None when it has one class).

    Word 1–2-gram sublinear TF-IDF and a class-balanced logistic regression: the settings
    that reproduce the issue's yardsticks; ``chars`` adds char_wb 3–5-grams (stronger).
    """
    y = [task in e.tasks for e in train]
    if len(set(y)) < 2:
        return None
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = FeatureUnion([("words", words), ("chars", TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True))]) if chars else words
    model = make_pipeline(features, LogisticRegression(max_iter=1000, class_weight="balanced"))
    return model.fit([e.text for e in train], y)


def peers() -> dict[str, tuple[frozenset[str], Predict]]:
    """Each peer, the categories it speaks for, and its batch prediction.

    hatesonar answers a label of category c alone with its "hate_speech" class, a broader
    label (offensive, any toxic) with "hate_speech" or "offensive_language".
    """
    from better_profanity import profanity
    from profanity_check import predict_prob

    profanity.load_censor_words()
    found: dict[str, tuple[frozenset[str], Predict]] = {
        "better-profanity 0.7.0": (frozenset("a"), lambda texts: np.array(
            [profanity.contains_profanity(t) for t in texts])),
        "alt-profanity-check": (frozenset("ab"), lambda texts: np.asarray(
            predict_prob(list(texts))) >= 0.5),
    }
    try:
        from hatesonar import Sonar

        sonar = Sonar()
    except Exception as exc:  # not installed, or its locale is missing
        print(f"hatesonar not measured: {type(exc).__name__}: {exc}")
    else:
        def classes(texts: Sequence[str]) -> np.ndarray:
            return np.array([sonar.ping(text=t)["top_class"] for t in texts])

        found["hatesonar"] = (frozenset("c"), classes)
    return found


def _cell(m: Metrics | None) -> str:
    if m is None:
        return "–"
    return f"{m['f1']:.3f} ({m['precision']:.2f}/{m['recall']:.2f})"


def per_dataset(held: list[Held], policy: Policy, window: int) -> tuple[list[str], list[str]]:
    """The main table (one row per dataset label, one column per contender), and a list of
    the labels where some contender's F1 beats the project's."""
    contenders = peers()
    registry = default_registry()
    lines = ["| dataset label (held-out positives / rows) | project (rules + model) | "
             "in-domain TF-IDF+LR | in-domain, + char n-grams | " + " | ".join(contenders)
             + " | issue's yardstick F1 |",
             "| --- | --- | --- | --- | " + " | ".join("---" for _ in contenders) + " | ---: |"]
    below: list[str] = []
    for h in held:
        run = score(h.test, registry, policy, window)
        texts = [e.text for e in h.test]
        cache: dict[str, np.ndarray] = {}
        for task in h.dataset.tasks:
            positives = sum(task.name in e.tasks for e in h.test)
            ours = task_metrics(run.scored, task.name, task.categories)
            base_cells = []
            others: dict[str, Metrics] = {}
            for chars, name in ((False, "in-domain TF-IDF+LR"), (True, "+ char n-grams")):
                base = baseline(h.train, task.name, chars)
                base_m = _metrics(h.test, task.name, base.predict(texts)) if base else None
                base_cells.append(_cell(base_m))
                if base_m is not None:
                    others[name] = base_m
            cells = []
            for name, (cats, predict) in contenders.items():
                if not cats & task.categories:
                    cells.append("–")
                    continue
                if name not in cache:
                    began = time.perf_counter()
                    cache[name] = predict(texts)
                    print(f"{name} on {h.dataset.name}: {time.perf_counter() - began:.0f} s")
                predicted = cache[name]
                if predicted.dtype.kind == "U":  # hatesonar's classes
                    hate_only = task.categories == frozenset("c")
                    predicted = (predicted == "hate_speech") if hate_only else (
                        predicted != "neither")
                others[name] = _metrics(h.test, task.name, predicted)
                cells.append(_cell(others[name]))
            yardstick = YARDSTICKS.get((h.dataset.name, task.name))
            lines.append(
                f"| {h.dataset.name}: {task.title} ({positives} / {len(h.test)}) | "
                f"{_cell(ours)} | {' | '.join(base_cells)} | " + " | ".join(cells)
                + f" | {yardstick if yardstick is not None else '–'} |"
            )
            beaten = sorted((m["f1"], n) for n, m in others.items() if m["f1"] > ours["f1"])
            if beaten:
                best_f1, best = beaten[-1]
                below.append(f"- {h.dataset.name} {task.title}: {ours['f1']:.3f}, below "
                             f"{', '.join(n for _, n in beaten)} (best: {best}, {best_f1:.3f})")
    return lines, below


def cross_baselines(held: list[Held]) -> list[str]:
    """In-domain baselines trained on one dataset's label, tested on related labels."""
    by_name = {h.dataset.name: h for h in held}
    lines = ["| trained on → tested on | F1 (precision/recall) |", "| --- | --- |"]
    for group in RELATED.values():
        present = [(d, t) for d, t in group if d in by_name]
        for source, source_task in present:
            model = baseline(by_name[source].train, source_task)
            if model is None:
                continue
            for target, target_task in present:
                test = by_name[target].test
                m = _metrics(test, target_task, model.predict([e.text for e in test]))
                lines.append(f"| {source} {source_task} → {target} {target_task} | {_cell(m)} |")
    return lines


def leave_one_out(held: list[Held], policy: Policy, window: int, seed: int) -> list[str]:
    """The project retrained without each dataset in turn, tested on that dataset.

    Both sides run without the semantic stage: its heads are pinned to the shipped linear
    model, and the public datasets label only a–d, which it does not report."""
    corpus = corpus_sources(CORPUS_DIR, seed) if load_corpus() else []
    lines = ["| left out | dataset label | F1 (precision/recall) without it | "
             "F1 with it (shipped linear model) |", "| --- | --- | --- | --- |"]
    shipped = default_registry(semantic_path=None)
    with tempfile.TemporaryDirectory() as tmp:
        for h in held:
            others = [Source(o.dataset.name, "public", o.train, [], o.dataset)
                      for o in held if o is not h]
            model = fit_model([*corpus, *others], DEFAULT_CATEGORIES, seed)
            path = Path(tmp) / f"without-{h.dataset.name}.skops"
            save_model(model, path, {})
            run = score(h.test, default_registry(model_path=path, semantic_path=None), policy,
                        window)
            with_it = score(h.test, shipped, policy, window)
            for task in h.dataset.tasks:
                lines.append(f"| {h.dataset.name} | {task.title} | "
                             f"{_cell(task_metrics(run.scored, task.name, task.categories))} | "
                             f"{_cell(task_metrics(with_it.scored, task.name, task.categories))} |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Measure everything and print (or write) docs/classifiers.md."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--write", type=Path, help="write the Markdown here")
    parser.add_argument("--no-leave-out", action="store_true",
                        help="skip retraining without each dataset")
    args = parser.parse_args(argv)
    loaded = shipped_model()
    seed = int(loaded.meta.get("seed", 0))
    settings = load_settings()
    policy, window = load_policy(settings.policy_file), settings.worker.score_window_chars
    held = [Held(d, *split_examples(d.load(args.data), seed)) for d in available(args.data)]
    if not held:
        raise SystemExit(f"no dataset found under {args.data}")
    began = time.perf_counter()
    lines = _intro(loaded.version, seed, args.data)
    lines += ["## Each dataset's held-out part", "",
              "F1 (precision/recall) of each dataset's own label; '–' where a contender does "
              "not speak for the label's category.", ""]
    table, below = per_dataset(held, policy, window)
    lines += table
    lines += ["", "### Where the project is below a contender", "",
              *(below or ["- nowhere"]), "",
              "The contenders below it are tuned to one dataset's label and prevalence "
              "(class-balanced); the project answers every label with one model at the "
              f"policy's review thresholds ({_thresholds(policy)}), which were chosen on "
              "out-of-fold predictions of the training parts within a budget of 2% of "
              "legitimate comments (docs/thresholds.md), never on these held-out parts."]
    lines += ["", "## Cross-dataset robustness", "",
              "### In-domain baselines on other datasets' related labels", ""]
    lines += cross_baselines(held)
    if not args.no_leave_out:
        lines += ["", "### The project without each dataset", "",
                  "Retrained on the corpus and the other datasets only (same seed), then "
                  "tested on the left-out dataset's held-out part.", ""]
        lines += leave_one_out(held, policy, window, seed)
    lines += ["", f"Measured in {time.perf_counter() - began:.0f} s.", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


def _thresholds(policy: Policy) -> str:
    return ", ".join(f"{c} {rule.review}" for c, rule in sorted(policy.categories.items())
                     if c in DEFAULT_CATEGORIES)


def _intro(version: str, seed: int, data: Path) -> list[str]:
    return [
        "# Classifiers against their peers",
        "",
        "<!-- Generated by `.venv/bin/python -m benchmarks.compare_peers --write "
        "docs/classifiers.md`; do not edit by hand. -->",
        "",
        f"Model `{version}`, held-out parts split with seed {seed} (the seed it was trained "
        f"with, so it never saw them), data from `{data.name}/`, "
        f"{platform.machine()} with {os.cpu_count()} CPUs.",
        "",
        "- **project**: the whole default registry (rule detectors and the model) plus "
        "`config/policy.yaml`, as the worker decides: a label counts as found when a finding "
        "of one of its categories reaches the review threshold.",
        "- **in-domain TF-IDF+LR**: word 1–2-gram sublinear TF-IDF and a class-balanced "
        "logistic regression, trained on that dataset's own train part for that label, "
        "threshold 0.5 (these settings reproduce the issue's yardsticks within 0.01 where the "
        "splits agree); **+ char n-grams** adds char_wb 3–5-grams, a stronger baseline. Both "
        "are tuned to one dataset's label and prevalence; the project is one model for "
        "every source, at the policy's thresholds, and must stay quiet on legitimate comments.",
        "- **alt-profanity-check** was trained on Davidson and Jigsaw data and **hatesonar** on "
        "Davidson: on those datasets they are partly in-sample and look better than they are.",
        "- The project answers with the policy's categories, which are not the datasets' "
        "labels: Davidson 'offensive' and Jigsaw 'any toxic' include rudeness no category "
        "covers, OLID 'offensive' includes insults at groups and organisations that the "
        "policy does not treat as personal attacks.",
        "",
    ]


if __name__ == "__main__":
    main()
