"""Shared fixtures: the real embedded stack (SeaweedFS + Tansu) on free ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from civicmod.stack.embedded import free_port_settings, start_embedded
from pipeline.settings import Settings


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One embedded stack for the whole session; yields the effective settings."""
    services, effective = start_embedded(free_port_settings(tmp_path_factory.mktemp("stack")))
    yield effective
    services.stop()
