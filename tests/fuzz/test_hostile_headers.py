"""Hostile ``Authorization`` and ``Content-Type`` headers on a real socket: HTTP ingest's
checks answer 401, 415 or 429 (or aiohttp's parser 400), never 500, and let through only
the right token with JSON. ``FUZZ_INPUTS`` requests (400 by default, 10,000 in
``make fuzz``)."""

from __future__ import annotations

import os
import random

from pydantic import SecretStr

from civicmod.http_guard import Guard
from pipeline.settings import IngestSettings
from tests.fuzz.raw_http import guarded_statuses

TOKEN = b"0123456789abcdef-token"
COUNT = int(os.environ.get("FUZZ_INPUTS", "400"))


def hostile_value(rng: random.Random) -> bytes:
    """Header bytes: random (no CR/LF), the token damaged, or near misses of the syntax."""
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(rng.choice([b for b in range(256) if b not in (10, 13)])
                     for _ in range(rng.randint(0, 60)))
    if kind == 1:
        damaged = bytearray(b"Bearer " + TOKEN)
        damaged[rng.randrange(len(damaged))] = rng.randrange(32, 256)
        return bytes(damaged)
    if kind == 2:
        return rng.choice([b"Bearer", b"Bearer ", b"Basic " + TOKEN, b"Bearer " + TOKEN * 2,
                           b"Bearer " + TOKEN[:-1], b"BEARER\x00" + TOKEN, b"Bearer \xe2\x80\x8b"])
    return rng.choice([b"application/json; charset=", b"application/json; charset=\xff\xfe",
                       b"application/json; charset=\"", b"application/json;" * 50, b"*/*",
                       b"application/", b"/json", b"text/json", b"application/json\x00"])


def test_hostile_headers_get_a_4xx_never_a_500() -> None:
    guard = Guard(IngestSettings(http_token=SecretStr(TOKEN.decode()), http_burst=COUNT * 3))
    rng = random.Random(15)
    blocks = []
    for _ in range(COUNT):
        auth, ctype = hostile_value(rng), hostile_value(rng)
        if rng.random() < 0.3:
            auth = b"Bearer " + TOKEN  # so that the content type is reached
        blocks.append(b"Content-Type: " + ctype + b"\r\nAuthorization: " + auth + b"\r\n")
    blocks.append(b"Content-Type: application/json\r\nAuthorization: Bearer " + TOKEN + b"\r\n")
    statuses = guarded_statuses(guard, blocks)
    assert set(statuses) <= {200, 400, 401, 415}, sorted(set(statuses))
    assert statuses[-1] == 200
    let_through = [b for b, s in zip(blocks, statuses, strict=True) if s == 200]
    assert all(b"Authorization: Bearer " + TOKEN + b"\r\n" in b for b in let_through)
    print(f"\nhostile headers: {len(blocks)}; statuses "
          f"{ {s: statuses.count(s) for s in sorted(set(statuses))} }")
