"""Hostile input on the real stack: through the HTTP endpoint (with its token), the file ingest
(JSON Lines and a broken CSV) and straight onto ``comments.raw``, with a worker and an archive
sink running. Every input ends as exactly one verdict or one dead letter (counted on the
topics), each of those is archived exactly once, no request is answered 5xx and the worker
and the sink stay up.

``FUZZ_INPUTS`` sets the inputs per path (the 50-entry corpus, then seeded generated ones):
200 by default, 10,000 in ``make fuzz``."""

from __future__ import annotations

import asyncio
import io
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from kafka import KafkaProducer
from pydantic import SecretStr

from civicmod.http_ingest import build_http_app
from pipeline.ingest import CommentProducer, csv_rows, ingest_stream
from pipeline.records import DeadLetter, Verdict
from pipeline.settings import Settings
from pipeline.validation import InvalidComment, comment_from_object, parse_comment
from sinks.reader import archived_lines
from tests.fuzz.corpus import BROKEN_CSV, corpus, generated_inputs
from tests.fuzz.corpus import comment as comment_dict
from tests.integration.helpers import archive_store, isolated, read_topic, start, wait_for

pytestmark = pytest.mark.integration

INPUTS = int(os.environ.get("FUZZ_INPUTS", "200"))
"""Inputs per path (HTTP, file, topic): the corpus, then generated ones."""
TOKEN = "fuzz-token-0123456789abcdef"


def valid_raw(raw: bytes, limit: int) -> bool:
    try:
        parse_comment(raw, limit)
    except InvalidComment:
        return False
    return True


def http_fates(body: bytes, limit: int, max_bytes: int) -> tuple[int, int]:
    """(verdicts, dead letters) the endpoint's contract promises for ``body``."""
    if len(body) > max_bytes:
        return 0, 0  # refused with 413: the caller keeps it
    try:
        payload: Any = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return 0, 1
    items = payload if isinstance(payload, list) else [payload]
    valid = 0
    for item in items:
        try:
            comment_from_object(item, limit)
        except InvalidComment:
            continue
        valid += 1
    return valid, len(items) - valid


