"""Capture: the one way platform observations become records, exactly once each.

Every new comment text goes to ``comments.raw`` through the ingest producer (so it is screened
and archived like any comment), every platform event to ``platform.events``. The ledger
remembers what was produced only after the broker acknowledged it: a crash in between makes a
replay produce the same version again (same id and version number, which the archive index
counts once), never lose it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from civicmod.sources.ledger import Ledger
from pipeline.ingest import CommentProducer
from pipeline.platform import PlatformEvent
from pipeline.records import Comment, DeadLetter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Observed:
    """A comment's text as a platform showed it.

    ``original``: the text as posted (a webhook ``add``, a poll's first sight of a comment);
    otherwise a later text, in effect from ``comment.edited_at`` (an edit, or a poll's
    observation time).
    """

    comment: Comment
    original: bool

    @property
    def effective_at(self) -> datetime:
        """When this text took effect on the platform."""
        return self.comment.created_at if self.original or self.comment.edited_at is None \
            else self.comment.edited_at


@dataclass
class Captured:
    """What one call produced."""

    comments: int = 0
    events: int = 0
    duplicates: int = 0


class Capture:
    """Produces new comment versions and platform events; drops what was produced before."""

    def __init__(self, producer: CommentProducer, ledger: Ledger) -> None:
        self.producer = producer
        self.ledger = ledger
        self.lock = asyncio.Lock()

    async def take(self, observed: Sequence[Observed], events: Sequence[PlatformEvent] = ()
                   ) -> Captured:
        """Produce what is new in ``observed`` and ``events`` and wait for the broker."""
        result = Captured()
        async with self.lock:
            try:
                for item in observed:
                    comment = item.comment
                    placed = self.ledger.place(comment.platform, comment.id, comment.text,
                                               item.effective_at.timestamp(), item.original)
                    if placed is None:
                        result.duplicates += 1
                        continue
                    self.producer.send_comment(comment.model_copy(update={
                        "version": placed.version, "previous_version": placed.previous,
                        "edited_at": None if item.original else comment.edited_at}))
                    result.comments += 1
                for event in events:
                    if not self.ledger.first_sighting(event.id):
                        result.duplicates += 1
                        continue
                    self.producer.send_platform(event, f"{event.platform}:{event.author_id}")
                    result.events += 1
                await asyncio.to_thread(self.producer.flush)
            except BaseException:
                self.ledger.rollback()
                raise
            self.ledger.commit()
        return result

    async def reject(self, raw: bytes, error: str, source: str) -> None:
        """Keep input that could not be read as a dead letter (archived), and wait for it."""
        async with self.lock:
            self.producer.send_deadletter(DeadLetter.from_bytes(raw, error, source))
            await asyncio.to_thread(self.producer.flush)
        log.warning("dead-lettered input from %s: %s", source, error)
