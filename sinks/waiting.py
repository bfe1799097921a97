"""Why the archive sink waits: retry delays with backoff, and the reason for ``status``.

While S3 (or the broker) fails, the sink pauses the partition concerned and retries it after
:func:`retry_delay` (doubling from ``first`` to ``longest``). :class:`Waiting` remembers when
the current run of failures began, of what kind, and how many retries it took, and publishes
that as metrics; ``civicmod status`` reads them to say "archive sink waiting: S3 unreachable
since …, N retries". Comment text never reaches a label: only the error's class or S3 code.
"""

from __future__ import annotations

import time

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
from kafka.errors import KafkaError

from pipeline import metrics

REASONS = {
    "s3_unreachable": "S3 unreachable",
    "s3_refusing": "S3 refusing writes",
    "s3_rejecting": "S3 rejecting requests",
    "kafka": "the broker failing",
    "other": "an unexpected error",
}
"""Reason label → the words ``civicmod status`` shows."""

SERVER_CODES = {"InternalError", "ServiceUnavailable", "SlowDown", "InsufficientStorage"}
"""S3 error codes of a server that cannot take the request now (also when no status came)."""


def retry_delay(failures: int, first: float, longest: float) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1, 2, …)."""
    return min(first * 2 ** max(failures - 1, 0), longest)


def reason_of(exc: BaseException) -> tuple[str, str]:
    """The reason label and the error label (S3 code or exception class) of a failure.

    A server-side S3 error (5xx) is "refusing writes": it is what SeaweedFS answers when it
    has no writable volume left (InternalError, 500; docs/reliability.md).
    """
    if isinstance(exc, ConnectionError | HTTPClientError):
        return "s3_unreachable", type(exc).__name__
    if isinstance(exc, ClientError):
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        code = str(exc.response.get("Error", {}).get("Code", "")) or type(exc).__name__
        refusing = status >= 500 or code in SERVER_CODES
        return ("s3_refusing" if refusing else "s3_rejecting"), code
    if isinstance(exc, KafkaError):
        return "kafka", type(exc).__name__
    return "other", type(exc).__name__


class Waiting:
    """The sink's current wait (None when it is not waiting), published as metrics."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.retries = 0
        self.labels: tuple[str, str] | None = None

    def failed(self, exc: BaseException) -> None:
        """A write or a read of the archive failed: start or continue the wait."""
        labels = reason_of(exc)
        if self.since is None:
            self.since = time.time()
        else:
            self.retries += 1
        if labels != self.labels:
            metrics.ARCHIVE_WAITING_SINCE.clear()
            self.labels = labels
        metrics.ARCHIVE_WAITING_SINCE.labels(*labels).set(self.since)
        metrics.ARCHIVE_WAITING_RETRIES.set(self.retries)

    def cleared(self) -> None:
        """Nothing is waiting any more."""
        if self.since is None:
            return
        self.since, self.retries, self.labels = None, 0, None
        metrics.ARCHIVE_WAITING_SINCE.clear()
        metrics.ARCHIVE_WAITING_RETRIES.set(0)
