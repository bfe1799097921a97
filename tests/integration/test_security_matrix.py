"""Who may do what to the archive, in one table (real SeaweedFS), and where the embedded
services listen.

Each row: an identity (the embedded stack's generated keys, or no keys at all), an operation
on a freshly archived COMPLIANCE-locked object (under a legal hold where the row needs one),
and the outcome: ``ok`` or the S3 error code. After a refused operation the object must be
exactly as it was: the same one version, no delete marker, the same retention and hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from civicmod.stack import credentials
from civicmod.stack.embedded import EmbeddedServices
from pipeline.settings import Settings
from sinks.s3 import s3_client

pytestmark = pytest.mark.integration

DENIED = "AccessDenied"


@dataclass(frozen=True)
class Target:
    """One archived object: its bucket, key and locked version."""

    bucket: str
    key: str
    version: str


@cache
def _client(stack: Settings, identity: str) -> Any:
    """An S3 client with ``identity``'s embedded keys (``anonymous``: unsigned requests)."""
    if identity == "anonymous":
        return boto3.client("s3", endpoint_url=stack.s3.endpoint_url, region_name=stack.s3.region,
                            config=Config(signature_version=UNSIGNED,
                                          s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))
    keys = credentials.load_or_create(stack.embedded.state_dir)[identity]
    return s3_client(stack.s3, keys.access_key, keys.secret_key)


def _write(c: Any, t: Target) -> Any:
    return c.put_object(Bucket=t.bucket, Key=f"{t.key}.new", Body=b"{}\n",
                        ChecksumAlgorithm="SHA256")


def _batch_delete(c: Any, t: Target) -> Any:
    errors = c.delete_objects(Bucket=t.bucket, Delete={"Objects": [{"Key": t.key}]})
    if errors.get("Errors"):  # a multi-object delete answers 200 and lists refusals
        raise ClientError({"Error": errors["Errors"][0]}, "DeleteObjects")
    return errors


def _retain(days: int) -> dict[str, Any]:
    return {"Mode": "COMPLIANCE", "RetainUntilDate": datetime.now(UTC) + timedelta(days=days)}


OPERATIONS: dict[str, Callable[[Any, Target], Any]] = {
    "write a new object": _write,
    "read": lambda c, t: c.get_object(Bucket=t.bucket, Key=t.key)["Body"].read(),
    "list": lambda c, t: c.list_objects_v2(Bucket=t.bucket, Prefix=t.key),
    "list versions": lambda c, t: c.list_object_versions(Bucket=t.bucket, Prefix=t.key),
    "delete (place a delete marker)": lambda c, t: c.delete_object(Bucket=t.bucket, Key=t.key),
    "delete the locked version": lambda c, t: c.delete_object(
        Bucket=t.bucket, Key=t.key, VersionId=t.version),
    "delete in a batch": _batch_delete,
    "shorten retention": lambda c, t: c.put_object_retention(
        Bucket=t.bucket, Key=t.key, VersionId=t.version, Retention=_retain(1)),
    "place a legal hold": lambda c, t: c.put_object_legal_hold(
        Bucket=t.bucket, Key=t.key, VersionId=t.version, LegalHold={"Status": "ON"}),
    "remove a legal hold": lambda c, t: c.put_object_legal_hold(
        Bucket=t.bucket, Key=t.key, VersionId=t.version, LegalHold={"Status": "OFF"}),
}

MATRIX = [
    # the pipeline appends and reads back; it never deletes, shortens or holds
    ("pipeline", "write a new object", "ok"),
    ("pipeline", "read", "ok"),
    ("pipeline", "delete (place a delete marker)", DENIED),
    ("pipeline", "delete the locked version", DENIED),
    ("pipeline", "delete in a batch", DENIED),
    ("pipeline", "shorten retention", DENIED),
    ("pipeline", "place a legal hold", DENIED),
    ("pipeline", "remove a legal hold", DENIED),
    # records officers read everything and change nothing
    ("officer", "read", "ok"),
    ("officer", "list versions", "ok"),
    ("officer", "write a new object", DENIED),
    ("officer", "delete (place a delete marker)", DENIED),
    ("officer", "shorten retention", DENIED),
    ("officer", "place a legal hold", DENIED),
    ("officer", "remove a legal hold", DENIED),
    # the administrator holds and releases; Object Lock still refuses it the rest
    ("admin", "remove a legal hold", "ok"),
    ("admin", "delete the locked version", DENIED),
    ("admin", "shorten retention", DENIED),
    # no keys, no access
    ("anonymous", "read", DENIED),
    ("anonymous", "list", DENIED),
    ("anonymous", "write a new object", DENIED),
    ("anonymous", "delete (place a delete marker)", DENIED),
]
HELD = {"remove a legal hold"}


