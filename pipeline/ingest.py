"""Ingest: validate comments from files or HTTP and produce them to ``comments.raw``.

Whatever fails validation goes to ``comments.deadletter`` with its reason, so bad input is
never lost (and the archive sink keeps it like every other record).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from kafka.producer.future import FutureRecordMetadata
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from pipeline import metrics
from pipeline.kafka_auth import client_options
from pipeline.platform import PlatformAnswer, PlatformEvent
from pipeline.records import Comment, DeadLetter
from pipeline.settings import Settings
from pipeline.validation import InvalidComment, comment_from_object, parse_comment


class ProduceFailed(RuntimeError):
    """The broker refused or never acknowledged some messages; the message says how many."""

    def __init__(self, message: str, unacknowledged: list[int | None] | None = None) -> None:
        super().__init__(message)
        self.unacknowledged = unacknowledged or []
        """The tags (input record numbers) of the messages not acknowledged."""


class IngestInterrupted(RuntimeError):
    """An ingest stopped before its end; ``str()`` is the one-line report for the operator."""

    def __init__(self, message: str, counts: IngestCounts, resume_at: int) -> None:
        super().__init__(message)
        self.counts = counts
        self.resume_at = resume_at


@dataclass
class IngestCounts:
    """How many inputs became comments and dead letters, and how many the broker holds."""

    accepted: int = 0
    dead_lettered: int = 0
    skipped: int = 0
    acknowledged: int = 0
    waiting_seconds: float = 0.0
    """How long the current delivery has waited for the broker (0 while it keeps up)."""


@dataclass
class _Pending:
    topic: str
    key: bytes | None
    value: bytes
    tag: int | None
    future: FutureRecordMetadata | None


WaitCallback = Callable[[int, float], None]
"""Called while deliveries wait for the broker: (messages unacknowledged, seconds waited)."""


class CommentProducer:
    """Produces comments (keyed ``platform:author_id``) and dead letters.

    Deliveries survive a broker restart: :meth:`deliver` waits, re-sending what the broker
    failed, for ``ingest.broker_wait_seconds`` before giving up with :class:`ProduceFailed`.
    Re-sent messages may reach the topic twice; downstream every comment counts once by its
    id (docs/archive.md, "Duplicates").
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        ingest = settings.ingest
        self.producer = KafkaProducer(
            bootstrap_servers=settings.kafka.bootstrap_servers,
            **client_options(settings.kafka),
            client_id="civicmod-ingest",
            acks="all",
            linger_ms=ingest.producer_linger_ms,
            batch_size=ingest.producer_batch_bytes,
            max_request_size=max(ingest.max_request_bytes * 2, ingest.producer_batch_bytes,
                                 1_048_576),
            request_timeout_ms=10_000,
            delivery_timeout_ms=10_000 + ingest.producer_linger_ms + 20_000,
            max_block_ms=10_000,
            reconnect_backoff_max_ms=2_000,
        )
        self.pending: list[_Pending] = []
        self.lock = threading.Lock()
        self.stalled = False
        self.tag: int | None = None
        """The input record number the next sends belong to (None: not from a file)."""

    def send_comment(self, comment: Comment) -> None:
        """Queue one valid comment for ``comments.raw``."""
        self._send(_Pending(self.settings.topics.raw, comment.author_key.encode("utf-8"),
                            comment.to_json_bytes(), self.tag, None))

    def send_deadletter(self, letter: DeadLetter) -> None:
        """Queue one dead letter for ``comments.deadletter``."""
        self._send(_Pending(self.settings.topics.deadletter, None, letter.to_json_bytes(),
                            self.tag, None))

    def _send(self, item: _Pending) -> None:
        if not self.stalled:  # once a send blocked, leave the rest to :meth:`deliver`
            self._resend(item)
        with self.lock:
            self.pending.append(item)

    def send_platform(self, record: PlatformEvent | PlatformAnswer, author_key: str) -> None:
        """Queue one platform event or answer for ``platform.events`` (keyed by author)."""
        self._send(_Pending(self.settings.topics.platform, author_key.encode("utf-8"),
                            record.to_json_bytes(), self.tag, None))

    def accept_raw(self, raw: bytes, source: str, counts: IngestCounts) -> InvalidComment | None:
        """Validate ``raw`` and queue it as a comment or a dead letter; return the error."""
        limit = self.settings.ingest.max_text_chars
        return self._accept(lambda: parse_comment(raw, limit), lambda: raw, source, counts)

    def accept_object(self, data: Any, source: str, counts: IngestCounts) -> InvalidComment | None:
        """Like :meth:`accept_raw` for an already decoded JSON value."""
        limit = self.settings.ingest.max_text_chars
        return self._accept(
            lambda: comment_from_object(data, limit),
            lambda: json.dumps(data).encode("ascii"),  # ASCII escapes keep lone surrogates
            source,
            counts,
        )

    def _accept(
        self,
        validate: Callable[[], Comment],
        original: Callable[[], bytes],
        source: str,
        counts: IngestCounts,
    ) -> InvalidComment | None:
        try:
            comment = validate()
        except InvalidComment as exc:
            # Kept whole up to the HTTP body limit; a longer line (files only) is cut there.
            self.send_deadletter(DeadLetter.from_bytes(
                original(), exc.reason, source, self.settings.ingest.max_request_bytes))
            counts.dead_lettered += 1
            metrics.count_ingested("dead_lettered")
            return exc
        self.send_comment(comment)
        counts.accepted += 1
        metrics.count_ingested("accepted")
        return None

    def deliver(self, wait_seconds: float | None = None, on_wait: WaitCallback | None = None,
                ) -> None:
        """Block until every queued message is acknowledged, re-sending those the broker
        failed, for at most ``wait_seconds`` (default ``ingest.broker_wait_seconds``); then
        raise :class:`ProduceFailed` naming the unacknowledged ones. Nothing stays queued."""
        budget = self.settings.ingest.broker_wait_seconds if wait_seconds is None else wait_seconds
        started = time.monotonic()
        errors: list[str] = []
        with self.lock:  # this call answers for what was queued before it
            mine, self.pending = self.pending, []

        def attempt() -> None:
            nonlocal mine
            with contextlib.suppress(KafkaTimeoutError):
                self.producer.flush(timeout=DELIVERY_STEP_SECONDS)
            still: list[_Pending] = []
            self.stalled = False
            for item in mine:
                future = item.future
                if future is not None and future.is_done and future.succeeded():
                    continue
                if future is not None and future.is_done:
                    errors.append(type(future.exception).__name__)
                    item.future = None
                if item.future is None and not self.stalled:
                    self._resend(item)
                still.append(item)
            mine = still
            if self.stalled:
                errors.append("KafkaTimeoutError")
            if still:
                if on_wait is not None:
                    on_wait(len(still), time.monotonic() - started)
                raise _NotAcknowledged

        try:
            Retrying(stop=stop_after_delay(budget), wait=wait_exponential(multiplier=0.2, max=2),
                     retry=retry_if_exception_type(_NotAcknowledged), reraise=True)(attempt)
        except _NotAcknowledged:
            metrics.KAFKA_ERRORS.labels("produce").inc(len(mine))
            reason = errors[-1] if errors else "no acknowledgement"
            raise ProduceFailed(
                f"{len(mine)} messages not acknowledged by the broker at "
                f"{self.settings.kafka.bootstrap_servers} within {budget:.0f}s ({reason})",
                [item.tag for item in mine],
            ) from None

    def _resend(self, item: _Pending) -> None:
        """Send ``item`` again; a send that blocked (no metadata, full buffer) stalls the rest."""
        try:
            item.future = self.producer.send(item.topic, key=item.key, value=item.value)
        except KafkaTimeoutError:
            item.future = None
            self.stalled = True

    def flush(self, timeout: float | None = None) -> None:
        """Like :meth:`deliver` (``timeout``: the longest wait for the broker)."""
        self.deliver(timeout)

    def close(self) -> None:
        """Deliver what is queued (raising :class:`ProduceFailed`) and close the producer."""
        try:
            self.deliver()
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Close the producer without waiting; whatever is unacknowledged is dropped."""
        with self.lock:
            self.pending = []
        # kafka-python's close() raises while batches are unacknowledged (and its __del__
        # would print that): force its sender to abort them first.
        sender = getattr(self.producer, "_sender", None)
        if sender is not None:
            sender.force_close()
            sender.join(timeout=5)
        with contextlib.suppress(KafkaError):
            self.producer.close(timeout=1)


DELIVERY_STEP_SECONDS = 1.0


class _NotAcknowledged(Exception):
    """Some queued messages are not acknowledged yet."""


def jsonl_lines(stream: IO[bytes], name: str) -> Iterator[tuple[bytes, str]]:
    """Each non-empty line of a JSON Lines byte stream, with a ``file:line`` source.

    Empty lines carry nothing and are skipped; a whitespace-only line is passed on (and so
    dead-lettered), since it may be a damaged record.
    """
    for number, line in enumerate(stream, start=1):
        stripped = line.rstrip(b"\r\n")
        if stripped:
            yield stripped, f"{name}:{number}"


def csv_rows(stream: IO[bytes], name: str) -> Iterator[tuple[bytes, str]]:
    """Each CSV row (header names = comment fields) re-encoded as JSON, with its source.

    Undecodable bytes survive as surrogates, so the row fails UTF-8 validation downstream
    and is dead-lettered with its original bytes. A row the CSV reader refuses (broken
    quoting that runs a field past the reader's size limit) is passed on as its original
    bytes, which are not JSON and so are dead-lettered too; reading goes on after it.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    consumed: list[str] = []

    def recorded() -> Iterator[str]:
        for line in text:
            consumed.append(line)
            yield line

    reader = csv.DictReader(recorded())
    try:
        reader.fieldnames  # noqa: B018 (reads the header line)
    except csv.Error:  # an unreadable header: kept as a dead letter, the next line is tried
        yield "".join(consumed).encode("utf-8", "surrogateescape"), f"{name}:1"
    number = 1
    while True:
        consumed.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            number += 1
            yield "".join(consumed).encode("utf-8", "surrogateescape"), f"{name}:{number}"
            continue
        number += 1
        cleaned = {k: v for k, v in row.items() if k and v not in (None, "")}
        raw = json.dumps(cleaned, ensure_ascii=False).encode("utf-8", "surrogateescape")
        yield raw, f"{name}:{number}"


def ingest_stream(
    producer: CommentProducer, stream: IO[bytes], name: str, fmt: str, skip: int = 0,
    on_wait: WaitCallback | None = None,
) -> Iterator[IngestCounts]:
    """Ingest every record of ``stream`` (``fmt`` is ``jsonl`` or ``csv``), yielding progress.

    Records are numbered from 0 as read (non-empty lines, or CSV rows); the first ``skip`` are
    passed over. Every ``ingest.chunk_records`` records the producer waits until the broker
    acknowledged them (:meth:`CommentProducer.deliver`, which waits while the broker is away).
    Raises :class:`IngestInterrupted` when the broker did not come back: its message says how
    many records were acknowledged, how many not, and the ``--skip`` that resumes the file.
    """
    counts = IngestCounts()
    lines = csv_rows(stream, name) if fmt == "csv" else jsonl_lines(stream, name)
    chunk = producer.settings.ingest.chunk_records
    resume_at = skip  # every record before this one is acknowledged
    sent = 0

    def waiting(unacknowledged: int, seconds: float) -> None:
        counts.waiting_seconds = seconds
        if on_wait is not None:
            on_wait(unacknowledged, seconds)

    def deliver(upto: int) -> None:
        nonlocal resume_at
        try:
            producer.deliver(on_wait=waiting)
        except ProduceFailed as exc:
            first = min((t for t in exc.unacknowledged if t is not None), default=upto)
            not_acked = len({t for t in exc.unacknowledged if t is not None})
            counts.acknowledged += (upto - resume_at) - not_acked
            raise IngestInterrupted(
                f"ingest stopped: {exc}. {counts.acknowledged} lines acknowledged, "
                f"{not_acked} not, the rest of {'the input' if name == '-' else name} not "
                f"read. Resume with: civicmod ingest {name} --skip {first} (a comment sent "
                "twice is counted once by its id: docs/archive.md)", counts, first) from None
        counts.acknowledged += upto - resume_at
        counts.waiting_seconds = 0.0
        resume_at = upto

    number = -1
    for number, (raw, source) in enumerate(lines):
        if number < skip:
            counts.skipped += 1
            continue
        producer.tag = number
        producer.accept_raw(raw, source, counts)
        sent += 1
        if sent % chunk == 0:
            deliver(number + 1)
        yield counts
    producer.tag = None
    deliver(max(number + 1, skip))
    yield counts
