"""One chaos run: N comments through ingest, the Faust worker and the archive sink, as child
processes on a real broker and S3, while faults are injected; then the archive is counted.

Sizes come from the environment: ``CHAOS_COMMENTS`` (default 5,000; ``make chaos`` 50,000)
sent at ``CHAOS_RATE`` per second (default 500). Every ``DEAD_EVERY``-th input line is not
a comment, so it becomes a dead letter. ``CHAOS_REPORT`` names a JSON Lines file that
receives each run's figures (docs/reliability.md is written from it).
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from civicmod.demo import generate_comments
from civicmod.stack.ports import free_port
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.supervisor import civicmod_process
from civicmod.status import committed_offsets, true_end_offsets
from pipeline.ingest import CommentProducer, IngestCounts, ingest_stream
from pipeline.settings import IngestSettings, MetricsSettings, Settings
from tests.chaos.tally import Tally, count_archive, locate
from tests.integration.crashing_sink import crashing_sink
from tests.integration.helpers import wait_ready

COMMENTS = int(os.environ.get("CHAOS_COMMENTS", "5000"))
RATE = float(os.environ.get("CHAOS_RATE", "500"))
DEAD_EVERY = 50
SETTLE_SECONDS = float(os.environ.get("CHAOS_SETTLE_SECONDS", "240"))


def inputs(count: int, seed: int) -> tuple[list[bytes], set[str], set[str]]:
    """``count`` JSON lines; the comment ids and dead-letter sources they must end as."""
    lines: list[bytes] = []
    ids: set[str] = set()
    dead: set[str] = set()
    for number, comment in enumerate(generate_comments(count, seed=seed), start=1):
        if number % DEAD_EVERY == 0:
            lines.append(json.dumps({"not": "a comment", "n": number}).encode())
            dead.add(f"chaos.jsonl:{number}")
        else:
            lines.append(json.dumps(comment).encode())
            ids.add(str(comment["id"]))
    return lines, ids, dead


class PacedLines(io.RawIOBase):
    """A raw byte stream of JSON lines that gives them out at ``rate`` lines per second."""

    def __init__(self, lines: list[bytes], rate: float) -> None:
        super().__init__()
        self.lines = iter(lines)
        self.rate = rate
        self.sent = 0
        self.rest = b""
        self.started = time.monotonic()

    def readable(self) -> bool:
        """A source stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy (the rest of) the next line, once its time has come; 0 at the end."""
        if not self.rest:
            line = next(self.lines, None)
            if line is None:
                return 0
            self.sent += 1
            time.sleep(max(0.0, self.started + self.sent / self.rate - time.monotonic()))
            self.rest = line + b"\n"
        size = min(len(buffer), len(self.rest))
        buffer[:size] = self.rest[:size]
        self.rest = self.rest[size:]
        return size


class Pipeline:
    """The worker and the archive sink of one run, each restartable by the faults.

    ``sink_settings`` may differ from ``settings`` in where the archive is (a proxy, another
    SeaweedFS); the worker only talks to the broker.
    """

    def __init__(self, name: str, settings: Settings, sink_settings: Settings) -> None:
        self.name = name
        self.settings = settings
        worker_port, sink_port = free_port(), free_port()
        self.worker_url = f"http://127.0.0.1:{worker_port}"
        self.sink_url = f"http://127.0.0.1:{sink_port}"
        self.sink_settings = sink_settings.model_copy(
            update={"metrics": MetricsSettings(port=sink_port)})
        self.worker = civicmod_process(
            f"{name}-worker", ["worker"],
            settings.model_copy(update={"metrics": MetricsSettings(port=worker_port)}))
        self.sink = self._plain_sink()
        self.sink_starts = 0
        self.lock = threading.Lock()

    def _plain_sink(self) -> ManagedProcess:
        return civicmod_process(f"{self.name}-sink", ["sink"], self.sink_settings)

    def start(self) -> None:
        """Start both and wait until they are ready (joined their groups)."""
        self.worker.start()
        self.sink.start()
        wait_ready([self.worker_url, self.sink_url], 120)

    def restart_sink(self, kill_after_put: int | None = None) -> None:
        """SIGKILL the sink (if alive) and start it again: the plain one, or one that kills
        itself right after its ``kill_after_put``-th PUT (before it can commit)."""
        with self.lock:
            self.sink.kill()
            self.sink = (self._plain_sink() if kill_after_put is None else crashing_sink(
                f"{self.name}-crashing-sink", self.sink_settings, kill_after_put))
            self.sink.start()
            self.sink_starts += 1

    def stop(self) -> None:
        """Stop both (by PID)."""
        self.worker.stop()
        self.sink.stop()


class RssSampler:
    """Samples the current sink's resident memory (MB) every ``every`` seconds."""

    def __init__(self, pipeline: Pipeline, every: float = 0.25) -> None:
        self.pipeline = pipeline
        self.every = every
        self.samples: list[tuple[float, float]] = []  # (monotonic time, MB)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="rss")

    def _run(self) -> None:
        while not self.stopped.wait(self.every):
            rss = rss_mb(self.pipeline.sink.pid)
            if rss is not None:
                self.samples.append((time.monotonic(), rss))

    def between(self, start: float, end: float) -> list[float]:
        """The samples taken from ``start`` to ``end``."""
        return [mb for at, mb in self.samples if start <= at <= end]