def _state(admin: Any, t: Target) -> tuple[Any, ...]:
    """Versions and delete markers under the key, the version's retention and legal hold."""
    listed = admin.list_object_versions(Bucket=t.bucket, Prefix=t.key)
    versions = sorted((v["Key"], v["VersionId"]) for v in listed.get("Versions", []))
    markers = sorted(m["Key"] for m in listed.get("DeleteMarkers", []))
    head = admin.head_object(Bucket=t.bucket, Key=t.key, VersionId=t.version)
    return (versions, markers, head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
            head.get("ObjectLockLegalHoldStatus"))


@pytest.fixture
def target(stack: Settings, request: pytest.FixtureRequest) -> Target:
    """A new object archived by the pipeline identity (held by the admin where needed)."""
    key = f"security-matrix/{uuid.uuid4().hex}.jsonl.gz"
    bucket = stack.s3.archive_bucket
    version = _client(stack, "pipeline").put_object(
        Bucket=bucket, Key=key, Body=b"{}\n", ChecksumAlgorithm="SHA256")["VersionId"]
    if request.node.callspec.params["operation"] in HELD:
        _client(stack, "admin").put_object_legal_hold(
            Bucket=bucket, Key=key, VersionId=version, LegalHold={"Status": "ON"})
    return Target(bucket, key, version)


@pytest.mark.parametrize(("identity", "operation", "outcome"), MATRIX,
                         ids=[f"{i}-{o.split(' (')[0].replace(' ', '-')}" for i, o, _ in MATRIX])
def test_identity_may_only_do_its_job(
    stack: Settings, target: Target, identity: str, operation: str, outcome: str,
) -> None:
    admin = _client(stack, "admin")
    before = _state(admin, target)
    assert before[2] == "COMPLIANCE" and before[3] > datetime.now(UTC) + timedelta(days=1000)
    try:
        OPERATIONS[operation](_client(stack, identity), target)
        answer = "ok"
    except ClientError as exc:
        answer = str(exc.response["Error"]["Code"])
    assert answer == outcome
    if answer != "ok":
        assert _state(admin, target) == before
    body = admin.get_object(Bucket=target.bucket, Key=target.key, VersionId=target.version)
    assert body["Body"].read() == b"{}\n"


# ---------------------------------------------------------------------------------------
# The embedded services listen on loopback only
# ---------------------------------------------------------------------------------------

LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}
"""127.0.0.1 and ::1 (and ::ffff:127.0.0.1) as /proc/net/tcp{,6} spell them."""


def listening(pid: int) -> Iterator[tuple[str, int]]:
    """(hex address, port) of every TCP socket ``pid`` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = fd.readlink().name
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = row.split()
            address, port = fields[1].split(":")
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                yield address, int(port, 16)


def test_the_embedded_broker_and_s3_listen_on_loopback_only(embedded: EmbeddedServices) -> None:
    sockets = {}
    for process in embedded.processes:
        assert process.pid is not None and process.alive()
        sockets[process.name] = sorted(set(listening(process.pid)))
    print(f"\nlistening sockets: {sockets}")
    emb = embedded.settings.embedded
    assert emb.s3_port in {port for _, port in sockets["seaweedfs"]}
    assert emb.broker_port in {port for _, port in sockets["tansu"]}
    exposed = {name: [s for s in found if s[0] not in LOOPBACK] for name, found in sockets.items()}
    assert exposed == {"seaweedfs": [], "tansu": []}
