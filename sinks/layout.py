"""The archive's object keys: deterministic, date-partitioned, one partition per folder.

``{topic}/dt={YYYY-MM-DD}/p={partition:03d}/{topic}+{partition}+{first_offset:019d}.jsonl.gz``

``dt`` is the UTC date of the first record's Kafka timestamp, never earlier than the date of
the partition's previous object, so dates only move forward within a partition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

SUFFIX = ".jsonl.gz"


def object_key(topic: str, partition: int, first_offset: int, day: date) -> str:
    """The key of the archive object whose first record is ``first_offset``."""
    return (
        f"{partition_prefix(topic, day, partition)}"
        f"{topic}+{partition}+{first_offset:019d}{SUFFIX}"
    )


def date_prefix(topic: str) -> str:
    """The folder holding one sub-folder per date for ``topic``."""
    return f"{topic}/"


def partition_prefix(topic: str, day: date, partition: int) -> str:
    """The folder of one partition's objects on one date."""
    return f"{topic}/dt={day.isoformat()}/p={partition:03d}/"


def day_of(timestamp_ms: int) -> date:
    """The UTC date of a Kafka timestamp in milliseconds."""
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).date()


def parse_day(folder: str) -> date:
    """The date of a ``{topic}/dt=YYYY-MM-DD/`` folder name."""
    return date.fromisoformat(folder.rstrip("/").rsplit("dt=", 1)[1])
