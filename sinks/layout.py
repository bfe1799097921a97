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


MANIFEST_ROOT = "_manifests/"
MANIFEST_SUFFIX = ".manifest.json"
CHAIN_HEAD_ROOT = "_chain-heads/"


def manifest_key(data_key: str) -> str:
    """The manifest of the archive object at ``data_key``: the same path under ``_manifests/``.

    ``_manifests/{topic}/dt=…/p=NNN/{topic}+{partition}+{first_offset:019d}.manifest.json``
    """
    return f"{MANIFEST_ROOT}{data_key.removesuffix(SUFFIX)}{MANIFEST_SUFFIX}"


def data_key_of(manifest: str) -> str:
    """The archive object a manifest key describes (the inverse of :func:`manifest_key`)."""
    return f"{manifest.removeprefix(MANIFEST_ROOT).removesuffix(MANIFEST_SUFFIX)}{SUFFIX}"


def chain_head_key(written_at: datetime, writer: str) -> str:
    """The key of a chain-head record: one folder per UTC day, then time and writer."""
    moment = written_at.astimezone(UTC)
    return (f"{CHAIN_HEAD_ROOT}dt={moment.date().isoformat()}/"
            f"{moment.strftime('%H%M%S.%f')}Z-{writer}.json")


def coordinates(data_key: str) -> tuple[str, int, int]:
    """``(topic, partition, first_offset)`` parsed from an archive object's file name."""
    name = data_key.rsplit("/", 1)[-1].removesuffix(SUFFIX)
    topic, partition, first = name.rsplit("+", 2)
    return topic, int(partition), int(first)


def day_of_key(key: str) -> date:
    """The ``dt=`` date in a data, manifest or chain-head key."""
    return date.fromisoformat(key.split("dt=", 1)[1][:10])
