"""Issue 17 on the real embedded stack: produce batch sizes and kafka-python's CRC32C.

Each comparison runs both sides in the same run, alternating, on one Tansu + SeaweedFS:

1. ingest: ``CommentProducer`` (kafka-python) with 16 KiB batches (the old default) against
   ``ingest.producer_batch_bytes`` = 1 MiB: comments/s, and S3 objects Tansu wrote per
   1,000 comments (Tansu stores every produce batch as one object);
2. sink consumer: a kafka-python consumer reading the same records with its pure-Python
   CRC32C (what ran without the ``crc32c`` package) against the ``crc32c`` package;
3. worker: the Faust moderation worker (child process, started and ready first) moderating
   ``--comments`` sent at once, ``worker.producer_max_batch_size`` 16 KiB against 1 MiB:
   verdicts/s from the first verdict to the last.

    .venv/bin/python -m benchmarks.bench_batches --comments 20000 --repeat 2
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import kafka.record.default_records as default_records
from kafka import KafkaConsumer, TopicPartition
from kafka.record import util as record_util

from civicmod.demo import generate_comments
from civicmod.stack import credentials
from civicmod.stack.embedded import free_port_settings, start_embedded
from civicmod.stack.supervisor import civicmod_process
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import (
    IngestSettings,
    Settings,
    TopicSettings,
    WorkerSettings,
)
from pipeline.topics import create_topics
from sinks.s3 import s3_client

OLD_BATCH = 16_384
NEW_BATCH = 1_048_576


def topic_set(settings: Settings, name: str, **worker: Any) -> Settings:
    """Settings with topics and a Faust app id of their own."""
    topics = TopicSettings(**{f: f"{name}.{d}" for f, d in TopicSettings().model_dump().items()})
    updated = settings.model_copy(update={
        "topics": topics,
        "worker": WorkerSettings(app_id=f"{name}-moderation", **worker),
    })
    create_topics(updated)
    return updated


def broker_objects(settings: Settings) -> int:
    """How many objects Tansu keeps in its bucket."""
    keys = credentials.load_or_create(settings.embedded.state_dir)["admin"]
    client = s3_client(settings.s3, keys.access_key, keys.secret_key)
    count = 0
    for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=settings.embedded.broker_bucket):
        count += len(page.get("Contents", []))
    return count


def ingest(settings: Settings, batch: int, count: int, seed: int) -> tuple[float, int]:
    """Send ``count`` demo comments with ``batch``-byte batches: (comments/s, S3 objects)."""
    ingest_settings = IngestSettings(producer_batch_bytes=batch)
    settings = settings.model_copy(update={"ingest": ingest_settings})
    comments = list(generate_comments(count, seed=seed))
    before = broker_objects(settings)
    producer = CommentProducer(settings)
    counts = IngestCounts()
    started = time.perf_counter()
    for item in comments:
        producer.accept_object(item, "bench", counts)
    producer.close()
    elapsed = time.perf_counter() - started
    return count / elapsed, broker_objects(settings) - before


def consume(settings: Settings, topic: str, expected: int) -> float:
    """Read ``expected`` records of ``topic`` from the start: records/s."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers,
                             enable_auto_commit=False, max_poll_records=1000)
    partitions = [TopicPartition(topic, p) for p in range(settings.kafka.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    seen = 0
    started = time.perf_counter()
    while seen < expected and time.perf_counter() - started < 300:
        seen += sum(len(b) for b in consumer.poll(timeout_ms=500).values())
    elapsed = time.perf_counter() - started
    consumer.close()
    return seen / elapsed


def crc_rates(settings: Settings, topic: str, expected: int) -> tuple[float, float]:
    """Consume ``topic`` with kafka-python's pure-Python CRC32C, then with the package."""
    fast = default_records.calc_crc32c
    default_records.calc_crc32c = functools.partial(
        record_util.calc_crc32c, _crc32c=record_util.crc32c_py)
    try:
        pure = consume(settings, topic, expected)
    finally:
        default_records.calc_crc32c = fast
    return pure, consume(settings, topic, expected)


def drain(settings: Settings, name: str, batch: int, count: int) -> float:
    """Start a worker with ``batch``, then send ``count`` comments: verdicts/s from the first
    verdict to the last (sending 1 MiB batches is far faster than the worker drains them)."""
    own = topic_set(settings, name, producer_max_batch_size=batch)
    consumer = KafkaConsumer(bootstrap_servers=own.kafka.bootstrap_servers,
                             enable_auto_commit=False)
    partitions = [TopicPartition(own.topics.verdicts, p) for p in range(own.kafka.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    worker = civicmod_process(f"{name}-worker", ["worker"], own)
    worker.start()
    try:
        deadline = time.perf_counter() + 120
        while "loaded" not in worker.log_path.read_text(errors="replace"):
            if time.perf_counter() > deadline or not worker.alive():
                raise RuntimeError(f"worker not ready; see {worker.log_path}")
            time.sleep(0.2)
        producer = CommentProducer(own.model_copy(update={
            "ingest": IngestSettings(producer_batch_bytes=NEW_BATCH)}))
        counts = IngestCounts()
        for item in generate_comments(count, seed=17):
            producer.accept_object(item, "bench", counts)
        producer.close()
        seen, first_at = 0, None
        deadline = time.perf_counter() + 600
        while seen < count and time.perf_counter() < deadline:
            got = sum(len(b) for b in consumer.poll(timeout_ms=200).values())
            if got and first_at is None:
                first_at = time.perf_counter()  # the clock starts at the first verdicts
            seen += got
        elapsed = time.perf_counter() - (first_at or time.perf_counter())
        return seen / elapsed if elapsed > 0 else 0.0
    finally:
        worker.stop()
        consumer.close()


def main() -> None:
    """Run the three comparisons and print one line each, with ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="civicmod-bench-batches-"))
    os.chdir(state)  # Faust's data directory goes there, not into the repository
    services, effective = start_embedded(free_port_settings(state))
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"load {os.getloadavg()[0]:.1f}; {args.comments} comments, {args.repeat} repeats")
    try:
        rates: dict[int, list[float]] = {OLD_BATCH: [], NEW_BATCH: []}
        objects: dict[int, list[int]] = {OLD_BATCH: [], NEW_BATCH: []}
        bench = topic_set(effective, "bench")
        for n in range(args.repeat):
            for batch in (OLD_BATCH, NEW_BATCH) if n % 2 == 0 else (NEW_BATCH, OLD_BATCH):
                rate, made = ingest(bench, batch, args.comments, seed=n)
                rates[batch].append(rate)
                objects[batch].append(made)
        old, new = (statistics.median(rates[b]) for b in (OLD_BATCH, NEW_BATCH))
        per = {b: 1000 * statistics.median(objects[b]) / args.comments for b in objects}
        print(f"ingest producer 16 KiB batches {old:,.0f} comments/s, "
              f"{per[OLD_BATCH]:.1f} S3 objects per 1,000; 1 MiB {new:,.0f} comments/s, "
              f"{per[NEW_BATCH]:.1f} per 1,000; ratio {new / old:.2f}x")

        total = 2 * args.repeat * args.comments
        pure, fast = zip(*(crc_rates(bench, bench.topics.raw, total)
                           for _ in range(args.repeat)), strict=True)
        p, f = statistics.median(pure), statistics.median(fast)
        print(f"kafka-python consumer, {total} records: pure-Python CRC32C {p:,.0f} records/s, "
              f"crc32c package {f:,.0f} records/s; ratio {f / p:.2f}x")

        if not args.skip_worker:
            drains: dict[int, list[float]] = {OLD_BATCH: [], NEW_BATCH: []}
            for n in range(args.repeat):
                for batch in (OLD_BATCH, NEW_BATCH) if n % 2 == 0 else (NEW_BATCH, OLD_BATCH):
                    drains[batch].append(drain(effective, f"drain{n}-{batch}", batch,
                                               args.comments))
            old, new = (statistics.median(drains[b]) for b in (OLD_BATCH, NEW_BATCH))
            print(f"Faust worker drain: producer_max_batch_size 16 KiB {old:,.0f} verdicts/s, "
                  f"1 MiB {new:,.0f} verdicts/s; ratio {new / old:.2f}x "
                  f"(runs: {drains})")
    finally:
        services.stop()


if __name__ == "__main__":
    main()
