"""HTTP ingest on the real broker: valid comments reach ``comments.raw``, bad ones the dead
letters, with the status codes and error bodies the webhook callers rely on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from civicmod.http_ingest import build_http_app
from pipeline.ingest import CommentProducer
from pipeline.records import Comment, DeadLetter
from pipeline.settings import Settings
from tests.integration.helpers import isolated, read_topic

pytestmark = pytest.mark.integration

READ_TIMEOUT = 30.0


@dataclass
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Ingest:
    settings: Settings
    producer: CommentProducer

    def post(self, *bodies: bytes) -> list[Reply]:
        """POST each body in turn to ``/comments``; return the replies."""
        return self.request([("POST", "/comments", body) for body in bodies])

    def request(self, calls: list[tuple[str, str, bytes]]) -> list[Reply]:
        """Serve a fresh app on a real local port and make the calls in turn."""

        async def run() -> list[Reply]:
            app = build_http_app(self.settings, self.producer)
            async with TestClient(TestServer(app)) as client:
                replies = []
                for method, path, body in calls:
                    response = await client.request(
                        method, path, data=body, headers={"Content-Type": "application/json"}
                    )
                    replies.append(Reply(response.status, await response.text()))
                return replies

        return asyncio.run(run())

    def raw(self, expected: int) -> list[Any]:
        return read_topic(self.settings, self.settings.topics.raw, expected, READ_TIMEOUT)

    def deadletters(self, expected: int) -> list[Any]:
        return read_topic(self.settings, self.settings.topics.deadletter, expected, READ_TIMEOUT)


@pytest.fixture
def ingest(stack: Settings, request: pytest.FixtureRequest) -> Iterator[Ingest]:
    """Ingest on topics of this test's own (``http-<test name>.comments.raw`` …).

    Parametrised indirectly with a number, that number is ``ingest.max_request_bytes``.
    """
    name = "http-" + request.node.originalname.removeprefix("test_").replace("_", "-")[:40]
    settings = isolated(stack, name)
    limit = getattr(request, "param", None)
    if limit is not None:
        settings = settings.model_copy(
            update={"ingest": settings.ingest.model_copy(update={"max_request_bytes": limit})}
        )
    producer = CommentProducer(settings)
    try:
        yield Ingest(settings, producer)
    finally:
        producer.close()


def comment(n: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"c-{n}",
        "platform": "facebook",
        "page": "townofqueencreek",
        "post": "p-1",
        "author_id": f"u-{n}",
        "text": f"Comment number {n}: when does the farmers market open?",
        "created_at": "2026-11-25T10:00:00Z",
    }
    data.update(changes)
    return data


def as_comment(message: Any) -> Comment:
    return Comment.model_validate_json(message.value)


def as_letter(message: Any) -> DeadLetter:
    return DeadLetter.model_validate_json(message.value)


def test_one_valid_object_is_accepted_and_produced(ingest: Ingest) -> None:
    (reply,) = ingest.post(json.dumps(comment(1, platform="instagram")).encode())
    assert reply.status == 202
    assert reply.json() == {"accepted": 1}

    (message,) = ingest.raw(1)
    assert message.key == b"instagram:u-1"
    produced = as_comment(message)
    assert produced.id == "c-1"
    assert produced.text == comment(1)["text"]
    assert produced.ingested_at is not None


def test_batch_with_one_invalid_item(ingest: Ingest) -> None:
    invalid = {k: v for k, v in comment(2).items() if k != "author_id"}
    body = json.dumps([comment(1), invalid, comment(3)]).encode()
    (reply,) = ingest.post(body)
    assert reply.status == 400
    assert reply.json() == {
        "accepted": 2,
        "rejected": [{"index": 1, "field": "author_id", "error": "author_id: Field required"}],
    }

    raw = ingest.raw(2)
    assert sorted(as_comment(m).id for m in raw) == ["c-1", "c-3"]
    assert sorted(m.key for m in raw) == [b"facebook:u-1", b"facebook:u-3"]

    (message,) = ingest.deadletters(1)
    letter = as_letter(message)
    assert letter.error == "author_id: Field required"
    assert letter.source == "http:127.0.0.1#1"
    assert json.loads(letter.raw) == invalid


def test_single_invalid_object_names_the_field(ingest: Ingest) -> None:
    (reply,) = ingest.post(json.dumps(comment(1, text="   ")).encode())
    assert reply.status == 400
    assert reply.json() == {"error": "text is empty", "field": "text"}
    (message,) = ingest.deadletters(1)
    assert as_letter(message).error == "text is empty"


def test_malformed_json_is_refused_and_dead_lettered(ingest: Ingest) -> None:
    body = b'{"id": "c-1", "text": "unterminated'
    (reply,) = ingest.post(body)
    assert reply.status == 400
    answer = reply.json()
    assert answer["field"] is None
    assert answer["error"].startswith("malformed JSON: ")

    (message,) = ingest.deadletters(1)
    letter = as_letter(message)
    assert letter.raw == body
    assert letter.error == answer["error"]
    assert letter.source == "http:127.0.0.1"


def test_invalid_utf8_is_dead_lettered_byte_for_byte(ingest: Ingest) -> None:
    body = b'{"text": "caf\xe9 \x00"}'
    (reply,) = ingest.post(body)
    assert reply.status == 400
    (message,) = ingest.deadletters(1)
    assert as_letter(message).raw == body


@pytest.mark.parametrize("ingest", [2048], indirect=True, ids=["limit-2048"])
def test_body_over_the_limit_is_refused_with_413(ingest: Ingest) -> None:
    assert ingest.settings.ingest.max_request_bytes == 2048
    big = json.dumps(comment(1, author_id="same", text="x" * 3000)).encode()
    assert len(big) > 2048
    sentinel = comment(2, author_id="same")  # same key, so the same partition, after it
    replies = ingest.post(big, json.dumps(sentinel).encode())
    assert [r.status for r in replies] == [413, 202]

    # Had the oversized comment been produced, it would come before the sentinel.
    messages = ingest.raw(1)
    assert [as_comment(m).id for m in messages] == ["c-2"]


def test_healthz(ingest: Ingest) -> None:
    (reply,) = ingest.request([("GET", "/healthz", b"")])
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}


def test_invalid_item_with_a_lone_surrogate_is_dead_lettered(ingest: Ingest) -> None:
    body = json.dumps(comment(1, text="bad \ud800 text")).encode()
    assert b"\\ud800" in body
    (reply,) = ingest.post(body)
    assert reply.status == 400
    assert reply.json()["field"] == "text"
    (message,) = ingest.deadletters(1)
    assert "ud800" in as_letter(message).raw.decode("utf-8", "replace")
