"""The end-to-end benchmark runs (a ~10-second smoke load) and reports sane results.

Asserts the shape and consistency of what it measured, never a speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_pipeline_benchmark_measures_every_part(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nkept\n")
    out = tmp_path / "results.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_pipeline", "--smoke", "--json", str(out),
         "--write", str(doc)],
        cwd=REPOSITORY, check=True, timeout=500, capture_output=True,
    )
    results = json.loads(out.read_text())
    rates = results["throughput"]
    assert len(rates) == 2 and all(rate > 0 for rate in rates.values())  # forward, 2 workers
    assert results["sink"] > 0
    stages = results["latency"]["100"]
    assert set(stages) == {"verdict", "flagged", "archived"}
    for stage in ("verdict", "archived"):
        p = stages[stage]
        assert 0 < p["p50"] <= p["p95"] <= p["p99"] < 60
        assert p["n"] == 300  # every comment offered was seen, once
    assert stages["archived"]["p50"] >= stages["verdict"]["p50"]
    workers = {name for run in results["memory"].values() for name in run["rest"]}
    assert {"worker1", "worker2", "sink", "tansu", "seaweedfs"} <= workers
    assert all(0 < mib < 2000 for run in results["memory"].values()
               for mib in run["peak"].values())
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nkept\n")
    assert text.count("<!-- bench_pipeline:start -->") == 1
    assert "forward-only Faust agent" in text
    cpu = results["cpu_ms_per_comment"]["2 worker(s), 1000 at once"]
    assert {"worker1", "worker2", "sink", "tansu", "seaweedfs", "loader"} == set(cpu)
    assert all(ms > 0 for ms in cpu.values())
    assert "ceiling /s" in text
