"""Each S3 identity can do its job on the archive and nothing more (real SeaweedFS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from pipeline.settings import Settings
from sinks.store import ArchiveStore
from tests.integration.archive_helpers import archive_settings, role_store, write_partition, writer

pytestmark = pytest.mark.integration


def _denied(call: object, **kwargs: object) -> None:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)  # type: ignore[operator]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def _archived(stack: Settings, name: str) -> tuple[ArchiveStore, str, str]:
    settings = archive_settings(stack, name)
    key = write_partition(settings, writer(settings), 0, objects=1, per_object=2)[0]
    store = role_store(settings, "admin")
    return store, key, store.client.head_object(Bucket=store.bucket, Key=key)["VersionId"]


def test_pipeline_writes_locked_objects_but_deletes_and_holds_nothing(stack: Settings) -> None:
    _, key, version = _archived(stack, "id-pipeline")
    pipeline = role_store(stack, "pipeline")
    info = pipeline.head(key)
    assert info is not None and info.lock_mode == "COMPLIANCE"
    client, bucket = pipeline.client, pipeline.bucket
    _denied(client.delete_object, Bucket=bucket, Key=key)
    _denied(client.delete_object, Bucket=bucket, Key=key, VersionId=version)
    batch = client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key}]})
    assert [e["Code"] for e in batch["Errors"]] == ["AccessDenied"]
    _denied(client.put_object_legal_hold, Bucket=bucket, Key=key, VersionId=version,
            LegalHold={"Status": "ON"})
    _denied(client.put_object_retention, Bucket=bucket, Key=key, VersionId=version,
            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": datetime.now(UTC) + timedelta(1)})
    assert pipeline.head(key) is not None


def test_officer_reads_lists_versions_and_locks_but_changes_nothing(stack: Settings) -> None:
    _, key, version = _archived(stack, "id-officer")
    officer = role_store(stack, "officer")
    body, info = officer.get_with_info(key)
    assert body and info.lock_mode == "COMPLIANCE" and info.retain_until is not None
    assert [v.key for v in officer.versions(key)] == [key]
    client, bucket = officer.client, officer.bucket
    _denied(client.put_object, Bucket=bucket, Key=f"{key}.copy", Body=b"x",
            ChecksumAlgorithm="SHA256")
    _denied(client.delete_object, Bucket=bucket, Key=key)
    _denied(client.put_object_legal_hold, Bucket=bucket, Key=key, VersionId=version,
            LegalHold={"Status": "ON"})


def test_admin_sets_and_releases_legal_holds_but_cannot_delete_a_locked_version(
    stack: Settings,
) -> None:
    admin, key, version = _archived(stack, "id-admin")
    client, bucket = admin.client, admin.bucket
    client.put_object_legal_hold(Bucket=bucket, Key=key, VersionId=version,
                                 LegalHold={"Status": "ON"})
    assert role_store(stack, "officer").head(key).legal_hold  # type: ignore[union-attr]
    client.put_object_legal_hold(Bucket=bucket, Key=key, VersionId=version,
                                 LegalHold={"Status": "OFF"})
    with pytest.raises(ClientError) as locked:
        client.delete_object(Bucket=bucket, Key=key, VersionId=version)
    assert locked.value.response["Error"]["Code"] == "AccessDenied"
    assert admin.get_with_info(key, version)[1].lock_mode == "COMPLIANCE"
