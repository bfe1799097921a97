"""Ingest: validate comments from files or HTTP and produce them to ``comments.raw``.

Whatever fails validation goes to ``comments.deadletter`` with its reason, so bad input is
never lost (and the archive sink keeps it like every other record).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata

from pipeline import metrics
from pipeline.kafka_auth import client_options
from pipeline.records import Comment, DeadLetter
from pipeline.settings import Settings
from pipeline.validation import InvalidComment, comment_from_object, parse_comment


class ProduceFailed(RuntimeError):
    """The broker refused or never acknowledged some messages; the message says how many."""


@dataclass
class IngestCounts:
    """How many inputs became comments and how many became dead letters."""

    accepted: int = 0
    dead_lettered: int = 0


class CommentProducer:
    """Produces comments (keyed ``platform:author_id``) and dead letters."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.producer = KafkaProducer(
            bootstrap_servers=settings.kafka.bootstrap_servers,
            **client_options(settings.kafka),
            client_id="civicmod-ingest",
            acks="all",
            linger_ms=10,
            max_request_size=max(settings.ingest.max_request_bytes * 2, 1_048_576),
        )
        self.pending: list[FutureRecordMetadata] = []

    def send_comment(self, comment: Comment) -> None:
        """Queue one valid comment for ``comments.raw``."""
        self.pending.append(
            self.producer.send(
                self.settings.topics.raw,
                key=comment.author_key.encode("utf-8"),
                value=comment.to_json_bytes(),
            )
        )

    def send_deadletter(self, letter: DeadLetter) -> None:
        """Queue one dead letter for ``comments.deadletter``."""
        self.pending.append(
            self.producer.send(self.settings.topics.deadletter, value=letter.to_json_bytes())
        )

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
            self.send_deadletter(DeadLetter.from_bytes(original(), exc.reason, source))
            counts.dead_lettered += 1
            metrics.count_ingested("dead_lettered")
            return exc
        self.send_comment(comment)
        counts.accepted += 1
        metrics.count_ingested("accepted")
        return None

    def flush(self, timeout: float = 60.0) -> None:
        """Block until every queued message is acknowledged; raise :class:`ProduceFailed` if
        the broker refused any of them."""
        self.producer.flush(timeout=timeout)
        pending, self.pending = self.pending, []
        failed = [f for f in pending if not f.succeeded()]
        if failed:
            metrics.KAFKA_ERRORS.labels("produce").inc(len(failed))
            first = failed[0].exception
            raise ProduceFailed(
                f"{len(failed)} of {len(pending)} messages not acknowledged "
                f"({type(first).__name__ if first else 'timeout'})"
            )

    def close(self) -> None:
        """Flush (raising :class:`ProduceFailed` on refusals) and close the producer."""
        try:
            self.flush()
        finally:
            self.producer.close()


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
    and is dead-lettered with its original bytes.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    for number, row in enumerate(csv.DictReader(text), start=2):
        cleaned = {k: v for k, v in row.items() if k and v not in (None, "")}
        raw = json.dumps(cleaned, ensure_ascii=False).encode("utf-8", "surrogateescape")
        yield raw, f"{name}:{number}"


def ingest_stream(
    producer: CommentProducer, stream: IO[bytes], name: str, fmt: str
) -> Iterator[IngestCounts]:
    """Ingest every line of ``stream`` (``fmt`` is ``jsonl`` or ``csv``), yielding progress."""
    counts = IngestCounts()
    lines = csv_rows(stream, name) if fmt == "csv" else jsonl_lines(stream, name)
    for raw, source in lines:
        producer.accept_raw(raw, source, counts)
        yield counts
    producer.flush()