def post_all(settings: Settings, producer: CommentProducer, bodies: list[bytes]) -> list[int]:
    """POST each body with the token to a real HTTP ingest server; the status codes."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}

    async def run() -> list[int]:
        app = build_http_app(settings, producer)
        async with TestClient(TestServer(app)) as client:
            statuses = []
            for body in bodies:
                response = await client.post("/comments", data=body, headers=headers)
                await response.read()
                statuses.append(response.status)
            return statuses

    return asyncio.run(run())


def archived(settings: Settings, topic: str) -> Counter[tuple[int, int]]:
    """How often each (partition, offset) of ``topic`` is in the archive."""
    return Counter((line["partition"], line["offset"])
                   for line in archived_lines(archive_store(settings), topic))


def fuzz_settings(stack: Settings) -> Settings:
    """Isolated topics; HTTP ingest with a token and a bucket no single run exhausts."""
    config = isolated(stack, "fuzz")
    return config.model_copy(update={"ingest": config.ingest.model_copy(update={
        "http_token": SecretStr(TOKEN), "http_burst": INPUTS + 1})})


def test_every_hostile_input_ends_as_one_verdict_or_one_dead_letter_archived_once(
    stack: Settings, tmp_path: Path
) -> None:
    config = fuzz_settings(stack)
    limit = config.ingest.max_text_chars
    hand = [h.raw for h in corpus()]
    inputs = hand + generated_inputs(max(INPUTS - len(hand), 0), seed=15)
    wait = 60 + len(inputs) / 50  # seconds, for the worker and then the sink
    started = time.monotonic()
    worker = start("fuzz-worker", ["worker"], config)
    sink = start("fuzz-sink", ["sink"], config)
    try:
        # 1. HTTP: one body per input.
        producer = CommentProducer(config)
        statuses = post_all(config, producer, inputs)
        fates = [http_fates(b, limit, config.ingest.max_request_bytes) for b in inputs]
        assert all(s in (202, 400, 413) for s in statuses), sorted(set(statuses))
        assert [s == 413 for s in statuses] == [
            len(b) > config.ingest.max_request_bytes for b in inputs]
        by_name = dict(zip((h.name for h in corpus()), statuses, strict=False))
        # These raised out of the handler (500) or, for UTF-16, were accepted by HTTP only.
        assert [by_name[n] for n in ("deep-array", "huge-int", "utf16-body", "text-1mb")] == [
            400, 400, 400, 413]
        paths = {"HTTP": (sum(v for v, _ in fates), sum(d for _, d in fates))}

        # 2. File ingest: the inputs as JSON Lines (newlines inside made spaces), then the CSV.
        lines = [raw.replace(b"\n", b" ").replace(b"\r", b" ") for raw in inputs]
        lines = [line for line in lines if line.strip(b"\r\n")]
        source = tmp_path / "hostile.jsonl"
        source.write_bytes(b"".join(line + b"\n" for line in lines))
        with source.open("rb") as stream:
            counts = list(ingest_stream(producer, stream, "hostile.jsonl", "jsonl"))[-1]
        assert counts.accepted + counts.dead_lettered == len(lines)
        assert counts.accepted == sum(valid_raw(line, limit) for line in lines)
        csv_counts = list(ingest_stream(producer, io.BytesIO(BROKEN_CSV), "broken.csv", "csv"))
        rows = [raw for raw, _ in csv_rows(io.BytesIO(BROKEN_CSV), "broken.csv")]
        assert csv_counts[-1].accepted + csv_counts[-1].dead_lettered == len(rows) == 7
        producer.close()
        paths["file"] = (counts.accepted, counts.dead_lettered)
        paths["CSV"] = (csv_counts[-1].accepted, csv_counts[-1].dead_lettered)

        # 3. Straight onto comments.raw, unvalidated: the worker must screen them itself.
        direct = KafkaProducer(bootstrap_servers=config.kafka.bootstrap_servers, acks="all",
                               max_request_size=4_194_304)
        for number, raw in enumerate(inputs):
            direct.send(config.topics.raw, key=str(number).encode(), value=raw)
        direct.flush(timeout=30)
        direct.close()
        straight = sum(valid_raw(raw, limit) for raw in inputs)
        paths["topic"] = (straight, len(inputs) - straight)
        verdicts = sum(v for v, _ in paths.values())
        letters = sum(d for _, d in paths.values())

        verdict_messages = read_topic(config, config.topics.verdicts, verdicts, wait)
        letter_messages = read_topic(config, config.topics.deadletter, letters, wait)
        expected = {config.topics.verdicts: verdicts, config.topics.deadletter: letters}

        def settled() -> dict[str, Counter[tuple[int, int]]] | None:
            found = {topic: archived(config, topic) for topic in expected}
            done = all(sum(found[t].values()) >= n for t, n in expected.items())
            return found if done else None

        in_archive = wait_for(settled, wait, "every verdict and dead letter archived")
        assert worker.alive(), f"the worker died; see {worker.log_path}"
        assert sink.alive(), f"the sink died; see {sink.log_path}"
    finally:
        worker.stop()
        sink.stop()

    # A crash the process survived (an agent restarted, a batch dead-lettered whole) still
    # leaves its traceback in the log.
    for process in (worker, sink):
        assert "Traceback" not in process.log_path.read_text(errors="replace"), process.log_path
    print(f"\nhostile inputs: {len(inputs)} per path + {len(rows)} CSV rows; HTTP statuses"
          f" {dict(sorted(Counter(statuses).items()))}; (verdicts, dead letters) by path {paths};"
          f" on the topics {len(verdict_messages)}/{verdicts} verdicts and"
          f" {len(letter_messages)}/{letters} dead letters; in the archive"
          f" {sum(in_archive[config.topics.verdicts].values())} verdicts and"
          f" {sum(in_archive[config.topics.deadletter].values())} dead letters; worker and sink"
          f" up, no traceback in their logs; {time.monotonic() - started:.0f} s")
    assert len(verdict_messages) == verdicts
    assert len(letter_messages) == letters
    for topic, messages in ((config.topics.verdicts, verdict_messages),
                            (config.topics.deadletter, letter_messages)):
        # Each record once in the archive, and nothing else there.
        assert in_archive[topic] == Counter((m.partition, m.offset) for m in messages), topic
    for message in verdict_messages:
        Verdict.model_validate_json(message.value)
    # Each corpus entry that must be refused is dead-lettered byte for byte by the worker
    # (straight path) and by the ingest (file path, when it is one line).
    kept = {DeadLetter.model_validate_json(m.value).raw for m in letter_messages}
    for hostile in corpus():
        if hostile.expect == "deadletter":
            assert hostile.raw in kept, hostile.name


def test_a_10_mb_line_is_dead_lettered_and_the_file_ingest_goes_on(stack: Settings) -> None:
    config = isolated(stack, "fuzz-10mb")
    huge = json.dumps(comment_dict("big", text="a" * 10_000_000)).encode()
    lines = [json.dumps(comment_dict("before")).encode(), huge,
             json.dumps(comment_dict("after")).encode()]
    producer = CommentProducer(config)
    try:
        counts = list(ingest_stream(producer, io.BytesIO(b"\n".join(lines)), "big.jsonl",
                                    "jsonl"))[-1]
    finally:
        producer.close()
    assert (counts.accepted, counts.dead_lettered) == (2, 1)
    raw = read_topic(config, config.topics.raw, 2, 30)
    assert sorted(json.loads(m.value)["id"] for m in raw) == ["h-after", "h-before"]
    (message,) = read_topic(config, config.topics.deadletter, 1, 30)
    letter = DeadLetter.model_validate_json(message.value)
    limit = config.ingest.max_request_bytes
    assert letter.raw == huge[:limit]
    assert letter.error.startswith(f"kept the first {limit} of {len(huge)} bytes (sha256 ")
    assert letter.source == "big.jsonl:2"
