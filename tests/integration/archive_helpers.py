"""Helpers for the archive tests: isolated series, synthetic verdict lines, role clients."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from civicmod.stack import credentials
from civicmod.stack.embedded import child_environment
from pipeline.settings import ArchiveSettings, Settings, TopicSettings
from sinks.chain import ChainWriter
from sinks.manifest import Manifest, sha256_hex
from sinks.s3 import s3_client
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore

DAY = date(2026, 11, 25)
T0 = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp() * 1000)


def archive_settings(stack: Settings, name: str, **archive: Any) -> Settings:
    """Settings whose topics and archive-native series are this test's own (no broker use)."""
    prefix = f"{name}-{uuid.uuid4().hex[:6]}"
    topics = TopicSettings(**{
        field: f"{prefix}.{default}" for field, default in TopicSettings().model_dump().items()
    })
    section = ArchiveSettings(records_topic=f"{prefix}.archive.actions",
                              index_file=str(stack.embedded.state_dir / f"{prefix}.duckdb"),
                              **archive)
    return stack.model_copy(update={"topics": topics, "archive": section})


def role_store(settings: Settings, role: str) -> ArchiveStore:
    """The archive as one embedded identity (admin, pipeline, officer) sees it."""
    keys = credentials.load_or_create(settings.embedded.state_dir)[role]
    client = s3_client(settings.s3, keys.access_key, keys.secret_key)
    return ArchiveStore(client, settings.s3.archive_bucket)


def cli_env(settings: Settings, role: str) -> dict[str, str]:
    """The environment of a ``civicmod archive`` command run with ``role``'s keys."""
    keys = credentials.load_or_create(settings.embedded.state_dir)[role]
    return {**child_environment(settings), "CIVICMOD_S3__ACCESS_KEY": keys.access_key,
            "CIVICMOD_S3__SECRET_KEY": keys.secret_key}


def writer(settings: Settings, store: ArchiveStore | None = None) -> ChainWriter:
    """A chain writer on the pipeline identity, as the sink builds it."""
    return ChainWriter(store or role_store(settings, "pipeline"), RetentionSeries(settings),
                       "test", every_objects=1000, every_seconds=3600)


def verdict_line(settings: Settings, partition: int, offset: int, **comment: Any) -> dict[str, Any]:
    """One archive line of a verdict on a synthetic comment (``action`` and fields overridable)."""
    action = comment.pop("action", "allow")
    findings = comment.pop("findings", [])
    reasons = comment.pop("reasons", [])
    grounds = {"categories": comment.pop("categories")} if "categories" in comment else {}
    body = {
        "id": f"c-{partition}-{offset}", "platform": "facebook", "page": "townofqueencreek",
        "post": "p-1", "parent": None, "author_id": f"u-{offset % 7}", "author_name": "Pat Doe",
        "text": f"When will Ellsworth Loop reopen? ({offset})",
        "created_at": "2026-11-25T09:00:00Z", "url": None,
        "ingested_at": "2026-11-25T09:00:01Z", **comment,
    }
    return {
        "topic": settings.topics.verdicts, "partition": partition, "offset": offset,
        "timestamp_ms": T0 + offset, "key": f"facebook:{body['author_id']}",
        "record": {"comment": body, "findings": findings, "action": action, **grounds,
                   "reasons": reasons,
                   "policy_version": "2026-11-25.1", "model_version": "test@1",
                   "scored_chars": len(body["text"]), "truncated": False,
                   "decided_at": "2026-11-25T09:00:02Z"},
    }


def write_partition(
    settings: Settings, chain: ChainWriter, partition: int, objects: int, per_object: int
) -> list[str]:
    """Append ``objects`` verdict objects of ``per_object`` lines to one partition."""
    keys = []
    for n in range(objects):
        lines = [verdict_line(settings, partition, n * per_object + i) for i in range(per_object)]
        keys.append(chain.append(settings.topics.verdicts, partition, DAY, lines).key)
    return keys


def manifests(store: ArchiveStore, topic: str) -> Iterator[tuple[Manifest, str]]:
    """Every manifest of ``topic`` with the SHA-256 of its stored bytes."""
    for key in sorted(store.keys(f"_manifests/{topic}/")):
        body = store.get(key)
        yield Manifest.from_bytes(body), sha256_hex(body)


def chain_heads(store: ArchiveStore) -> Iterator[dict[str, Any]]:
    """Every chain-head record in the bucket."""
    for key in sorted(store.keys("_chain-heads/")):
        yield json.loads(store.get(key))
