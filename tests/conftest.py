"""Shared fixtures: the real embedded stack (SeaweedFS + Tansu) on free ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from civicmod.stack.embedded import EmbeddedServices, free_port_settings, start_embedded
from pipeline.settings import Settings


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServices]:
    """One embedded stack for the whole session: its services (their processes, settings)."""
    services, _ = start_embedded(free_port_settings(tmp_path_factory.mktemp("stack")))
    yield services
    services.stop()


@pytest.fixture(scope="session")
def stack(embedded: EmbeddedServices) -> Settings:
    """The session stack's effective settings."""
    return embedded.settings
