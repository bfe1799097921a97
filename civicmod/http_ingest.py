"""HTTP ingest: ``POST /comments`` with one comment object or a list of them.

Before the body is read (docs/decisions/0014-http-ingest-auth.md; nothing of a refused
request is stored, the caller keeps it):

- 429 with ``Retry-After`` when the client address used up its token bucket;
- 401 without ``Authorization: Bearer <ingest.http_token>`` (when a token is configured);
- 415 unless ``Content-Type: application/json`` (charset, if any, UTF-8);
- 413 when the body is over ``ingest.max_request_bytes``.

Then:

- 202 ``{"accepted": n}`` when every comment is valid;
- 400 ``{"accepted": n, "rejected": [{"index", "field", "error"}]}`` otherwise: the valid ones
  are accepted, each rejected one is dead-lettered with its reason (resend only those);
- 503 when the broker did not acknowledge everything (nothing is lost: retry the request).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from civicmod.http_guard import Guard, exposure_problem
from pipeline import health
from pipeline.ingest import CommentProducer, IngestCounts, ProduceFailed
from pipeline.metrics import HTTP_REFUSED
from pipeline.records import DeadLetter
from pipeline.settings import Settings

log = logging.getLogger(__name__)

PRODUCER_KEY = web.AppKey("producer", CommentProducer)
GUARD_KEY = web.AppKey("guard", Guard)
BEAT_KEY = web.AppKey("beat", asyncio.Task[None])


async def post_comments(request: web.Request) -> web.Response:
    """Validate and produce the posted comment(s)."""
    refusal = request.app[GUARD_KEY].refusal(request)
    if refusal is not None:
        return refusal
    producer = request.app[PRODUCER_KEY]
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        HTTP_REFUSED.labels("too_large").inc()
        raise
    source = f"http:{request.remote or 'unknown'}"
    try:
        payload: Any = json.loads(body.decode("utf-8"))  # RFC 8259: UTF-8 only, as files
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, huge ints, deep nesting
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        reason = f"malformed JSON: {detail}"
        producer.send_deadletter(DeadLetter.from_bytes(body, reason, source))
        await _flush(producer)
        return web.json_response({"error": reason, "field": None}, status=400)
    items = payload if isinstance(payload, list) else [payload]
    counts = IngestCounts()
    rejected = []
    for index, item in enumerate(items):
        error = producer.accept_object(item, f"{source}#{index}", counts)
        if error is not None:
            rejected.append({"index": index, "field": error.field, "error": error.reason})
    await _flush(producer)
    if rejected:
        if not isinstance(payload, list):
            first = rejected[0]
            return web.json_response(
                {"error": first["error"], "field": first["field"]}, status=400
            )
        return web.json_response({"accepted": counts.accepted, "rejected": rejected}, status=400)
    return web.json_response({"accepted": counts.accepted}, status=202)


async def _flush(producer: CommentProducer) -> None:
    """Wait for the broker's acknowledgements; answer 503 if it refused anything."""
    try:
        await asyncio.to_thread(producer.flush)
    except ProduceFailed as exc:
        raise web.HTTPServiceUnavailable(
            text=json.dumps({"error": f"not stored, retry later: {exc}"}),
            content_type="application/json",
        ) from exc


async def alive(_: web.Request) -> web.Response:
    """Liveness probe."""
    return web.json_response({"status": "ok"})


def build_http_app(settings: Settings, producer: CommentProducer) -> web.Application:
    """The aiohttp application serving ``POST /comments`` and ``GET /healthz``."""
    app = web.Application(client_max_size=settings.ingest.max_request_bytes)
    app[PRODUCER_KEY] = producer
    app[GUARD_KEY] = Guard(settings.ingest)
    app.router.add_post("/comments", post_comments)
    app.router.add_get("/healthz", alive)
    app.on_startup.append(_ready)
    return app


async def _ready(app: web.Application) -> None:
    """Ready once serving, with a producer that reached the broker (its constructor did)."""
    health.STATE.set_ready()
    app[BEAT_KEY] = asyncio.create_task(health.beat_forever())


def serve_http(settings: Settings) -> None:
    """Serve HTTP ingest until interrupted; refuse to start open to a network without a token
    (:func:`civicmod.http_guard.exposure_problem`)."""
    problem = exposure_problem(settings.ingest)
    if problem is not None:
        raise SystemExit(f"civicmod serve-http: {problem}")
    if not settings.ingest.http_token.get_secret_value():
        log.warning("HTTP ingest without a token on %s: any local process may post",
                    settings.ingest.http_host)
    producer = CommentProducer(settings)
    health.serve_health(settings.metrics, "http")
    try:
        web.run_app(
            build_http_app(settings, producer),
            host=settings.ingest.http_host,
            port=settings.ingest.http_port,
            print=None,
        )
    finally:
        producer.close()
