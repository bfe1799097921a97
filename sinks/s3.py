"""S3 clients and the archive bucket's setup (Object Lock, default COMPLIANCE retention)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from pipeline.settings import S3Settings


def s3_client(settings: S3Settings, access_key: str = "", secret_key: str = "") -> Any:
    """A boto3 S3 client for the settings' endpoint (keys default to the settings' identity)."""
    return boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        aws_access_key_id=access_key or settings.access_key.get_secret_value(),
        aws_secret_access_key=secret_key or settings.secret_key.get_secret_value(),
        config=Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
        ),
    )


def _exists(client: Any, bucket: str) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchBucket", "NotFound"}:
            return False
        raise
    return True


def ensure_archive_bucket(admin: Any, bucket: str, retention_days: int) -> None:
    """Create the archive bucket with Object Lock and a default COMPLIANCE retention.

    Idempotent. An existing bucket keeps its retention when it is longer: retention is never
    shortened by civicmod (and SeaweedFS refuses to shorten a locked version anyway).
    """
    if not _exists(admin, bucket):
        admin.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    current = admin.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    days = current.get("Rule", {}).get("DefaultRetention", {}).get("Days", 0)
    if days < retention_days:
        admin.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": retention_days}},
            },
        )


def ensure_plain_bucket(admin: Any, bucket: str) -> None:
    """Create an ordinary bucket (the embedded broker's log) if it is missing."""
    if not _exists(admin, bucket):
        admin.create_bucket(Bucket=bucket)
