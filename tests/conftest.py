"""Shared fixtures: the real embedded stack (SeaweedFS + Tansu) on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from civicmod.stack.embedded import EmbeddedServices
from civicmod.stack.ports import free_port
from civicmod.stack.services import GRPC_OFFSET
from pipeline.settings import EmbeddedSettings, KafkaSettings, Settings, load_settings

SEAWEED_OFFSETS = (0, 1, 2, 3, GRPC_OFFSET, GRPC_OFFSET + 1, GRPC_OFFSET + 2, GRPC_OFFSET + 3)


def stack_settings(state_dir: Path) -> Settings:
    """Settings for an embedded stack on fresh free ports under ``state_dir``."""
    return load_settings(
        embedded=EmbeddedSettings(
            state_dir=state_dir,
            s3_port=free_port((0, GRPC_OFFSET)),
            broker_port=free_port(),
        ),
        kafka=KafkaSettings(partitions=2),
    )


def start_services(settings: Settings) -> tuple[EmbeddedServices, Settings]:
    """Start SeaweedFS and Tansu for ``settings``; return them and the effective settings."""
    services = EmbeddedServices(settings, seaweed_base_port=free_port(SEAWEED_OFFSETS))
    try:
        effective = services.start()
    except Exception:
        services.stop()
        raise
    return services, effective


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One embedded stack for the whole session; yields the effective settings."""
    services, effective = start_services(stack_settings(tmp_path_factory.mktemp("stack")))
    yield effective
    services.stop()
