"""The team's live queue in the console: one consumer in the team's group, shared by the
moderators logged in, with claims so that two never act on one item unknowingly.

Like ``civicmod review``, an item's offset is committed only once its action was acknowledged
by the broker, and only up to the oldest item of the partition still undecided: a restart of
the console, a crash or a rebalance shows every undecided item again. The consumer lives in
its own thread (kafka-python is not thread-safe); decisions reach it through a queue.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata
from pydantic import ValidationError

from civicmod.review import Item, parse_item, queue_consumer
from pipeline.actions import FlaggedComment, Standing
from pipeline.settings import Settings

log = logging.getLogger(__name__)

POLL_MS = 300
KEEP_DECIDED = 1000


@dataclass
class Entry:
    """One undecided item of the queue."""

    id: str
    item: Item
    tp: TopicPartition
    offset: int
    arrived: float
    claimed_by: str = ""
    claimed_until: float = 0.0

    @property
    def claimant(self) -> str:
        """Who holds a live claim on the item ("" when nobody does)."""
        return self.claimed_by if self.claimed_until > time.monotonic() else ""

    @property
    def severity(self) -> float:
        """The highest finding score (a ban recommendation ranks first)."""
        if isinstance(self.item, Standing):
            return 2.0
        return max((f.score for f in self.item.findings), default=0.0)

    @property
    def recommendation(self) -> str:
        """What the policy recommends: remove, review, allow, or ban."""
        if isinstance(self.item, Standing):
            return "ban"
        if isinstance(self.item, FlaggedComment):
            return self.item.recommendation
        return self.item.action


class Conflict(Exception):
    """The item is claimed by another moderator, or already decided; the message says so."""


class QueueService:
    """Holds the undecided items of the team's queue and the moderators' claims on them."""

    def __init__(self, settings: Settings, team: str,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self.team = team
        self.on_change = on_change
        self.claim_seconds = settings.console.claim_minutes * 60
        self.entries: dict[str, Entry] = {}
        self.decided: dict[str, str] = {}
        self.decisions: deque[float] = deque(maxlen=KEEP_DECIDED)
        self._lock = threading.Lock()
        self._done: queue.Queue[Entry] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="console-queue", daemon=True)

    def start(self) -> None:
        """Start consuming."""
        self._thread.start()

    def stop(self) -> None:
        """Stop consuming and close the consumer (undecided items stay uncommitted)."""
        self._stop.set()
        self._thread.join(timeout=10)

    def items(self, order: str = "newest") -> list[Entry]:
        """The undecided items, newest first or by severity."""
        with self._lock:
            entries = list(self.entries.values())
        if order == "severity":
            return sorted(entries, key=lambda e: (-e.severity, -e.arrived))
        return sorted(entries, key=lambda e: -e.arrived)

    def get(self, item_id: str) -> Entry | None:
        """The undecided item ``item_id``, if there is one."""
        with self._lock:
            return self.entries.get(item_id)

    def claim(self, item_id: str, moderator: str, take_over: bool = False) -> Entry:
        """Claim an item for ``moderator``; raise :class:`Conflict` if another holds it."""
        with self._lock:
            entry = self._entry(item_id)
            now = time.monotonic()
            if entry.claimant not in ("", moderator) and not take_over:
                raise Conflict(f"claimed by {entry.claimed_by}")
            entry.claimed_by, entry.claimed_until = moderator, now + self.claim_seconds
        self.on_change()
        return entry

    def done(self, item_id: str, moderator: str, kind: str) -> None:
        """The item's action was acknowledged: drop it and let its offset be committed."""
        with self._lock:
            entry = self.entries.pop(item_id, None)
            self.decided[item_id] = f"{kind} by {moderator}"
            if len(self.decided) > KEEP_DECIDED:
                del self.decided[next(iter(self.decided))]
            if entry is not None:
                self.decisions.append(time.monotonic() - entry.arrived)
        if entry is not None:
            self._done.put(entry)
        self.on_change()

    def _entry(self, item_id: str) -> Entry:
        entry = self.entries.get(item_id)
        if entry is None:
            decided = self.decided.get(item_id)
            raise Conflict(f"already decided: {decided}" if decided else "no such item in "
                           "the queue (decided elsewhere or moved to another console)")
        return entry

    def _run(self) -> None:
        consumer = queue_consumer(self.settings, self.team, f"civicmod-console-{self.team}",
                                  max_records=100)
        consumer.subscribe([self.settings.topics.flagged, self.settings.topics.sanctions],
                           listener=_Forget(self))
        try:
            while not self._stop.is_set():
                self._commit_done(consumer)
                full = len(self.entries) >= self.settings.console.queue_limit
                assigned = consumer.assignment()
                if full:
                    consumer.pause(*assigned)
                else:
                    consumer.resume(*assigned)
                polled = consumer.poll(timeout_ms=POLL_MS)
                added = sum(self._add(tp, m.offset, m.value or b"")
                            for tp, messages in polled.items() for m in messages)
                if added:
                    self.on_change()
        finally:
            try:
                self._commit_done(consumer)
            finally:
                consumer.close(autocommit=False)

    def _add(self, tp: TopicPartition, offset: int, value: bytes) -> bool:
        try:
            item = parse_item(value)
        except (ValueError, ValidationError):
            log.warning("unreadable queue item at %s[%d]@%d; skipped", tp.topic, tp.partition,
                        offset)
            item = None
        entry = Entry(f"{tp.topic}:{tp.partition}:{offset}", item,  # type: ignore[arg-type]
                      tp, offset, time.time())
        if item is None or (isinstance(item, Standing) and item.recommendation is None):
            self._done.put(entry)  # nothing to decide: commit past it
            return False
        with self._lock:
            self.entries[entry.id] = entry
        return True

    def _commit_done(self, consumer: KafkaConsumer) -> None:
        """Commit each partition up to its oldest undecided item."""
        touched: set[TopicPartition] = set()
        while not self._done.empty():
            touched.add(self._done.get().tp)
        for tp in touched & consumer.assignment():
            with self._lock:
                pending = [e.offset for e in self.entries.values() if e.tp == tp]
            upto = min(pending) if pending else consumer.position(tp)
            try:
                consumer.commit({tp: OffsetAndMetadata(upto, "", -1)})
            except CommitFailedError:
                log.warning("the queue was rebalanced; %s[%d] may show items again", tp.topic,
                            tp.partition)

    def forget(self, partitions: list[TopicPartition]) -> None:
        """Drop the items of revoked partitions (their new owner shows them)."""
        with self._lock:
            for key in [k for k, e in self.entries.items() if e.tp in partitions]:
                del self.entries[key]
        self.on_change()


class _Forget(ConsumerRebalanceListener):
    def __init__(self, service: QueueService) -> None:
        self.service = service

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self.service.forget(list(revoked))

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None
