"""End to end on the real broker and S3: ingest → Faust worker → topics → archive sink → S3."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from civicmod.demo import generate_comments, malformed_lines
from pipeline.ingest import CommentProducer, ingest_stream
from pipeline.settings import Settings
from sinks.reader import archived_lines
from tests.integration.helpers import archive_store, isolated, read_topic, start, wait_for

pytestmark = pytest.mark.integration

COMMENTS = 1000
MALFORMED = 50


def test_every_comment_and_every_bad_line_is_archived_exactly_once(
    stack: Settings, tmp_path: Path
) -> None:
    settings = isolated(stack, "e2e")
    comments = list(generate_comments(COMMENTS, seed=7))
    vulgar = {
        "id": "vulgar-1", "platform": "facebook", "page": "townofqueencreek", "post": "p1",
        "author_id": "u-vulgar", "text": "This sh1t road work never ends",
        "created_at": "2026-11-25T10:00:00Z",
    }
    bad = malformed_lines(MALFORMED, seed=7, max_chars=settings.ingest.max_text_chars)
    source = tmp_path / "comments.jsonl"
    with source.open("wb") as out:
        for item in [*comments[:-1], vulgar]:
            out.write(json.dumps(item).encode() + b"\n")
        for line in bad:
            out.write(line.replace(b"\n", b" ") + b"\n")

    worker = start("e2e-worker", ["worker"], settings)
    sink = start("e2e-sink", ["sink"], settings)
    try:
        producer = CommentProducer(settings)
        with source.open("rb") as stream:
            counts = list(ingest_stream(producer, stream, "comments.jsonl", "jsonl"))[-1]
        producer.close()
        assert (counts.accepted, counts.dead_lettered) == (COMMENTS, MALFORMED)

        store = archive_store(settings)

        def archived() -> list[dict[str, object]] | None:
            lines = [*archived_lines(store, settings.topics.verdicts),
                     *archived_lines(store, settings.topics.deadletter)]
            return lines if len(lines) >= COMMENTS + MALFORMED else None

        lines = wait_for(archived, 180, f"{COMMENTS + MALFORMED} archived records")
    finally:
        sink.stop()
        worker.stop()

    verdict_ids = Counter(
        line["record"]["comment"]["id"]  # type: ignore[index]
        for line in lines if line["topic"] == settings.topics.verdicts
    )
    dead_offsets = Counter(
        (line["partition"], line["offset"])
        for line in lines if line["topic"] == settings.topics.deadletter
    )
    assert len(lines) == COMMENTS + MALFORMED
    assert len(verdict_ids) == COMMENTS and max(verdict_ids.values()) == 1
    assert len(dead_offsets) == MALFORMED and max(dead_offsets.values()) == 1
    errors = [line["record"]["error"] for line in lines  # type: ignore[index]
              if line["topic"] == settings.topics.deadletter]
    assert all(errors)

    flagged = [json.loads(m.value) for m in
               read_topic(settings, settings.topics.flagged, expected=1, timeout=30)]
    by_id = {verdict["comment"]["id"]: verdict for verdict in flagged}
    assert "vulgar-1" in by_id
    verdict = by_id["vulgar-1"]
    assert verdict["action"] in {"review", "remove"}
    assert any("E.1.a" in reason for reason in verdict["reasons"])
    evidence = verdict["findings"][0]["evidence"][0]
    assert verdict["comment"]["text"][evidence["start"]:evidence["end"]] == "sh1t"
    assert all(v["reasons"] for v in flagged)
