"""The checks HTTP ingest makes before it reads a request's body: rate (429), token (401),
content type (415). A refused body is never read, so nothing of it is stored: the caller
keeps it and the status says why (docs/decisions/0014-http-ingest-auth.md)."""

from __future__ import annotations

import hmac
import ipaddress
import json
import math

from aiohttp import web

from civicmod.rate_limit import TokenBuckets
from pipeline.metrics import HTTP_REFUSED
from pipeline.settings import IngestSettings

JSON_TYPE = "application/json"
UTF8 = ("utf-8", "utf8")


def is_loopback(host: str) -> bool:
    """True when ``host`` (a bind address) reaches only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # "" or "0.0.0.0"-like names bind every interface


def exposure_problem(ingest: IngestSettings) -> str | None:
    """Why ``serve-http`` must not start with these settings, or None."""
    if ingest.http_token.get_secret_value() or ingest.http_allow_anonymous:
        return None
    if is_loopback(ingest.http_host):
        return None
    return (f"HTTP ingest would accept anyone on {ingest.http_host or 'every interface'}: set "
            "CIVICMOD_INGEST__HTTP_TOKEN, bind http_host to 127.0.0.1, or set "
            "ingest.http_allow_anonymous when a proxy in front authenticates")


def _refuse(status: int, reason: str, message: str,
            headers: dict[str, str] | None = None) -> web.Response:
    HTTP_REFUSED.labels(reason).inc()
    return web.Response(status=status, text=json.dumps({"error": message, "field": None}),
                        content_type=JSON_TYPE, headers=headers)


class Guard:
    """Rate, token and content-type checks of ``POST /comments``."""

    def __init__(self, ingest: IngestSettings) -> None:
        self.token = ingest.http_token.get_secret_value().encode()
        self.buckets = TokenBuckets(ingest.http_rate_per_second, ingest.http_burst,
                                    ingest.http_rate_clients)

    def refusal(self, request: web.Request) -> web.Response | None:
        """The answer that refuses ``request`` (its body unread), or None to go on."""
        wait = self.buckets.take(request.remote or "unknown")
        if wait > 0:
            return _refuse(429, "rate_limited", "too many requests from this address",
                           {"Retry-After": str(max(1, math.ceil(wait)))})
        if self.token and not self._authorised(request.headers.get("Authorization", "")):
            return _refuse(401, "unauthorized", "a valid 'Authorization: Bearer' token is needed",
                           {"WWW-Authenticate": 'Bearer realm="civicmod"'})
        charset = request.charset
        if request.content_type != JSON_TYPE or (charset and charset.lower() not in UTF8):
            return _refuse(415, "unsupported_media_type",
                           "send Content-Type: application/json (UTF-8)")
        return None

    def _authorised(self, header: str) -> bool:
        scheme, _, presented = header.partition(" ")
        # compare_digest takes the same time wherever the first difference is. aiohttp keeps
        # bytes that are not UTF-8 as surrogates: "surrogateescape" gives them back.
        return scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode("utf-8", "surrogateescape"), self.token)
