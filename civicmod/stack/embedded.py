"""The one-machine stack: SeaweedFS, then Tansu (its log in SeaweedFS), buckets and topics."""

from __future__ import annotations

import logging
from pathlib import Path

from kafka import KafkaAdminClient
from pydantic import BaseModel, SecretStr

from civicmod.stack import credentials
from civicmod.stack.ports import free_port, wait_listening
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.services import GRPC_OFFSET, seaweed_process, tansu_process
from pipeline.settings import EmbeddedSettings, KafkaSettings, Settings, load_settings
from pipeline.topics import create_topics
from sinks.s3 import ensure_archive_bucket, ensure_plain_bucket, s3_client

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0


def embedded_settings(settings: Settings) -> Settings:
    """Point the settings at the embedded services' loopback endpoints and pipeline keys."""
    keys = credentials.load_or_create(settings.embedded.state_dir)["pipeline"]
    located = embedded_endpoints(settings)
    s3 = located.s3.model_copy(update={"access_key": SecretStr(keys.access_key),
                                       "secret_key": SecretStr(keys.secret_key)})
    return located.model_copy(update={"s3": s3})


def embedded_endpoints(settings: Settings) -> Settings:
    """The settings with the embedded services' loopback endpoints (no keys): where
    ``civicmod status`` looks when the stack is embedded."""
    emb = settings.embedded
    s3 = settings.s3.model_copy(update={"endpoint_url": f"http://127.0.0.1:{emb.s3_port}"})
    kafka = settings.kafka
    if emb.kafka:
        kafka = kafka.model_copy(update={"bootstrap_servers": f"127.0.0.1:{emb.broker_port}"})
    return settings.model_copy(update={"s3": s3, "kafka": kafka})


def child_environment(settings: Settings) -> dict[str, str]:
    """The ``CIVICMOD_*`` variables that give a child process exactly these settings."""
    env: dict[str, str] = {}
    for name, value in settings:
        if isinstance(value, BaseModel):
            for key, inner in value:
                env[f"CIVICMOD_{name.upper()}__{key.upper()}"] = _env_value(inner)
        else:
            env[f"CIVICMOD_{name.upper()}"] = _env_value(value)
    return env


def _env_value(value: object) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class EmbeddedServices:
    """Starts and stops SeaweedFS and Tansu for ``settings.embedded`` (ports, state dir)."""

    def __init__(self, settings: Settings, seaweed_base_port: int | None = None) -> None:
        self.settings = embedded_settings(settings)
        emb = settings.embedded
        self.state_dir: Path = emb.state_dir
        self.logs = emb.state_dir / "logs"
        self.keys = credentials.load_or_create(emb.state_dir)
        base = seaweed_base_port if seaweed_base_port is not None else emb.s3_port + 1000
        identities = credentials.seaweed_identities(
            self.keys, settings.s3.archive_bucket, emb.broker_bucket
        )
        self.seaweed = seaweed_process(
            emb.state_dir / "seaweedfs", emb.s3_port, base, identities, self.logs
        )
        self.tansu = tansu_process(
            emb.broker_port,
            self.settings.s3.endpoint_url,
            emb.broker_bucket,
            self.keys["broker"],
            self.logs,
        )

    @property
    def processes(self) -> list[ManagedProcess]:
        """The services this configuration embeds, in start order."""
        return [self.seaweed, self.tansu] if self.settings.embedded.kafka else [self.seaweed]

    def start(self) -> Settings:
        """Start the embedded services, create buckets and topics; return effective settings."""
        emb = self.settings.embedded
        self.seaweed.start()
        admin = s3_client(self.settings.s3, **self._keys("admin"))
        self.seaweed.wait_ready(lambda: bool(admin.list_buckets() is not None), READY_TIMEOUT)
        ensure_archive_bucket(
            admin, self.settings.s3.archive_bucket, self.settings.s3.retention_days
        )
        if emb.kafka:
            ensure_plain_bucket(admin, emb.broker_bucket)
            self.tansu.start()
            self.tansu.wait_ready(self._broker_ready, READY_TIMEOUT)
        created = create_topics(self.settings)
        log.info("embedded stack ready; topics created: %s", ", ".join(created) or "none")
        return self.settings

    def stop(self) -> None:
        """Stop the services in reverse start order."""
        for process in reversed(self.processes):
            process.stop()

    def _keys(self, role: str) -> dict[str, str]:
        pair = self.keys[role]
        return {"access_key": pair.access_key, "secret_key": pair.secret_key}

    def _broker_ready(self) -> bool:
        if not wait_listening(self.settings.embedded.broker_port):
            return False
        admin = KafkaAdminClient(
            bootstrap_servers=self.settings.kafka.bootstrap_servers, request_timeout_ms=3000
        )
        try:
            admin.list_topics()
        finally:
            admin.close()
        return True


SEAWEED_OFFSETS = tuple(o + g for g in (0, GRPC_OFFSET) for o in range(4))
"""The ports SeaweedFS takes above its base port (master, volume, filer, admin, and gRPC)."""


def free_port_settings(state_dir: Path, partitions: int = 2) -> Settings:
    """Settings for an embedded stack on fresh free loopback ports under ``state_dir`` (tests
    and benchmarks run beside a developer's own stack)."""
    return load_settings(
        embedded=EmbeddedSettings(state_dir=state_dir, s3_port=free_port((0, GRPC_OFFSET)),
                                  broker_port=free_port()),
        kafka=KafkaSettings(partitions=partitions),
    )


def start_embedded(settings: Settings) -> tuple[EmbeddedServices, Settings]:
    """Start SeaweedFS and Tansu on a free SeaweedFS base port; return them and the effective
    settings (stopping what started if the start fails)."""
    services = EmbeddedServices(settings, seaweed_base_port=free_port(SEAWEED_OFFSETS))
    try:
        effective = services.start()
    except Exception:
        services.stop()
        raise
    return services, effective
