"""Raw HTTP/1.1 requests on a real socket, for headers no client library would send."""

from __future__ import annotations

import asyncio

from aiohttp import web

from civicmod.http_guard import Guard


async def _post(port: int, headers: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /comments HTTP/1.1\r\nHost: localhost\r\n" + headers
                 + b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer.split(b"\r\n", 1)[0]


def guarded_statuses(guard: Guard, header_blocks: list[bytes]) -> list[int]:
    """Serve ``POST /comments`` behind ``guard`` (200 when let through) on a free port and
    send one request per block of raw header lines (each ending ``\\r\\n``); the statuses."""

    async def handler(request: web.Request) -> web.Response:
        return guard.refusal(request) or web.Response(text="let through")

    async def run() -> list[int]:
        app = web.Application()
        app.router.add_post("/comments", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            port = runner.addresses[0][1]
            return [int((await _post(port, block)).split(b" ")[1]) for block in header_blocks]
        finally:
            await runner.cleanup()

    return asyncio.run(run())
