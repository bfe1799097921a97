"""An ``Authorization`` header that is not UTF-8 answered 500: aiohttp keeps such bytes as
surrogates and the token check encoded them strictly (UnicodeEncodeError). Found by hand
while fuzzing the headers of HTTP ingest (docs/reliability.md); now a 401 like any wrong
token. Raw requests on a real socket, so aiohttp's own parser makes the header."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from pydantic import SecretStr

from civicmod.http_guard import Guard
from pipeline.settings import IngestSettings

TOKEN = b"0123456789abcdef-token"


async def _status(auth: bytes, content_type: bytes) -> bytes:
    """The status line answered to one raw POST through ``Guard`` (200: let through)."""
    guard = Guard(IngestSettings(http_token=SecretStr(TOKEN.decode())))

    async def handler(request: web.Request) -> web.Response:
        return guard.refusal(request) or web.Response(text="let through")

    app = web.Application()
    app.router.add_post("/comments", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /comments HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + content_type
                     + b"\r\nAuthorization: " + auth
                     + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return answer.split(b"\r\n", 1)[0]
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(("auth", "content_type", "status"), [
    (b"Bearer \xff\xfe", b"application/json", b"401"),
    (b"\xff", b"application/json", b"401"),
    (b"Bearer " + TOKEN[:-1] + b"\xe9", b"application/json", b"401"),
    (b"Bearer " + TOKEN, b"application/json; charset=\xff", b"415"),
    (b"Bearer " + TOKEN, b"\xff/\xfe", b"415"),
    (b"Bearer " + TOKEN, b"application/json", b"200"),
], ids=["bearer-not-utf8", "only-not-utf8", "token-with-latin1", "charset-not-utf8",
        "type-not-utf8", "right-token"])
def test_header_bytes_that_are_not_utf8_are_refused_not_a_500(
    auth: bytes, content_type: bytes, status: bytes,
) -> None:
    line = asyncio.run(_status(auth, content_type))
    assert line.split(b" ")[1] == status, line