def rss_mb(pid: int | None) -> float | None:
    """The resident memory of ``pid`` in MB (None when it is gone)."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


class Ingest:
    """``ingest_stream`` of the run's lines in a thread, paced at ``rate``."""

    def __init__(self, settings: Settings, lines: list[bytes], rate: float) -> None:
        ingest = IngestSettings(chunk_records=250, broker_wait_seconds=300)
        self.settings = settings.model_copy(update={"ingest": ingest})
        self.lines = lines
        self.rate = rate
        self.counts = IngestCounts()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="ingest")

    def _run(self) -> None:
        try:
            producer = CommentProducer(self.settings)
            stream = io.BufferedReader(PacedLines(self.lines, self.rate))
            for counts in ingest_stream(producer, stream, "chaos.jsonl", "jsonl"):
                self.counts = counts
            producer.close()
        except BaseException as exc:  # reported by the test
            self.error = exc

    @property
    def seconds(self) -> float:
        """How long the paced ingest takes at least."""
        return len(self.lines) / self.rate


def unsettled(settings: Settings) -> list[str]:
    """What the worker has not committed of ``comments.raw`` and the sink of what it archives
    (partition, committed, end); empty once the pipeline has settled."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers,
                             enable_auto_commit=False, request_timeout_ms=5000)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers,
                             request_timeout_ms=5000)
    try:
        topics = settings.topics
        archived = [topics.verdicts, topics.deadletter, topics.actions, topics.sanctions,
                    topics.platform, topics.audit]
        parts = {topic: [TopicPartition(topic, p)
                         for p in sorted(consumer.partitions_for_topic(topic) or ())]
                 for topic in [topics.raw, *archived]}
        ends = true_end_offsets(consumer, [tp for tps in parts.values() for tp in tps])
        worker = committed_offsets(admin, settings.worker.app_id)
        sink = committed_offsets(admin, settings.sink.group_id)
        behind = [f"worker {tp.topic}[{tp.partition}] {worker.get(tp, 0)}/{ends[tp]}"
                  for tp in parts[topics.raw] if worker.get(tp, 0) < ends[tp]]
        return behind + [f"sink {tp.topic}[{tp.partition}] {sink.get(tp, 0)}/{ends[tp]}"
                         for topic in archived for tp in parts[topic]
                         if sink.get(tp, 0) < ends[tp]]
    finally:
        consumer.close()
        admin.close()


def wait_settled(settings: Settings, timeout: float = SETTLE_SECONDS) -> None:
    """Poll until nothing is :func:`unsettled`; fail after ``timeout`` saying what is not."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            behind = unsettled(settings)
        except Exception as exc:  # the broker is not answering (yet)
            behind = [f"broker: {type(exc).__name__}"]
        if not behind:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the pipeline did not settle within {timeout:.0f}s: {behind}")
        time.sleep(1.0)


def finish(fault: str, started: float, pipeline: Pipeline, archive_settings: Settings,
           ids: set[str], dead: set[str], rss: RssSampler) -> Tally:
    """Wait until settled, count the archive, print and record the figures."""
    wait_settled(pipeline.settings)
    counting = time.monotonic()
    tally = count_archive(fault, archive_settings, ids, dead)
    print(f"settled after {counting - started:.0f}s; counted and verified in "
          f"{time.monotonic() - counting:.0f}s")
    tally.seconds = time.monotonic() - started
    peak = max((mb for _, mb in rss.samples), default=0.0)
    tally.sink_rss_peak_mb = round(peak, 1)
    print(f"\n{tally.line()}")
    if tally.missing:
        print("missing:", locate(archive_settings, ids - tally.ids, len(ids) + len(dead)))
    report = os.environ.get("CHAOS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps(tally.as_json()) + "\n")
    return tally

