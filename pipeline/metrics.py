"""Every Prometheus metric of civicmod, and the one-line helpers the call sites use.

Labels are bounded sets (actions, categories a–i, topic names, partitions, stages); comment
text, ids and authors never appear in a label. docs/operations.md says what each one means
and which thresholds page someone.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from botocore.exceptions import BotoCoreError, ClientError
from kafka.errors import KafkaError
from prometheus_client import Counter, Gauge, Histogram, Info

from pipeline.records import Verdict

INGESTED = Counter(
    "civicmod_ingest_comments", "Inputs taken in by ingest (HTTP, files, demo), by outcome",
    ["outcome"],
)
SCREENED = Counter("civicmod_worker_messages", "Messages the worker read from comments.raw")
VERDICTS = Counter("civicmod_verdicts", "Verdicts published, by action", ["action"])
GROUNDS = Counter(
    "civicmod_verdict_grounds",
    "Policy categories (E.1 a–i) cited by verdicts; a verdict citing two counts in both",
    ["action", "category"],
)
FLAGGED = Counter("civicmod_flagged", "Comments sent to the moderators' queue")
DEAD_LETTERS = Counter(
    "civicmod_dead_letters", "Inputs that became dead letters, by where", ["stage"]
)
LATENCY = Histogram(
    "civicmod_processing_seconds",
    "From a comment's broker timestamp to its verdict's acknowledgement by the broker",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
ARCHIVE_RECORDS = Counter(
    "civicmod_archive_records", "Records written to the archive, by topic", ["topic"]
)
ARCHIVE_OBJECTS = Counter(
    "civicmod_archive_objects", "Archive objects (with their manifests) written, by topic",
    ["topic"],
)
ARCHIVE_LAG = Gauge(
    "civicmod_archive_lag_records",
    "Records on the broker not yet archived and committed, from the offsets consumed",
    ["topic", "partition"],
)
ARCHIVE_LAG_SECONDS = Gauge(
    "civicmod_archive_lag_seconds",
    "Age of the oldest record this sink consumed but has not archived yet (0: none pending)",
)
ARCHIVE_WAITING_SINCE = Gauge(
    "civicmod_archive_waiting_since_seconds",
    "Unix time the archive sink began waiting on failing S3 or broker calls (absent: not "
    "waiting), by reason (s3_unreachable, s3_refusing, s3_rejecting, kafka, other) and error",
    ["reason", "error"],
)
ARCHIVE_WAITING_RETRIES = Gauge(
    "civicmod_archive_waiting_retries", "Retries since the archive sink began waiting (0: none)"
)
S3_ERRORS = Counter("civicmod_s3_errors", "Failed S3 operations, by operation", ["operation"])
KAFKA_ERRORS = Counter(
    "civicmod_kafka_errors", "Failed Kafka operations, by operation", ["operation"]
)
PLATFORM_CALLS = Counter(
    "civicmod_platform_calls",
    "Attempts to call a platform API, by API host and outcome (ok or the error kind)",
    ["api", "outcome"],
)
HTTP_REFUSED = Counter(
    "civicmod_http_refused",
    "HTTP ingest requests refused unread: rate_limited, unauthorized, unsupported_media_type, "
    "too_large",
    ["reason"],
)
VERSIONS = Info("civicmod_versions", "Policy and model versions this worker decides with")


def count_ingested(outcome: str) -> None:
    """One input accepted (``accepted``) or dead-lettered (``dead_lettered``) by ingest."""
    INGESTED.labels(outcome).inc()
    if outcome == "dead_lettered":
        DEAD_LETTERS.labels("ingest").inc()


def count_verdict(verdict: Verdict, flagged: bool) -> None:
    """One verdict published by the worker."""
    VERDICTS.labels(verdict.action).inc()
    for category in verdict.categories:
        GROUNDS.labels(verdict.action, category).inc()
    if flagged:
        FLAGGED.inc()


def observe_latency(timestamps: Iterable[float], now: float | None = None) -> None:
    """Observe, for each comment's broker timestamp (seconds), its age now."""
    now = time.time() if now is None else now
    for stamp in timestamps:
        LATENCY.observe(max(now - stamp, 0.0))


def count_error(exc: BaseException, operation: str) -> None:
    """Count a failure of ``operation`` as an S3 or a Kafka error, by the exception's kind."""
    if isinstance(exc, BotoCoreError | ClientError):
        S3_ERRORS.labels(operation).inc()
    elif isinstance(exc, KafkaError):
        KAFKA_ERRORS.labels(operation).inc()


def set_versions(policy_version: str, model_version: str) -> None:
    """Publish the versions every verdict of this process carries."""
    VERSIONS.info({"policy_version": policy_version, "model_version": model_version})
