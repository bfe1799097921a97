"""Benchmark: index and search 1,000,000 archived records (docs/benchmarks-archive.md).

Starts its own SeaweedFS (and Tansu, unused) in a temporary directory, writes synthetic
verdicts directly as archive objects with manifests (1,000 records each, 4 partitions, as
the sink would), then measures the first indexing pass, an update with nothing new, a full
``verify`` and filtered searches.
Run: ``.venv/bin/python benchmarks/bench_archive_search.py [--records N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from civicmod.stack import credentials
from civicmod.stack.embedded import free_port_settings, start_embedded
from pipeline.settings import Settings
from sinks.chain import ChainWriter
from sinks.index import Indexer, connect
from sinks.layout import day_of
from sinks.s3 import s3_client
from sinks.search import Query, search
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore
from sinks.verify import Verifier

PARTITIONS = 4
PER_OBJECT = 1000
START = datetime(2025, 12, 1, tzinfo=UTC)
PAGES = ["townofqueencreek", "qcparks", "qcpolice", "qcfire", "qclibrary"]
WORDS = ["when", "will", "the", "road", "reopen", "Ellsworth", "Loop", "council", "meeting",
         "thanks", "for", "the", "update", "traffic", "light", "park", "splash", "pad",
         "water", "bill", "trash", "pickup", "schedule", "library", "hours", "event",
         "permit", "zoning", "fireworks", "noise", "parking", "downtown", "festival",
         "budget", "tax"]
CARD = "4111 1111 1111 1111"


def store_for(settings: Settings, role: str) -> ArchiveStore:
    """The archive through one embedded identity."""
    keys = credentials.load_or_create(settings.embedded.state_dir)[role]
    return ArchiveStore(s3_client(settings.s3, keys.access_key, keys.secret_key),
                        settings.s3.archive_bucket)


def synthetic_line(settings: Settings, rng: random.Random, partition: int, offset: int,
                   created: datetime) -> dict[str, Any]:
    """One archived verdict on a synthetic comment."""
    n = offset * PARTITIONS + partition
    text = " ".join(rng.choices(WORDS, k=rng.randint(8, 40)))
    action, findings, reasons = "allow", [], []
    roll = rng.random()
    if roll < 0.03:
        start = len(text) + 1
        text = f"{text} {CARD}"
        action = "remove"
        findings = [{"category": "g", "score": 0.99, "detector": "regex", "version": "1",
                     "label": "card", "evidence": [{"start": start, "end": start + len(CARD),
                                                    "text": "4111…1111"}]}]
        reasons = [f"Removed under E.1.g, a card number at {start}–{start + len(CARD)}"]
    elif roll < 0.10:
        action = "review"
        reasons = ["Flagged for review under E.1.a, vulgar language"]
        findings = [{"category": "a", "score": 0.6, "detector": "profanity", "version": "1",
                     "label": "", "evidence": []}]
    stamp = created.isoformat().replace("+00:00", "Z")
    return {
        "topic": settings.topics.verdicts, "partition": partition, "offset": offset,
        "timestamp_ms": int(created.timestamp() * 1000) + 2000,
        "key": f"facebook:u-{n % 20000}",
        "record": {
            "comment": {"id": f"fb-{n}", "platform": "facebook",
                        "page": PAGES[n % len(PAGES)], "post": f"p-{n % 200}", "parent": None,
                        "author_id": f"u-{n % 20000}", "author_name": f"Resident {n % 20000}",
                        "text": text, "created_at": stamp, "url": None, "ingested_at": stamp},
            "findings": findings, "action": action, "reasons": reasons,
            "policy_version": "2026-11-25.1", "model_version": "bench@1",
            "scored_chars": len(text), "truncated": False, "decided_at": stamp,
        },
    }


def fill(settings: Settings, records: int, seed: int = 1) -> float:
    """Write ``records`` synthetic verdicts as manifested objects; return the seconds taken."""
    per_partition = records // PARTITIONS
    spacing = timedelta(days=365) / per_partition

    def one_partition(partition: int) -> None:
        rng = random.Random(seed + partition)
        chain = ChainWriter(store_for(settings, "pipeline"), RetentionSeries(settings),
                            f"bench-{partition}", 10**9, 10**9)
        for first in range(0, per_partition, PER_OBJECT):
            lines = [synthetic_line(settings, rng, partition, offset, START + spacing * offset)
                     for offset in range(first, min(first + PER_OBJECT, per_partition))]
            day: date = day_of(lines[0]["timestamp_ms"])
            chain.append(settings.topics.verdicts, partition, day, lines)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=PARTITIONS) as pool:
        list(pool.map(one_partition, range(PARTITIONS)))
    return time.perf_counter() - started


SEARCHES: dict[str, Query] = {
    "page + 1 month + removed": Query(page="qcparks", since=date(2026, 3, 1),
                                      until=date(2026, 3, 31), action="removed"),
    "text contains, 3 months": Query(text="splash pad", since=date(2026, 1, 1),
                                     until=date(2026, 3, 31)),
    "regex over all": Query(regex=r"water bill .* trash"),
    "author": Query(author="u-4242"),
    "category g": Query(category="g"),
    "comment id": Query(comment="fb-777777"),
}


def timed(call: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    """Fill, index, search; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="civicmod-bench-") as tmp:
        services, settings = start_embedded(free_port_settings(Path(tmp)))
        try:
            wrote = fill(settings, args.records)
            print(f"wrote {args.records} records as archive objects in {wrote:.1f} s")
            db = connect(Path(tmp) / "index.duckdb")
            indexer = Indexer(store_for(settings, "officer"), RetentionSeries(settings), db)
            started = time.perf_counter()
            result = indexer.update()
            first = time.perf_counter() - started
            print(f"first index pass: {result.objects} objects, {result.lines} records in "
                  f"{first:.1f} s ({result.lines / first:,.0f} records/s)")
            again, _ = timed(indexer.update, runs=1)
            print(f"update with nothing new: {again:.2f} s")
            db.execute("CHECKPOINT")
            size = (Path(tmp) / "index.duckdb").stat().st_size / 1e6
            print(f"index file: {size:.0f} MB")
            verifier = Verifier(store_for(settings, "officer"), RetentionSeries(settings))
            seconds, report = timed(verifier.run, runs=1)
            print(f"verify (everything): {report.objects} objects, {report.records} records, "
                  f"ok={report.ok} in {seconds:.1f} s\n")
            print("| search | matches | median of 3 |\n| --- | ---: | ---: |")
            for name, query in SEARCHES.items():
                seconds, rows = timed(partial(search, db, query))
                print(f"| {name} | {len(rows):,} | {seconds:.3f} s |")
            db.close()
            command = [str(Path(sys.executable).parent / "civicmod"), "archive", "search",
                       "--no-update", "--page", "qcparks", "--since", "2026-03-01", "--until",
                       "2026-03-31", "--action", "removed", "--format", "jsonl"]
            env = {**os.environ, "CIVICMOD_ARCHIVE__INDEX_FILE": str(Path(tmp) / "index.duckdb")}
            seconds, _ = timed(lambda: subprocess.run(command, env=env, check=True,
                                                      capture_output=True))
            print(f"\n`{' '.join(command[1:])}`: {seconds:.2f} s wall (process start included)")
        finally:
            services.stop()


if __name__ == "__main__":
    main()
