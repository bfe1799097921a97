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


def seaweed_identities(pairs: dict[str, KeyPair], archive: str, broker: str) -> dict[str, object]:
    """The SeaweedFS ``-s3.config`` document: least privilege for each role.

    admin: everything (bucket setup, legal holds); pipeline: read, list and write the archive,
    never delete or change retention; broker: the broker's own log bucket; officer: read and
    list the archive only.
    """
    actions = {
        "admin": ["Admin", "Read", "List", "Tagging", "Write"],
        "pipeline": [f"Read:{archive}", f"List:{archive}", f"Write:{archive}"],
        "broker": [f"Read:{broker}", f"List:{broker}", f"Write:{broker}"],
        "officer": [f"Read:{archive}", f"List:{archive}"],
    }
    return {
        "identities": [
            {
                "name": role,
                "credentials": [{"accessKey": pair.access_key, "secretKey": pair.secret_key}],
                "actions": actions[role],
            }
            for role, pair in pairs.items()
        ]
    }
