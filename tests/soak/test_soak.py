"""Soak: a steady 500 comments/s through ingest → Faust worker → sink → SeaweedFS.

``SOAK_SECONDS`` of load (180 in ``make test``, 1,800 in ``make soak``) from a separate loader
process (``benchmarks.bench_pipeline.load``), then the test waits for both consumer groups'
lag to reach zero. It asserts what faust-streaming has been reported to break: the worker's
memory stays flat (#247), the worker and the sink keep committing while the load runs (#175),
the lag returns to zero, and every comment sent is archived exactly once. It prints its
figures (run with ``-s``).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from kafka import KafkaAdminClient

from benchmarks.bench_pipeline import load, rss_mib
from civicmod.status import collect_status, committed_offsets
from pipeline.settings import Settings
from sinks.reader import archived_lines
from tests.integration.helpers import archive_store, isolated, start, wait_for

pytestmark = pytest.mark.integration

SECONDS = float(os.environ.get("SOAK_SECONDS", "180"))
RATE = float(os.environ.get("SOAK_RATE", "500"))
WARM_UP = min(30.0, SECONDS / 6)
"""RSS "start" is taken this long into the load: the first batches load lazily built state
(vectorizer caches, Faust's buffers), which is not growth."""
GROWTH_MIB = 40.0
"""Allowed RSS growth from start to end and from start to peak. A leak of 0.5 KiB per comment
(a few retained strings, as in faust-streaming #247) adds 44 MiB over the 3-minute soak and
440 MiB over the 30-minute one; the allocator's jitter seen here is a few MiB."""
SLACK = max(30.0, SECONDS / 20)
"""How far behind the pace the loader may fall (a busy machine) before it stops sending."""
STALL_SECONDS = 30.0
"""Longest time either group may go without committing while the load runs (faust #175)."""
SAMPLE_SECONDS = 1.0
DRAIN_SECONDS = 180.0


@dataclass
class Figures:
    """What the soak measured: RSS series per process and commit progress per group."""

    rss: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    commits: dict[str, list[tuple[float, int]]] = field(default_factory=dict)

    def record(self, now: float, pids: dict[str, int], totals: dict[str, int]) -> None:
        for name, pid in pids.items():
            self.rss.setdefault(name, []).append((now, rss_mib(pid)))
        for group, total in totals.items():
            self.commits.setdefault(group, []).append((now, total))

    def at(self, name: str, moment: float) -> float:
        """The first RSS sample of ``name`` at or after ``moment``."""
        return next(v for t, v in self.rss[name] if t >= moment)

    def series(self, name: str, until: float, points: int = 11) -> list[int]:
        """RSS of ``name`` at ``points`` evenly spaced moments of the load, rounded."""
        return [round(self.at(name, until * n / (points - 1) - SAMPLE_SECONDS))
                for n in range(points)]

    def peak(self, name: str, since: float) -> float:
        return max(v for t, v in self.rss[name] if t >= since)

    def longest_stall(self, group: str, until: float) -> float:
        """The longest time ``group``'s committed total stayed the same before ``until``."""
        longest, since, last = 0.0, 0.0, -1
        for t, total in self.commits[group]:
            if t > until:
                break
            if total != last:
                since, last = t, total
            longest = max(longest, t - since)
        return longest


def _committed_total(admin: KafkaAdminClient, group: str, topic: str) -> int:
    return sum(offset for tp, offset in committed_offsets(admin, group).items()
               if tp.topic == topic)


def _drained(settings: Settings, admin: KafkaAdminClient, groups: dict[str, tuple[str, str]],
             ) -> dict[str, int] | None:
    """Each group's lag (``civicmod status``) once both are at zero and both have committed
    every record of their main topic (a partition never committed has no lag); else None."""
    status = collect_status(settings, count_archive=False)
    if any(status.lag.values()):
        return None
    for group, topic in groups.values():
        if _committed_total(admin, group, topic) < status.end_offsets.get(topic, 0):
            return None
    return status.lag


@pytest.mark.timeout(SECONDS + SLACK + DRAIN_SECONDS + 300)
def test_steady_load_keeps_memory_flat_commits_moving_and_lag_returning_to_zero(
    stack: Settings,
) -> None:
    settings = isolated(stack, f"soak{int(SECONDS)}")
    count = int(SECONDS * RATE)
    worker = start("soak-worker", ["worker"], settings)
    sink = start("soak-sink", ["sink"], settings)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    groups = {"worker": (settings.worker.app_id, settings.topics.raw),
              "sink": (settings.sink.group_id, settings.topics.verdicts)}
    try:
        wait_for(lambda: "loaded" in worker.log_path.read_text(errors="replace"), 120,
                 "the worker to join its group")
        assert worker.pid is not None and sink.pid is not None
        pids = {"worker": worker.pid, "sink": sink.pid}
        figures = Figures()
        rest = {name: rss_mib(pid) for name, pid in pids.items()}
        loader = threading.Thread(target=load, args=(settings, count, RATE, "soak",
                                                     SECONDS + SLACK))
        began = time.monotonic()
        loader.start()
        while loader.is_alive():
            assert worker.alive() and sink.alive(), "a pipeline process died under load"
            figures.record(time.monotonic() - began, pids, {
                name: _committed_total(admin, group, topic)
                for name, (group, topic) in groups.items()})
            time.sleep(SAMPLE_SECONDS)
        loaded = time.monotonic() - began
        loader.join()

        deadline = time.monotonic() + DRAIN_SECONDS
        while (lag := _drained(settings, admin, groups)) is None \
                and time.monotonic() < deadline:
            time.sleep(SAMPLE_SECONDS)
        drained = time.monotonic() - began - loaded
        # what reached comments.raw: exact once the worker has committed all of it (lag 0)
        sent = _committed_total(admin, *groups["worker"])
        figures.record(time.monotonic() - began, pids, {})
        ids = Counter(line["record"]["comment"]["id"]
                      for line in archived_lines(archive_store(settings), settings.topics.verdicts))
    finally:
        admin.close()
        sink.stop()
        worker.stop()

    duplicated = sum(n - 1 for n in ids.values())
    start_rss = {name: figures.at(name, WARM_UP) for name in pids}
    peak_rss = {name: figures.peak(name, WARM_UP) for name in pids}
    end_rss = {name: figures.rss[name][-1][1] for name in pids}
    stalls = {name: figures.longest_stall(name, loaded) for name in groups}
    print(f"\nsoak: {SECONDS:.0f} s at {RATE:.0f}/s offered, {count} comments; {sent} sent in "
          f"{loaded:.0f} s ({sent / loaded:.0f}/s); lag {'0' if lag is not None else 'NOT 0'} "
          f"{drained:.1f} s after it")
    for name in pids:
        print(f"  {name} RSS MiB: at rest {rest[name]:.0f}, start (+{WARM_UP:.0f} s) "
              f"{start_rss[name]:.0f}, peak {peak_rss[name]:.0f}, end {end_rss[name]:.0f}")
    print(f"  worker RSS MiB every tenth of the load: {figures.series('worker', loaded)}")
    print(f"  longest time without a commit under load: worker {stalls['worker']:.1f} s, "
          f"sink {stalls['sink']:.1f} s")
    print(f"  comments in {sent}, archived {len(ids)}, lost {sent - len(ids)}, "
          f"duplicated {duplicated}")

    assert lag is not None, f"lag not back to zero {DRAIN_SECONDS:.0f} s after the load"
    assert sent == len(ids) and duplicated == 0
    assert sent == count, f"the loader sent {sent} of {count}: the machine fell behind the pace"
    assert all(v < STALL_SECONDS for v in stalls.values()), stalls
    growth = end_rss["worker"] - start_rss["worker"]
    surge = peak_rss["worker"] - start_rss["worker"]
    assert growth <= GROWTH_MIB and surge <= GROWTH_MIB, (start_rss, peak_rss, end_rss)
