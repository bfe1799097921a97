"""Audit records of the console: every login (failed ones too), logout, refusal and action.

They go to ``topics.audit``, which the archive sink archives like ``moderation.actions``.
A record names who, what and the ids concerned, never a comment's text.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from kafka import KafkaProducer

from pipeline.kafka_auth import client_options
from pipeline.records import utc_now
from pipeline.settings import Settings

SEND_TIMEOUT_SECONDS = 30.0


def audit_record(action: str, actor: str, role: str, remote: str, outcome: str,
                 **detail: Any) -> dict[str, Any]:
    """One audit record: ``action`` (login, logout, refused, moderate, export…) by ``actor``."""
    return {"kind": "audit", "id": uuid.uuid4().hex, "action": action, "actor": actor,
            "role": role, "remote": remote, "outcome": outcome, "detail": detail,
            "at": utc_now().isoformat()}


class Auditor:
    """Writes audit records and waits for the broker's acknowledgement."""

    def __init__(self, settings: Settings) -> None:
        self.topic = settings.topics.audit
        self.producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers,
                                      client_id="civicmod-console-audit", acks="all",
                                      **client_options(settings.kafka))

    async def write(self, record: dict[str, Any]) -> None:
        """Send ``record``; raises if the broker does not acknowledge it."""
        value = json.dumps(record, ensure_ascii=False).encode("utf-8")
        future = self.producer.send(self.topic, key=record["actor"].encode("utf-8"),
                                     value=value)
        await asyncio.to_thread(future.get, SEND_TIMEOUT_SECONDS)

    def close(self) -> None:
        """Flush and close the producer."""
        self.producer.flush()
        self.producer.close()
