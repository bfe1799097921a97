"""Benchmark: export about 100,000 archived records as a public-records bundle.

Writes 200,000 synthetic archived verdicts (as ``bench_archive_search.py`` does) to its own
SeaweedFS, indexes them, then times ``export_bundle`` for half a year of them in every
format, with and without category-g redaction, and checks each bundle with ``sha256sum -c``.
Run: ``.venv/bin/python benchmarks/bench_archive_export.py [--records N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_archive_search import fill, store_for

from civicmod.stack.embedded import free_port_settings, start_embedded
from sinks.export import export_bundle
from sinks.index import Indexer, connect
from sinks.search import Query
from sinks.series import RetentionSeries
from sinks.verify import Verifier

QUERY = Query(since=date(2026, 1, 1), until=date(2026, 6, 30))


def main() -> None:
    """Fill, index, export in each format; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="civicmod-bench-") as tmp:
        services, settings = start_embedded(free_port_settings(Path(tmp)))
        try:
            fill(settings, args.records)
            db = connect(Path(tmp) / "index.duckdb")
            Indexer(store_for(settings, "officer"), RetentionSeries(settings), db).update()
            verifier = Verifier(store_for(settings, "officer"), RetentionSeries(settings))
            print(f"archive: {args.records} records; query: {QUERY.describe()}\n")
            print("| format | records | redactions | seconds | bundle MB | sha256sum -c |")
            print("| --- | ---: | ---: | ---: | ---: | --- |")
            for fmt, redact in (("csv", False), ("jsonl", False), ("html", False),
                                ("jsonl", True)):
                out = Path(tmp) / f"bundle-{fmt}-{redact}.zip"
                started = time.perf_counter()
                result = export_bundle(db, verifier, QUERY, fmt, out, redact)
                seconds = time.perf_counter() - started
                folder = Path(tmp) / out.stem
                with zipfile.ZipFile(out) as bundle:
                    bundle.extractall(folder)
                check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"],
                                       cwd=folder, check=False).returncode == 0
                print(f"| {fmt}{' --redact-g' if redact else ''} | {result.records:,} | "
                      f"{result.redactions:,} | {seconds:.1f} | "
                      f"{out.stat().st_size / 1e6:.1f} | {'OK' if check else 'FAILED'} |")
        finally:
            services.stop()


if __name__ == "__main__":
    main()
