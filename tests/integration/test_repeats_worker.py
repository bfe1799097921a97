"""The worker flags the third copy of one author's text (E.1.d) from its per-author state."""

from __future__ import annotations

import json

import pytest

from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import Settings
from tests.integration.helpers import isolated, read_topic, start

pytestmark = pytest.mark.integration

TEXT = "Join our neighborhood garden club this Saturday morning at the library"


def test_the_third_copy_by_one_author_goes_to_review(stack: Settings) -> None:
    settings = isolated(stack, "repeats")
    worker = start("repeats-worker", ["worker"], settings)
    try:
        producer = CommentProducer(settings)
        posts = [("r1", "u-repeat", TEXT), ("r2", "u-repeat", TEXT.upper() + "!!"),
                 ("r3", "u-repeat", TEXT), ("o1", "u-other", TEXT)]
        for comment_id, author, text in posts:
            producer.accept_object({
                "id": comment_id, "platform": "facebook", "page": "town", "post": "p",
                "author_id": author, "text": text, "created_at": "2026-11-25T10:00:00Z",
            }, "test", IngestCounts())
        producer.close()
        messages = read_topic(settings, settings.topics.verdicts, 4, timeout=60)
    finally:
        worker.stop()
    verdicts = {v["comment"]["id"]: v for v in (json.loads(m.value) for m in messages)}
    assert {k: v["action"] for k, v in verdicts.items()} == {
        "r1": "allow", "r2": "allow", "r3": "review", "o1": "allow"}
    [reason] = verdicts["r3"]["reasons"]
    assert "E.1.d" in reason and "same text posted 3 times" in reason
    assert [f["detector"] for f in verdicts["r3"]["findings"]] == ["repeat-text"]
