"""Soak and throughput run of the moderation worker on the real embedded stack.

Starts SeaweedFS + Tansu on free ports, a Faust worker and the archive sink as child
processes, then sends demo comments in rounds. After each round it waits until the worker
has produced every verdict (counted by consuming, since Tansu's end offsets are not exact) and
samples the worker's RSS from /proc. Reports throughput per round and RSS growth, to catch the
memory growth and stalls reported for faust-streaming (issues #247, #175).

    .venv/bin/python -m benchmarks.soak_worker --rounds 10 --per-round 20000

Bounded: at most ``rounds * per_round`` comments and ``--timeout`` seconds per round.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from civicmod.demo import generate_comments
from civicmod.stack.embedded import free_port_settings, start_embedded
from civicmod.stack.supervisor import civicmod_process
from pipeline.ingest import CommentProducer, IngestCounts


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    """Run the soak and print one line per round."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="civicmod-soak-"))
    services, effective = start_embedded(free_port_settings(state))
    worker = civicmod_process("soak-worker", ["worker"], effective)
    sink = civicmod_process("soak-sink", ["sink"], effective)
    worker.start()
    sink.start()
    consumer = KafkaConsumer(bootstrap_servers=effective.kafka.bootstrap_servers,
                             enable_auto_commit=False)
    partitions = [TopicPartition(effective.topics.verdicts, p)
                  for p in range(effective.kafka.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    seen = 0
    try:
        producer = CommentProducer(effective)
        for round_number in range(1, args.rounds + 1):
            counts = IngestCounts()
            started = time.monotonic()
            for item in generate_comments(args.per_round, seed=round_number):
                producer.accept_object(item, "soak", counts)
            producer.flush()
            produced = time.monotonic() - started
            target = round_number * args.per_round
            while seen < target and time.monotonic() - started < args.timeout:
                seen += sum(len(b) for b in consumer.poll(timeout_ms=500).values())
            elapsed = time.monotonic() - started
            assert worker.pid is not None
            print(f"round {round_number}: {seen} verdicts, "
                  f"{args.per_round / elapsed:,.0f} comments/s end to end "
                  f"(sending took {produced:.1f}s of {elapsed:.1f}s), "
                  f"worker RSS {rss_mib(worker.pid):.0f} MiB", flush=True)
            if seen < target:
                print(f"STALLED: {target - seen} verdicts missing after {args.timeout:.0f}s")
                break
        producer.close()
    finally:
        consumer.close()
        sink.stop()
        worker.stop()
        services.stop()


if __name__ == "__main__":
    main()
