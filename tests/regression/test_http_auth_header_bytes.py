"""An ``Authorization`` header that is not UTF-8 answered 500: aiohttp keeps such bytes as
surrogates and the token check encoded them strictly (UnicodeEncodeError). Found by hand
while fuzzing the headers of HTTP ingest (docs/reliability.md); now a 401 like any wrong
token. Raw requests on a real socket, so aiohttp's own parser makes the header."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from civicmod.http_guard import Guard
from pipeline.settings import IngestSettings
from tests.fuzz.raw_http import guarded_statuses

TOKEN = b"0123456789abcdef-token"


@pytest.mark.parametrize(("auth", "content_type", "status"), [
    (b"Bearer \xff\xfe", b"application/json", 401),
    (b"\xff", b"application/json", 401),
    (b"Bearer " + TOKEN[:-1] + b"\xe9", b"application/json", 401),
    (b"Bearer " + TOKEN, b"application/json; charset=\xff", 415),
    (b"Bearer " + TOKEN, b"\xff/\xfe", 415),
    (b"Bearer " + TOKEN, b"application/json", 200),
], ids=["bearer-not-utf8", "only-not-utf8", "token-with-latin1", "charset-not-utf8",
        "type-not-utf8", "right-token"])
def test_header_bytes_that_are_not_utf8_are_refused_not_a_500(
    auth: bytes, content_type: bytes, status: int,
) -> None:
    guard = Guard(IngestSettings(http_token=SecretStr(TOKEN.decode())))
    block = b"Content-Type: " + content_type + b"\r\nAuthorization: " + auth + b"\r\n"
    assert guarded_statuses(guard, [block]) == [status]
