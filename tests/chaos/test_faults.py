"""Faults injected while comments flow through ingest → worker → archive sink → S3: nothing
is lost, the sink archives no Kafka record twice, ``civicmod archive verify`` passes, and
while S3 is away the sink waits (back-pressure), says why, and its memory stays bounded.

Each test ingests ``CHAOS_COMMENTS`` comments (5,000 here, 50,000 under ``make chaos``) on a
stack of this module's own (its broker is restarted, which the shared one must not be).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from civicmod.stack.embedded import (
    EmbeddedServices,
    child_environment,
    free_port_settings,
    start_embedded,
)
from civicmod.stack.supervisor import write_endpoints
from pipeline.settings import Settings
from tests.chaos.faults import BrokerRestart, Fault, S3Outage, SinkKills, WorkerKills, stop_all
from tests.chaos.proxy import TcpProxy
from tests.chaos.run import COMMENTS, RATE, Ingest, Pipeline, RssSampler, finish, inputs
from tests.chaos.seaweed import SmallSeaweed
from tests.chaos.tally import Tally
from tests.integration.helpers import isolated, scrape

pytestmark = [pytest.mark.integration, pytest.mark.chaos]

OUTAGE_SECONDS = float(os.environ.get("CHAOS_OUTAGE_SECONDS", "10"))
FULL_SECONDS = float(os.environ.get("CHAOS_FULL_SECONDS", "10"))
FULL_RATE = float(os.environ.get("CHAOS_FULL_RATE", "500"))
each_alone = pytest.mark.skipif(
    os.environ.get("CHAOS_EACH") != "1",
    reason="each fault alone runs under `make chaos` (CHAOS_EACH=1); `make test` runs them "
           "at once (test_everything_at_once)")
tansu_loses_records = pytest.mark.xfail(
    strict=False,
    reason="Tansu can lose records it acknowledged just before a restart while clients are "
           "connected (docs/reliability.md, Faults): comments missing from comments.raw")
RSS_GROWTH_MB = 40.0  # the most the sink may grow while S3 is away


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[EmbeddedServices, Settings]]:
    """A stack of this module's own, on 4 partitions."""
    services, effective = start_embedded(
        free_port_settings(tmp_path_factory.mktemp("chaos"), partitions=4))
    try:
        yield services, effective
    finally:
        services.stop()


@dataclass
class Run:
    """What a fault factory may act on."""

    services: EmbeddedServices
    settings: Settings
    pipeline: Pipeline
    proxy: TcpProxy
    ingest: Ingest


def _archived(url: str) -> float:
    samples = scrape(url)
    return sum(v for (name, _), v in samples.items() if name == "civicmod_archive_records_total")


def chaos(name: str, stack: tuple[EmbeddedServices, Settings],
          faults: Callable[[Run], list[Fault]], seed: int, archive: Settings | None = None,
          comments: int = COMMENTS, rate: float = RATE,
          ) -> tuple[Tally, list[Fault], Run, RssSampler]:
    """Run the pipeline with ``faults`` over ``comments`` comments; return the figures.

    The sink reaches S3 through a proxy; ``archive`` (S3 settings and state directory of
    another SeaweedFS) replaces the stack's own archive.
    """
    services, effective = stack
    settings = isolated(effective, f"{name}-{int(time.time())}")
    if archive is not None:
        settings = settings.model_copy(update={"s3": archive.s3, "embedded": archive.embedded})
    port = urlparse(settings.s3.endpoint_url).port
    assert port is not None
    proxy = TcpProxy(("127.0.0.1", port)).start()
    sink_settings = settings.model_copy(
        update={"s3": settings.s3.model_copy(update={"endpoint_url": proxy.url})})
    lines, ids, dead = inputs(comments, seed)
    pipeline = Pipeline(name, settings, sink_settings)
    rss = RssSampler(pipeline)
    phases = [time.monotonic()]
    try:
        pipeline.start()
        phases.append(time.monotonic())
        rss.thread.start()
        ingest = Ingest(settings, lines, rate)
        run = Run(services, settings, pipeline, proxy, ingest)
        injected = faults(run)
        started = time.monotonic()
        for fault in injected:
            fault.start()
        ingest.thread.start()
        ingest.thread.join(timeout=ingest.seconds + 600)
        phases.append(time.monotonic())
        stop_all(injected)
        phases.append(time.monotonic())
        assert ingest.error is None, f"the ingest failed: {ingest.error!r}"
        counts = ingest.counts
        assert (counts.accepted, counts.dead_lettered) == (len(ids), len(dead))
        tally = finish(name, started, pipeline, settings, ids, dead, rss)
        phases.append(time.monotonic())
        print("phases (start, ingest, faults stopped, settled+counted):",
              [round(b - a, 1) for a, b in itertools.pairwise(phases)])
        for fault in injected:
            print("\n".join(fault.log))
    finally:
        rss.stopped.set()
        pipeline.stop()
        proxy.stop()
    assert tally.missing == 0 and tally.dead_missing == 0, tally.line()
    assert tally.records_twice == 0, "the sink archived a Kafka record twice"
    assert tally.verified, "civicmod archive verify failed"
    return tally, injected, run, rss


@each_alone
def test_worker_sigkilled_every_10_s(chaos_stack: tuple[EmbeddedServices, Settings]) -> None:
    _, faults, _, _ = chaos("worker-kill", chaos_stack,
                                lambda run: [WorkerKills(run.pipeline, every=10)], seed=151)
    kills = faults[0]
    assert isinstance(kills, WorkerKills) and kills.kills >= 1
    # At-least-once (docs/decisions/0003): a batch killed before its commit is moderated
    # again, so ``tally.duplicated`` may be above 0; nothing may be missing (checked above).


