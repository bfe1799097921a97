"""The embedded stack's S3 identities: generated once, kept in the state directory (0600)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

ROLES = ("admin", "pipeline", "broker", "officer")


@dataclass(frozen=True)
class KeyPair:
    """An S3 access key and its secret."""

    access_key: str
    secret_key: str


def load_or_create(state_dir: Path) -> dict[str, KeyPair]:
    """Read the embedded identities from ``state_dir``, generating them on first use."""
    path = state_dir / "credentials.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return {role: KeyPair(**data[role]) for role in ROLES}
    pairs = {
        role: KeyPair(f"{role}-{secrets.token_hex(6)}", secrets.token_urlsafe(30))
        for role in ROLES
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({role: asdict(pair) for role, pair in pairs.items()}, out)
    return pairs


def embedded_keys(state_dir: Path, role: str) -> KeyPair | None:
    """``role``'s keys if the embedded stack has generated them (None: not generated yet)."""
    if not (state_dir / "credentials.json").exists():
        return None
    return load_or_create(state_dir)[role]


def _policy(name: str, bucket: str, allow: list[str], deny: list[str]) -> dict[str, str]:
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    statements = [{"Effect": "Allow", "Action": allow, "Resource": resources}]
    if deny:
        statements.append({"Effect": "Deny", "Action": deny, "Resource": resources})
    return {"name": name, "content": json.dumps({"Version": "2012-10-17", "Statement": statements})}


PIPELINE_ALLOW = ["s3:PutObject", "s3:PutObjectRetention", "s3:GetObject", "s3:GetObjectVersion",
                  "s3:ListBucket"]
OFFICER_ALLOW = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention",
                 "s3:GetObjectLegalHold", "s3:ListBucket", "s3:ListBucketVersions"]
NEVER_PIPELINE = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectLegalHold",
                  "s3:BypassGovernanceRetention"]


def seaweed_identities(pairs: dict[str, KeyPair], archive: str, broker: str) -> dict[str, object]:
    """The SeaweedFS ``-s3.config`` document: least privilege for each role.

    admin: everything (bucket setup, legal holds, disposal of expired versions); pipeline:
    an IAM policy allowing it to read, list and write the archive (with a per-object
    retention) and denying every delete, so it cannot even place a delete marker; officer:
    read and list the archive, its versions, retention and holds; broker: its own bucket.
    SeaweedFS ignores an identity's coarse ``actions`` once it names policies, so the
    policy identities carry none (docs/archive.md, "Identities").
    """
    actions = {
        "admin": ["Admin", "Read", "List", "Tagging", "Write"],
        "broker": [f"Read:{broker}", f"List:{broker}", f"Write:{broker}"],
    }
    policies = {
        "pipeline": _policy("civicmod-pipeline", archive, PIPELINE_ALLOW, NEVER_PIPELINE),
        "officer": _policy("civicmod-officer", archive, OFFICER_ALLOW, []),
    }
    identities: list[dict[str, object]] = []
    for role, pair in pairs.items():
        identity: dict[str, object] = {
            "name": role,
            "credentials": [{"accessKey": pair.access_key, "secretKey": pair.secret_key}],
        }
        if role in policies:
            identity["policyNames"] = [policies[role]["name"]]
        else:
            identity["actions"] = actions[role]
        identities.append(identity)
    return {"identities": identities, "policies": list(policies.values())}
