"""Calls to a platform's HTTP API with retries: rate limits, expired tokens, server errors.

Each platform module supplies ``classify`` (its error shapes → :class:`ApiError`). Transient
errors and rate limits are retried with exponential backoff (tenacity), a rate limit waiting at
least what the platform asked for, capped at ``sources.backoff_max_seconds``; an expired
token or a refusal is not retried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from pipeline import metrics
from pipeline.settings import SourceSettings


class ApiError(Exception):
    """A failed call; ``permanent`` errors are not retried."""

    permanent = False

    def __init__(self, message: str, status: int | None = None,
                 body: Mapping[str, Any] | None = None, retry_after: float | None = None
                 ) -> None:
        super().__init__(message)
        self.status = status
        self.body = dict(body or {})
        self.retry_after = retry_after


class Transient(ApiError):
    """A server error or lost connection: retried."""


class RateLimited(ApiError):
    """The platform's rate limit or quota: retried after ``retry_after`` seconds."""


class TokenExpired(ApiError):
    """The token is expired or revoked: a person must renew it (docs/sources.md)."""

    permanent = True


class Refused(ApiError):
    """The platform refused the request (bad id, no permission): not retried."""

    permanent = True


Classify = Callable[[int, Mapping[str, Any], Mapping[str, str]], ApiError | None]


@dataclass(frozen=True)
class Answer:
    """A successful call: status, JSON body and how many attempts it took."""

    status: int
    body: dict[str, Any]
    attempts: int


class ApiClient:
    """One platform's API: a base URL, credentials, its error shapes, the retry policy."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, settings: SourceSettings,
                 classify: Classify, headers: Mapping[str, str]) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.api = urlparse(self.base_url).hostname or "unknown"
        self.settings = settings
        self.classify = classify
        self.headers = dict(headers)
        self.last_attempts = 0
        self.backoff = wait_exponential_jitter(multiplier=0.5, max=settings.backoff_max_seconds)

    async def call(self, method: str, path: str, params: Mapping[str, Any] | None = None
                   ) -> Answer:
        """Call ``path`` (relative to the base URL, or a full ``next`` URL) with retries;
        raise the last :class:`ApiError` when it does not succeed."""
        url = path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, ApiError) and not e.permanent),
            reraise=True,
        )
        self.last_attempts = 0
        async for attempt in retrying:
            with attempt:
                self.last_attempts += 1
                status, body = await self._once(method, url, params)
                return Answer(status, body, self.last_attempts)
        raise AssertionError("unreachable: tenacity reraises the last error")

    async def _once(self, method: str, url: str, params: Mapping[str, Any] | None
                    ) -> tuple[int, dict[str, Any]]:
        timeout = aiohttp.ClientTimeout(total=self.settings.request_timeout_seconds)
        try:
            async with self.session.request(method, url, params=params, headers=self.headers,
                                            timeout=timeout) as response:
                raw = await response.read()
                try:
                    body = await response.json(content_type=None) if raw else {}
                except ValueError:
                    body = {"unreadable": raw[:200].decode("utf-8", "replace")}
                if not isinstance(body, dict):
                    body = {"value": body}
                error = self.classify(response.status, body, response.headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            metrics.PLATFORM_CALLS.labels(self.api, Transient.__name__).inc()
            raise Transient(f"{type(exc).__name__} calling {method} {_path(url)}") from exc
        metrics.PLATFORM_CALLS.labels(self.api, type(error).__name__ if error else "ok").inc()
        if error is not None:
            raise error
        return response.status, body

    def _wait(self, state: RetryCallState) -> float:
        waited = self.backoff(state)
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, ApiError) and exc.retry_after else 0.0
        return min(max(waited, asked), self.settings.backoff_max_seconds)


def _path(url: str) -> str:
    """The URL without its query (tokens may travel there)."""
    return url.split("?", 1)[0]
