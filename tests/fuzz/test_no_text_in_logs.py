"""No comment text, author name or personal data in any log: an end-to-end run (HTTP ingest,
worker and archive sink as child processes) fed comments carrying unique marker strings —
clean, flagged, invalid, malformed and sent straight to the topic — then every log file the
processes wrote is searched for every marker."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from kafka import KafkaProducer

from civicmod.stack.ports import free_port
from pipeline.settings import Settings
from sinks.reader import archived_lines
from tests.integration.helpers import archive_store, http_get, isolated, start, wait_for

pytestmark = pytest.mark.integration


def marker(kind: str) -> str:
    return f"MARK{kind}{uuid.uuid4().hex[:12]}"


def comment(n: int, text: str, author_name: str) -> dict[str, Any]:
    return {"id": f"log-{n}", "platform": "facebook", "page": "townofqueencreek",
            "post": "p-1", "author_id": f"u-{n}", "author_name": author_name, "text": text,
            "created_at": "2026-11-25T10:00:00Z"}


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_no_marker_from_any_comment_reaches_any_log(stack: Settings) -> None:
    base = isolated(stack, "logs")
    config = base.model_copy(update={
        "ingest": base.ingest.model_copy(update={"http_port": free_port()})})
    markers: list[str] = []

    def new(kind: str) -> str:
        markers.append(marker(kind))
        return markers[-1]

    bodies: list[bytes] = []
    for n in range(6):  # clean
        bodies.append(json.dumps(comment(n, f"When does the market open? {new('TEXT')}",
                                         f"Jane {new('AUTHOR')}")).encode())
    card = "4111 1111 1111 1111"
    ssn = "078-05-1120"
    markers.extend([card, card.replace(" ", ""), ssn])
    flagged = [  # vulgar, personal data, a threat: flagged with evidence
        f"This sh1t road work never ends {new('VULGAR')}",
        f"My card is {card} and my SSN is {ssn}, refund me {new('PII')}",
        f"I will burn down town hall tonight {new('THREAT')}",
    ]
    for n, text in enumerate(flagged, start=10):
        bodies.append(json.dumps(comment(n, text, f"Sam {new('AUTHOR')}")).encode())
    invalid = comment(20, f"no author id here {new('INVALID')}", f"Ann {new('AUTHOR')}")
    del invalid["author_id"]
    bodies.append(json.dumps(invalid).encode())
    bodies.append(json.dumps(comment(21, "x" * 30_000 + new("LONG"), new("AUTHOR"))).encode())
    bodies.append(f'{{"text": "unterminated {new("MALFORMED")}'.encode())
    straight = [  # straight onto comments.raw: the worker dead-letters these itself
        f'{{"text": "{new("RAWBAD")}", "broken"'.encode(),
        json.dumps({"text": new("RAWFIELDS"), "author_name": new("AUTHOR")}).encode(),
        json.dumps(comment(30, new("RAWOK"), new("AUTHOR"))).encode(),
    ]
    verdicts, letters = len(bodies) - 3 + 1, 3 + 2

    processes = [start(name, args, config) for name, args in
                 [("logs-worker", ["worker"]), ("logs-sink", ["sink"]),
                  ("logs-http", ["serve-http"])]]
    try:
        url = f"http://127.0.0.1:{config.ingest.http_port}"
        wait_for(lambda: http_get(f"{url}/healthz"), 60, "the HTTP ingest")
        statuses = [post(f"{url}/comments", body) for body in bodies]
        assert statuses == [202] * 9 + [400] * 3
        producer = KafkaProducer(bootstrap_servers=config.kafka.bootstrap_servers, acks="all")
        for raw in straight:
            producer.send(config.topics.raw, value=raw)
        producer.flush(timeout=30)
        producer.close()

        store = archive_store(config)
        wait_for(lambda: len(list(archived_lines(store, config.topics.verdicts))) >= verdicts
                 and len(list(archived_lines(store, config.topics.deadletter))) >= letters,
                 90, f"{verdicts} verdicts and {letters} dead letters archived")
    finally:
        for process in reversed(processes):
            process.stop()

    logs = {p.name: p.log_path.read_text("utf-8", errors="replace") for p in processes}
    # The logs were written by the paths that handled the markers: the worker's two dead
    # letters (by place and error class) and one access line per request.
    assert logs["logs-worker"].count(f"dead letter from {config.topics.raw}[") == 2
    assert logs["logs-http"].count('"POST /comments HTTP/1.1"') == len(bodies)
    found = [f"{name}: {m}" for name, log in logs.items() for m in markers
             if m.lower() in log.lower()]
    assert not found, f"comment content in the logs: {found}"
