"""Comments per second: better-profanity 0.7.0, better_profanity_rs and civicmod's matcher.

All three run in this process on the same seeded corpus (classifiers.profanity_corpus, the one
the agreement test uses). better-profanity runs once (it is slow); the other two run
``--repeat`` times after a warm-up and report the median. Ours runs through
``ProfanityDetector.detect_batch`` in batches of 500, so the figure includes building findings.

    .venv/bin/python -m benchmarks.bench_matcher [--n 2000] [--seed 20240601] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence

import better_profanity
import better_profanity_rs

from classifiers.profanity import ProfanityDetector
from classifiers.profanity_corpus import build_corpus

BATCH = 500


def _rate(run: Callable[[], list[bool]], n: int, repeat: int) -> tuple[float, list[bool]]:
    """Median comments/s of ``repeat`` timed runs of ``run`` over ``n`` comments, and verdicts."""
    timings = []
    verdicts: list[bool] = []
    for _ in range(repeat):
        start = time.perf_counter()
        verdicts = run()
        timings.append(time.perf_counter() - start)
    return n / statistics.median(timings), verdicts


def main(argv: Sequence[str] | None = None) -> None:
    """Run the three matchers and print comments/s and the ratio ours/better-profanity."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="comments (default 2000)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the fast matchers")
    args = parser.parse_args(argv)

    detector = ProfanityDetector()
    corpus = build_corpus(args.n, args.seed, extra_words=tuple(sorted(detector.lexicon.additions)))
    pure, fast = better_profanity.profanity, better_profanity_rs.profanity

    def ours() -> list[bool]:
        return [
            bool(found)
            for i in range(0, len(corpus), BATCH)
            for found in detector.detect_batch(corpus[i : i + BATCH])
        ]

    def rust() -> list[bool]:
        return [fast.contains_profanity(t) for t in corpus]

    def original() -> list[bool]:
        return [pure.contains_profanity(t) for t in corpus]

    rust()
    ours()  # warm-up: regex compilation caches, CPU frequency
    results = {
        "better-profanity": _rate(original, len(corpus), 1),
        "better_profanity_rs": _rate(rust, len(corpus), args.repeat),
        "ours": _rate(ours, len(corpus), args.repeat),
    }
    rates = {name: rate for name, (rate, _) in results.items()}
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(
        f"corpus: {len(corpus)} comments, seed {args.seed}, "
        f"{sum(map(len, corpus)) / len(corpus):.0f} chars on average"
    )
    print(f"lexicon version {detector.version}")
    for name, (rate, verdicts) in results.items():
        print(f"{name:<20} {rate:>12,.0f} comments/s   flagged {sum(verdicts):>6}")
    print(f"ratio ours/better-profanity: {rates['ours'] / rates['better-profanity']:,.0f}x")
    print(f"ratio ours/better_profanity_rs: {rates['ours'] / rates['better_profanity_rs']:.2f}x")


if __name__ == "__main__":
    main()