@each_alone
def test_sink_sigkilled_at_random_points(chaos_stack: tuple[EmbeddedServices, Settings]
                                         ) -> None:
    tally, faults, run, _ = chaos("sink-kill", chaos_stack,
                                  lambda run: [SinkKills(run.pipeline)], seed=152)
    assert isinstance(faults[0], SinkKills) and faults[0].kills >= 2
    assert run.pipeline.sink_starts >= 2
    assert tally.duplicated == 0 and tally.dead_duplicated == 0, tally.line()


@each_alone
@tansu_loses_records
def test_broker_stopped_and_restarted(chaos_stack: tuple[EmbeddedServices, Settings]) -> None:
    def broker(run: Run) -> list[Fault]:
        return [BrokerRestart(run.services, run.settings, at=run.ingest.seconds / 3)]

    chaos("broker-restart", chaos_stack, broker, seed=153)


@each_alone
def test_s3_unreachable_the_sink_waits_says_why_and_stays_small(
    chaos_stack: tuple[EmbeddedServices, Settings],
) -> None:
    seen: dict[str, object] = {}

    def outage(run: Run) -> list[Fault]:
        def during() -> None:
            seen["archived"] = _archived(run.pipeline.sink_url)
            seen["status"] = _status(run.settings, run.pipeline.sink_url)

        return [S3Outage(run.pipeline, at=run.ingest.seconds / 4, seconds=OUTAGE_SECONDS,
                         begin=run.proxy.cut, end=run.proxy.restore, during=during)]

    tally, faults, _, rss = chaos("s3-outage", chaos_stack, outage, seed=154)
    assert tally.duplicated == 0 and tally.dead_duplicated == 0, tally.line()
    _waited_and_stayed_small(faults[0], rss, seen, "S3 unreachable")


def _waited_and_stayed_small(fault: Fault, rss: RssSampler, seen: dict[str, object],
                             reason: str) -> None:
    """While S3 failed: the sink archived nothing, said why it waits (metrics and ``civicmod
    status``), retried, and its memory stayed within ``RSS_GROWTH_MB``."""
    assert isinstance(fault, S3Outage) and fault.window is not None
    assert any(reason in line for line in fault.reasons), fault.reasons
    assert f"sink waiting: {reason}" in str(seen["status"]), seen["status"]
    retries = [int(line.rsplit(", ", 1)[1].split()[0]) for line in fault.reasons]
    assert max(retries) >= 2, "the sink did not retry"
    start, end = fault.window
    during = rss.between(start, end)
    print(f"sink RSS while S3 failed: {during[0]:.0f} MB at the start, peak {max(during):.0f} MB")
    assert max(during) - during[0] < RSS_GROWTH_MB, during


def _status(settings: Settings, sink_url: str) -> str:
    """``civicmod status`` as an operator runs it, with the sink listed in endpoints.json."""
    port = int(sink_url.rsplit(":", 1)[1])
    write_endpoints(settings, {"sink": port})
    env = {**os.environ, **child_environment(settings), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "civicmod.cli", "status"], env=env,
                          capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def _everything(broker: bool) -> Callable[[Run], list[Fault]]:
    def faults(run: Run) -> list[Fault]:
        seconds = run.ingest.seconds
        injected: list[Fault] = [
            WorkerKills(run.pipeline, every=10), SinkKills(run.pipeline, seed=7),
            S3Outage(run.pipeline, at=seconds / 5, seconds=OUTAGE_SECONDS,
                     begin=run.proxy.cut, end=run.proxy.restore)]
        if broker:
            injected.append(BrokerRestart(run.services, run.settings, at=seconds / 2))
        return injected

    return faults


def test_everything_at_once(chaos_stack: tuple[EmbeddedServices, Settings]) -> None:
    """Worker and sink SIGKILLs and an S3 outage together (the broker: the next test)."""
    _, faults, _, _ = chaos("all-but-broker", chaos_stack, _everything(False), seed=155)
    outage = faults[2]
    assert isinstance(outage, S3Outage) and outage.window is not None


@each_alone
@tansu_loses_records
def test_everything_at_once_with_a_broker_restart(
    chaos_stack: tuple[EmbeddedServices, Settings],
) -> None:
    chaos("all-at-once", chaos_stack, _everything(True), seed=157)


def test_s3_full_the_sink_waits_and_loses_nothing(
    chaos_stack: tuple[EmbeddedServices, Settings], tmp_path: Path,
) -> None:
    """The archive on a SeaweedFS of its own with room for 2 volumes of 1 MB, filled up
    before the run; ``CHAOS_FULL_SECONDS`` in, a second volume server adds room."""
    _, effective = chaos_stack
    small = SmallSeaweed(tmp_path, effective).start()
    seen: dict[str, object] = {}
    comments = max(COMMENTS, int(FULL_RATE * FULL_SECONDS))
    try:
        refused = small.fill()
        print(f"\na full SeaweedFS refuses a PUT with HTTP {refused}")

        def full(run: Run) -> list[Fault]:
            def during() -> None:
                seen["status"] = _status(run.settings, run.pipeline.sink_url)

            return [S3Outage(run.pipeline, at=0, seconds=FULL_SECONDS, begin=lambda: None,
                             end=small.add_volume_server, during=during)]

        tally, faults, _, rss = chaos("s3-full", chaos_stack, full, seed=156,
                                      archive=small.settings, comments=comments,
                                      rate=FULL_RATE)
    finally:
        small.stop()
    assert tally.duplicated == 0 and tally.dead_duplicated == 0, tally.line()
    _waited_and_stayed_small(faults[0], rss, seen, "S3 refusing writes")
