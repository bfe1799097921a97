"""HTTP ingest on the real broker: valid comments reach ``comments.raw``, bad ones the dead
letters, with the status codes and error bodies the webhook callers rely on; requests without
the token, of another content type or over the client's rate are refused unread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from civicmod.http_ingest import build_http_app
from pipeline.ingest import CommentProducer
from pipeline.records import Comment, DeadLetter
from pipeline.settings import Settings
from tests.integration.helpers import isolated, read_topic

pytestmark = pytest.mark.integration

READ_TIMEOUT = 30.0
TOKEN = "test-token-0123456789abcdef"
JSON = {"Content-Type": "application/json"}
AUTH = {**JSON, "Authorization": f"Bearer {TOKEN}"}
Call = tuple[str, str, bytes] | tuple[str, str, bytes, dict[str, str]]


@dataclass
class Reply:
    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Ingest:
    settings: Settings
    producer: CommentProducer

    def post(self, *bodies: bytes, headers: dict[str, str] | None = None) -> list[Reply]:
        """POST each body in turn to ``/comments`` (with the token unless ``headers``)."""
        return self.request([("POST", "/comments", body, headers or AUTH) for body in bodies])

    def request(self, calls: list[Call], pause: float = 0.0) -> list[Reply]:
        """Serve a fresh app on a real local port and make the calls in turn (``pause``
        seconds after each 429), with the token and JSON unless a call names its headers."""

        async def run() -> list[Reply]:
            app = build_http_app(self.settings, self.producer)
            async with TestClient(TestServer(app)) as client:
                replies = []
                for method, path, body, *given in calls:
                    headers = given[0] if given else AUTH
                    response = await client.request(method, path, data=body, headers=headers)
                    replies.append(Reply(response.status, await response.text(),
                                         dict(response.headers)))
                    if response.status == 429:
                        await asyncio.sleep(pause)
                return replies

        return asyncio.run(run())

    def raw(self, expected: int) -> list[Any]:
        return read_topic(self.settings, self.settings.topics.raw, expected, READ_TIMEOUT)

    def deadletters(self, expected: int) -> list[Any]:
        return read_topic(self.settings, self.settings.topics.deadletter, expected, READ_TIMEOUT)


@pytest.fixture
def ingest(stack: Settings, request: pytest.FixtureRequest) -> Iterator[Ingest]:
    """Ingest on topics of this test's own (``http-<test name>.comments.raw`` …).

    The endpoint needs ``TOKEN``. Parametrised indirectly with a dict, that dict changes
    ``settings.ingest`` (e.g. ``max_request_bytes``).
    """
    name = "http-" + request.node.originalname.removeprefix("test_").replace("_", "-")[:40]
    settings = isolated(stack, name)
    changes = {"http_token": SecretStr(TOKEN), **getattr(request, "param", {})}
    settings = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update=changes)}
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


@pytest.mark.parametrize("ingest", [{"max_request_bytes": 2048}], indirect=True,
                         ids=["limit-2048"])
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
    (reply,) = ingest.request([("GET", "/healthz", b"", {})])  # no token needed
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


def test_requests_without_the_token_or_json_are_refused_unread(ingest: Ingest) -> None:
    def body(n: int) -> bytes:
        return json.dumps(comment(n, author_id="same")).encode()  # one key: one partition

    text = {**AUTH, "Content-Type": "text/plain"}
    latin1 = {**AUTH, "Content-Type": "application/json; charset=latin-1"}
    utf8 = {**AUTH, "Content-Type": "application/json; charset=UTF-8"}
    calls: list[Call] = [
        ("POST", "/comments", body(1), JSON),
        ("POST", "/comments", body(2), {**JSON, "Authorization": f"Bearer {TOKEN}x"}),
        ("POST", "/comments", body(3), {**JSON, "Authorization": f"Basic {TOKEN}"}),
        ("POST", "/comments", b"not json, unauthenticated", JSON),
        ("POST", "/comments", body(4), text),
        ("POST", "/comments", body(5), {"Authorization": f"Bearer {TOKEN}"}),
        ("POST", "/comments", body(6), latin1),
        ("POST", "/comments", b"not json, not declared json", text),
        ("POST", "/comments", body(7), utf8),
        ("POST", "/comments", b"not json, authenticated", AUTH),
    ]
    replies = ingest.request(calls)
    assert [r.status for r in replies] == [401, 401, 401, 401, 415, 415, 415, 415, 202, 400]
    assert replies[0].headers["WWW-Authenticate"] == 'Bearer realm="civicmod"'
    assert replies[0].json() == {
        "error": "a valid 'Authorization: Bearer' token is needed", "field": None}
    assert replies[4].json()["error"] == "send Content-Type: application/json (UTF-8)"

    # Anything refused and produced would come before these on its partition.
    assert [as_comment(m).id for m in ingest.raw(1)] == ["c-7"]
    assert [as_letter(m).raw for m in ingest.deadletters(1)] == [b"not json, authenticated"]


@pytest.mark.parametrize("ingest", [{"http_rate_per_second": 1.0, "http_burst": 3}],
                         indirect=True, ids=["burst-3"])
def test_a_client_over_its_rate_gets_429_with_retry_after(ingest: Ingest) -> None:
    calls: list[Call] = [("POST", "/comments", json.dumps(comment(n, author_id="same")).encode())
                         for n in range(1, 6)]
    replies = ingest.request(calls, pause=1.0)  # after the 429, wait what Retry-After says
    assert [r.status for r in replies] == [202, 202, 202, 429, 202]
    assert replies[3].headers["Retry-After"] == "1"
    assert replies[3].json()["error"] == "too many requests from this address"
    assert [as_comment(m).id for m in ingest.raw(4)] == ["c-1", "c-2", "c-3", "c-5"]


@pytest.mark.parametrize("ingest", [{"http_rate_per_second": 0.01, "http_burst": 1}],
                         indirect=True, ids=["burst-1"])
def test_the_rate_limit_comes_before_the_token_check(ingest: Ingest) -> None:
    calls: list[Call] = [("POST", "/comments", b"{}", JSON)] * 3
    assert [r.status for r in ingest.request(calls)] == [401, 429, 429]
