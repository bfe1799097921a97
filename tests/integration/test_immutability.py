"""The archive is immutable: a create-only PUT never replaces an archived object. Who may
delete, hold or shorten retention: test_security_matrix.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.settings import Settings
from sinks.s3 import s3_client
from sinks.store import ArchiveStore, ObjectExists

pytestmark = pytest.mark.integration


def _put(settings: Settings, key: str) -> str:
    store = ArchiveStore(s3_client(settings.s3), settings.s3.archive_bucket)
    store.put_create_only(key, b"{}\n", 0, 0, 1)
    head = store.client.head_object(Bucket=store.bucket, Key=key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + timedelta(days=1000)
    return str(head["VersionId"])


def test_create_only_put_refuses_to_overwrite(stack: Settings) -> None:
    key = "immutability/once.jsonl.gz"
    _put(stack, key)
    store = ArchiveStore(s3_client(stack.s3), stack.s3.archive_bucket)
    with pytest.raises(ObjectExists):
        store.put_create_only(key, b"forged\n", 0, 0, 1)
