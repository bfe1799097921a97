"""The archive is immutable: no identity deletes a locked version or shortens retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from civicmod.stack import credentials
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


def _denied(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(caught.value.response["Error"]["Code"])


def test_sink_identity_cannot_delete_a_version_or_shorten_retention(stack: Settings) -> None:
    key = "immutability/sink.jsonl.gz"
    version = _put(stack, key)
    sink = s3_client(stack.s3)
    bucket = stack.s3.archive_bucket
    assert _denied(sink.delete_object, Bucket=bucket, Key=key, VersionId=version) == "AccessDenied"
    shorter = {"Mode": "COMPLIANCE", "RetainUntilDate": datetime.now(UTC) + timedelta(days=1)}
    assert _denied(sink.put_object_retention, Bucket=bucket, Key=key, VersionId=version,
                   Retention=shorter) == "AccessDenied"
    body = sink.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read()
    assert body == b"{}\n"


def test_even_the_admin_cannot_delete_a_compliance_locked_version(stack: Settings) -> None:
    key = "immutability/admin.jsonl.gz"
    version = _put(stack, key)
    admin_keys = credentials.load_or_create(stack.embedded.state_dir)["admin"]
    admin = s3_client(stack.s3, admin_keys.access_key, admin_keys.secret_key)
    bucket = stack.s3.archive_bucket
    before = admin.head_object(Bucket=bucket, Key=key, VersionId=version)
    assert _denied(admin.delete_object, Bucket=bucket, Key=key, VersionId=version) == "AccessDenied"
    shorter = {"Mode": "COMPLIANCE", "RetainUntilDate": datetime.now(UTC) + timedelta(days=1)}
    assert _denied(admin.put_object_retention, Bucket=bucket, Key=key, VersionId=version,
                   Retention=shorter) == "AccessDenied"
    after = admin.get_object(Bucket=bucket, Key=key, VersionId=version)
    assert after["Body"].read() == b"{}\n"
    assert after["ObjectLockMode"] == "COMPLIANCE"
    assert after["ObjectLockRetainUntilDate"] == before["ObjectLockRetainUntilDate"]
    assert [v["VersionId"] for v in admin.list_object_versions(
        Bucket=bucket, Prefix=key).get("Versions", [])] == [version]


def test_create_only_put_refuses_to_overwrite(stack: Settings) -> None:
    key = "immutability/once.jsonl.gz"
    _put(stack, key)
    store = ArchiveStore(s3_client(stack.s3), stack.s3.archive_bucket)
    with pytest.raises(ObjectExists):
        store.put_create_only(key, b"forged\n", 0, 0, 1)


def test_officer_identity_reads_but_cannot_write(stack: Settings) -> None:
    key = "immutability/officer.jsonl.gz"
    _put(stack, key)
    keys = credentials.load_or_create(stack.embedded.state_dir)["officer"]
    officer = s3_client(stack.s3, keys.access_key, keys.secret_key)
    bucket = stack.s3.archive_bucket
    assert officer.get_object(Bucket=bucket, Key=key)["Body"].read() == b"{}\n"
    assert _denied(officer.put_object, Bucket=bucket, Key="immutability/x", Body=b"x",
                   ChecksumAlgorithm="SHA256") == "AccessDenied"
    assert officer.list_objects_v2(Bucket=bucket, Prefix="immutability/x")["KeyCount"] == 0
