"""`civicmod up` gives each child its own metrics port and lists them for `status`."""

from __future__ import annotations

from pathlib import Path

from civicmod.scrape import read_endpoints
from civicmod.stack.embedded import embedded_endpoints
from civicmod.stack.supervisor import ROLES, children, metrics_ports, write_endpoints
from civicmod.status import ENDPOINTS_FILE
from pipeline.settings import EmbeddedSettings, MetricsSettings, SourceSettings, load_settings


def test_a_base_port_gives_consecutive_ports_and_none_gives_distinct_free_ones() -> None:
    based = load_settings(metrics=MetricsSettings(up_base_port=19400))
    assert metrics_ports(based) == {"worker": 19400, "sink": 19401, "http": 19402}
    free = metrics_ports(load_settings())
    assert set(free) == set(ROLES) and len(set(free.values())) == len(ROLES)
    assert all(port > 0 for port in free.values())


def test_endpoints_are_written_for_status_with_a_reachable_host(tmp_path: Path) -> None:
    settings = load_settings(embedded=EmbeddedSettings(state_dir=tmp_path),
                             metrics=MetricsSettings(host="0.0.0.0"))
    write_endpoints(settings, {"worker": 19400, "sink": 19401})
    assert read_endpoints(tmp_path / ENDPOINTS_FILE) == {
        "worker": "http://127.0.0.1:19400", "sink": "http://127.0.0.1:19401"}
    assert read_endpoints(tmp_path / "missing.json") == {}


def test_configured_sources_get_ports_too() -> None:
    settings = load_settings(metrics=MetricsSettings(up_base_port=19400),
                             sources=SourceSettings(youtube_channel_id="UC123"))
    ports = metrics_ports(settings)
    assert ports == {"worker": 19400, "sink": 19401, "http": 19402, "sources": 19403,
                     "platform-actions": 19404}
    envs = {c.name: (c.env or {}).get("CIVICMOD_METRICS__PORT") for c in
            children(settings, ports=ports) if c.name != "console"}  # it serves no metrics
    assert envs == {role: str(port) for role, port in ports.items()}


def test_status_looks_for_the_embedded_services_on_their_configured_ports() -> None:
    settings = load_settings(embedded=EmbeddedSettings(s3_port=17333, broker_port=17092))
    located = embedded_endpoints(settings)
    assert located.kafka.bootstrap_servers == "127.0.0.1:17092"
    assert located.s3.endpoint_url == "http://127.0.0.1:17333"
    assert located.s3.access_key == settings.s3.access_key  # no keys are created or read
