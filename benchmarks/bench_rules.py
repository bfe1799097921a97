"""Comments per second: the rule detectors for categories d–h vs better-profanity 0.7.0.

Both run in this process, pinned to one CPU, on the same comments: the hand-written corpus
(classifiers/corpus/labeled.jsonl and legitimate.jsonl), shuffled with a seed and cycled to
``--n`` comments. The rule detectors (``classifiers.ruleset.rule_detectors``) run together
through ``detect_batch`` in batches of 500, building their findings, with the normalisation
cache cleared before each batch (a stream does not repeat its comments). better-profanity's
``contains_profanity`` runs once over the first ``--reference`` of those comments (it is slow).

    .venv/bin/python -m benchmarks.bench_rules [--n 20000] [--reference 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from better_profanity import profanity

from classifiers.ruleset import rule_detectors
from classifiers.textnorm import normalize
from pipeline.settings import DetectorSettings

BATCH = 500
CORPUS = Path(__file__).resolve().parent.parent / "classifiers" / "corpus"


def comments(names: Sequence[str], n: int, seed: int) -> list[str]:
    """``n`` comments: the named corpus files, shuffled with ``seed``, cycled."""
    texts = [
        json.loads(line)["text"]
        for name in names
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
    ]
    random.Random(seed).shuffle(texts)
    return [texts[i % len(texts)] for i in range(n)]


def _median_rate(run: Callable[[], int], n: int, repeat: int) -> tuple[float, int]:
    timings, flagged = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        flagged = run()
        timings.append(time.perf_counter() - start)
    return n / statistics.median(timings), flagged


def main(argv: Sequence[str] | None = None) -> None:
    """Time the rule detectors and better-profanity; print rates and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="comments for the rules")
    parser.add_argument("--reference", type=int, default=500, help="comments for better-profanity")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the rules")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    detectors = rule_detectors(DetectorSettings())
    profanity.load_censor_words()

    print(f"python {platform.python_version()}, {platform.machine()}, pinned to one CPU "
          f"of {os.cpu_count()}")
    for label, names in (("mixed corpus", ("labeled.jsonl", "legitimate.jsonl")),
                         ("legitimate only", ("legitimate.jsonl",))):
        texts = comments(names, args.n, args.seed)

        def rules(texts: list[str] = texts) -> int:
            flagged = 0
            for i in range(0, len(texts), BATCH):
                normalize.cache_clear()
                batch = texts[i : i + BATCH]
                per_detector = [d.detect_batch(batch) for d in detectors]
                flagged += sum(any(found) for found in zip(*per_detector, strict=True))
            return flagged

        def reference(texts: list[str] = texts[: args.reference]) -> int:
            return sum(profanity.contains_profanity(t) for t in texts)

        rules()  # warm-up
        rule_rate, rule_flagged = _median_rate(rules, len(texts), args.repeat)
        ref_rate, ref_flagged = _median_rate(reference, args.reference, 1)
        chars = sum(map(len, texts)) / len(texts)
        print(f"\n{label}: {len(texts)} comments, {chars:.0f} chars on average, seed {args.seed}")
        print(f"  rules d–h ({len(detectors)} detectors) {rule_rate:>10,.0f} comments/s   "
              f"any finding {rule_flagged / len(texts):.0%}")
        print(f"  better-profanity 0.7.0      {ref_rate:>10,.0f} comments/s   "
              f"flagged {ref_flagged / args.reference:.0%} (first {args.reference})")
        print(f"  ratio rules/better-profanity: {rule_rate / ref_rate:,.0f}x")


if __name__ == "__main__":
    main()
