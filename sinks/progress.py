"""The archive sink's progress per partition, published as lag metrics.

Lag is computed from what this sink consumed (pipeline/lag.py): the broker's high watermark
where it is right, just past the last offset consumed where it is not (Tansu).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kafka import TopicPartition

from pipeline import metrics
from pipeline.lag import effective_end, partition_lag


@dataclass
class _Partition:
    next_to_archive: int | None = None  # the committed offset, once known
    end: int = 0
    oldest_pending_ms: int | None = None  # broker timestamp of the first unarchived record


class ArchiveProgress:
    """Tracks consumed and archived offsets and sets the archive lag gauges."""

    def __init__(self) -> None:
        self.partitions: dict[TopicPartition, _Partition] = {}

    def consumed(self, tp: TopicPartition, offset: int, timestamp_ms: int,
                 highwater: int | None) -> None:
        """A record was read (not yet archived)."""
        part = self.partitions.setdefault(tp, _Partition())
        if part.next_to_archive is None:
            part.next_to_archive = offset
        part.end = effective_end(max(part.end, highwater or 0), [offset])
        if part.oldest_pending_ms is None:
            part.oldest_pending_ms = timestamp_ms

    def archived(self, tp: TopicPartition, next_offset: int, records: int) -> None:
        """Everything before ``next_offset`` is archived and committed."""
        self.resumed(tp, next_offset)
        metrics.ARCHIVE_RECORDS.labels(tp.topic).inc(records)
        metrics.ARCHIVE_OBJECTS.labels(tp.topic).inc()

    def resumed(self, tp: TopicPartition, next_offset: int) -> None:
        """The partition continues at ``next_offset``; nothing before it is pending."""
        part = self.partitions.setdefault(tp, _Partition())
        part.next_to_archive = next_offset
        part.end = max(part.end, next_offset)
        part.oldest_pending_ms = None

    def revoked(self, tp: TopicPartition) -> None:
        """Another sink owns the partition now: stop reporting it."""
        if self.partitions.pop(tp, None) is not None:
            metrics.ARCHIVE_LAG.remove(tp.topic, str(tp.partition))

    def publish(self, now_ms: int | None = None) -> None:
        """Set the lag gauges from the current state."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        pending = []
        for tp, part in self.partitions.items():
            metrics.ARCHIVE_LAG.labels(tp.topic, str(tp.partition)).set(
                partition_lag(part.end, part.next_to_archive, part.end)
            )
            if part.oldest_pending_ms is not None:
                pending.append(part.oldest_pending_ms)
        metrics.ARCHIVE_LAG_SECONDS.set(max(now_ms - min(pending), 0) / 1000 if pending else 0)
