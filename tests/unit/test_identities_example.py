"""The production identities example is exactly what the embedded stack generates."""

from __future__ import annotations

import json
from pathlib import Path

from civicmod.stack.credentials import ROLES, KeyPair, seaweed_identities

EXAMPLE = Path(__file__).resolve().parents[2] / "config/seaweedfs/identities.prod.json.example"


def test_example_matches_the_generated_least_privilege_identities() -> None:
    pairs = {
        role: KeyPair(f"CHANGE_ME_{role.upper()}_ACCESS_KEY",
                      f"CHANGE_ME_{role.upper()}_SECRET_KEY_AT_LEAST_32_CHARS")
        for role in ROLES
    }
    expected = seaweed_identities(pairs, "civicmod-archive", "civicmod-broker")
    assert json.loads(EXAMPLE.read_text(encoding="utf-8")) == expected
    identities = expected["identities"]
    assert isinstance(identities, list)
    pipeline = next(i for i in identities if i["name"] == "pipeline")
    assert "policyNames" in pipeline
