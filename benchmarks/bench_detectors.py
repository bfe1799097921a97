"""Comments per second of the whole default registry (a–h) against the peers, on one core.

The registry runs as the worker runs it (``Registry.detect_batch`` in batches of 500) over
the hand-written corpus (``classifiers/corpus``, shuffled and cycled to ``--n``: both files,
then the legitimate comments only, closer to a real stream) and, when ``../shared/datasets``
is there, a seeded sample of the public datasets' texts (tweets, forum sentences, Wikipedia
talk pages: varied words, so the model's per-word feature cache really misses, and about half
of them offensive, so most get explained findings).
better-profanity 0.7.0 and alt-profanity-check run on the same comments in the same process.
The process is pinned to one CPU, with one BLAS thread. Worker memory is measured in a fresh
child process that builds the worker's screener (model loaded) and scores the comments.

    .venv/bin/python -m benchmarks.bench_detectors [--n 10000] [--peer-n 1000] [--write FILE]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from itertools import cycle, islice  # noqa: E402

from classifiers.ml.corpus import load_corpus  # noqa: E402
from classifiers.ml.datasets import available  # noqa: E402
from classifiers.ml.defaults import DEFAULT_DATA_DIR  # noqa: E402
from classifiers.ml.features import clear_chunk_cache  # noqa: E402
from classifiers.registry import default_registry  # noqa: E402
from classifiers.semantic.detector import ModelCascade  # noqa: E402
from classifiers.semantic.embedder import StaticEmbedder  # noqa: E402

BATCH = 500
_RSS_CHILD = """
import json, resource, sys
from pipeline.settings import load_settings
from civicmod.compose import build_screener
texts = json.load(sys.stdin)
screener = build_screener(load_settings())
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for i in range(0, len(texts), 500):
    screener.registry.detect_batch(texts[i : i + 500])
print(json.dumps([loaded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""


def corpus_texts(n: int, seed: int, legitimate_only: bool) -> list[str]:
    """The hand-written corpus, shuffled with ``seed`` and cycled to ``n`` comments."""
    pool = [e.text for e in load_corpus() if e.clean or not legitimate_only]
    random.Random(seed).shuffle(pool)
    return list(islice(cycle(pool), n)) if pool else []


def public_texts(n: int, seed: int) -> list[str]:
    """A seeded sample of ``n`` texts from every public dataset present (none if absent)."""
    pool = [e.text for d in available(DEFAULT_DATA_DIR) for e in d.load(DEFAULT_DATA_DIR)]
    random.Random(seed).shuffle(pool)
    return pool[:n]


def _timed(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def bench(texts: list[str], peer_n: int, repeat: int) -> dict[str, float]:
    """Comments/s of the registry (cold and warm feature cache), each detector and the peers."""
    from better_profanity import profanity
    from profanity_check import predict_prob

    registry = default_registry()
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]

    def whole() -> None:
        for batch in batches:
            registry.detect_batch(batch)

    cascade = next((d for d in registry.detectors if isinstance(d, ModelCascade)), None)
    intent = cascade.intent if cascade is not None else None
    read_before = intent.texts_scored if intent is not None else 0
    clear_chunk_cache()
    rates = {"registry a–h, first pass": len(texts) / _timed(whole, 1)}
    if intent is not None:
        rates["share the intent model read"] = (intent.texts_scored - read_before) / len(texts)
    rates["registry a–h"] = len(texts) / _timed(whole, repeat)
    for detector in registry.detectors:
        def one(d: object = detector) -> None:
            for batch in batches:
                d.detect_batch(batch)  # type: ignore[attr-defined]
        rates[f"  {detector.name}"] = len(texts) / _timed(one, repeat)
        if isinstance(detector, ModelCascade):
            def embed(e: StaticEmbedder = detector.semantic.embedder) -> None:
                for batch in batches:
                    e.embed(batch)
            rates["    of which the static embedding (all comments)"] = len(texts) / _timed(
                embed, repeat)
    sample = texts[:peer_n]
    profanity.load_censor_words()
    rates["better-profanity 0.7.0"] = len(sample) / _timed(
        lambda: [profanity.contains_profanity(t) for t in sample], 1)
    rates["alt-profanity-check"] = len(texts) / _timed(
        lambda: [predict_prob(b) for b in batches], repeat)
    return rates


def worker_rss(texts: Sequence[str]) -> tuple[float, float]:
    """Max RSS in MB of a fresh worker process: after building the screener, after scoring."""
    done = subprocess.run([sys.executable, "-c", _RSS_CHILD], input=json.dumps(list(texts)),
                          capture_output=True, text=True, check=True)
    loaded, scored = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded / 1024, scored / 1024


def main(argv: Sequence[str] | None = None) -> None:
    """Print (and optionally write) the Markdown fragment of docs/benchmarks-detectors.md."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="comments per corpus")
    parser.add_argument("--peer-n", type=int, default=1000,
                        help="comments for better-profanity (about 50/s)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--write", help="also write the fragment to this file")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    corpora = {
        "hand-written corpus, both files": corpus_texts(args.n, args.seed, False),
        "hand-written corpus, legitimate comments only": corpus_texts(args.n, args.seed, True),
        "public dataset texts": public_texts(args.n, args.seed),
    }
    corpora = {name: texts for name, texts in corpora.items() if texts}
    lines = [
        "## Detector speed: the whole registry (a–h) against the peers",
        "",
        f"`.venv/bin/python -m benchmarks.bench_detectors --n {args.n} --peer-n {args.peer_n}`"
        f" on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs shared "
        f"(pinned to one), Python {platform.python_version()}; batches of {BATCH}, median of "
        f"{args.repeat} runs (better-profanity: one run over {args.peer_n} comments).",
        "",
        "\"First pass\" starts with the model's per-word feature cache empty (a fresh "
        "worker); the other registry row is the median of later passes. Indented rows are "
        "each detector alone over the same batches, after the registry ran (their caches "
        "warm), so they do not add up to the registry's time; the registry pauses the garbage "
        "collector for each batch, as in the worker, a detector alone does not. The public "
        "texts are about half "
        "offensive, so the model explains a finding for most of them; a town's stream is "
        "mostly clean, closer to the legitimate-only corpus. `ml+semantic` is the model "
        "cascade: the linear model's features feed its heads (a–d) and, with each comment's "
        "static embedding, the semantic heads (e–h); it runs on every comment, and passes the "
        "comments a semantic head is unsure of to the intent model (decision 0020).",
        "",
    ]
    for name, texts in corpora.items():
        rates = bench(texts, args.peer_n, args.repeat)
        mean = sum(map(len, texts)) / len(texts)
        ours = rates["registry a–h"]
        lines += [f"### {name} ({len(texts):,} comments, {mean:.0f} characters on average)", "",
                  "| what | comments/s | registry ÷ this |", "| --- | ---: | ---: |"]
        share = rates.pop("share the intent model read", None)
        lines += [f"| {k} | {v:,.0f} | {ours / v:.2f} |" for k, v in rates.items()]
        if share is not None:
            lines += ["", f"The intent model read {share:.2%} of these comments (the ones a "
                      "static semantic head gave at least the gate)."]
        lines.append("")
    loaded, scored = worker_rss(corpora[next(reversed(corpora))])
    lines += [f"Worker memory (max RSS of a fresh process): {loaded:.0f} MB with the screener "
              f"built (model loaded), {scored:.0f} MB after scoring {args.n:,} comments.", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
