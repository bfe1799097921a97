"""docker-compose.yml, the Dockerfile, .env.example and the monitoring config, checked without
Docker: the Compose Specification schema, settings names, CLI commands, metric names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from jsonschema import Draft7Validator
from prometheus_client import REGISTRY
from pydantic import BaseModel, ValidationError
from typer.core import TyperGroup

import pipeline.metrics  # noqa: F401 (registers every civicmod metric)
from civicmod.cli import app
from civicmod.http_guard import exposure_problem
from pipeline.settings import IngestSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
CIVICMOD = {name: s for name, s in SERVICES.items() if s.get("image", "").startswith("civicmod")}
VAR = re.compile(r"\bCIVICMOD_[A-Z0-9_]+")


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests/data/compose-spec.schema.json").read_text())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
              for e in Draft7Validator(schema).iter_errors(COMPOSE)]
    assert not errors


def test_a_wrong_key_fails_the_schema() -> None:
    schema = json.loads((ROOT / "tests/data/compose-spec.schema.json").read_text())
    broken = {"services": {"worker": {"image": "x", "restart_policy": "always"}}}
    assert list(Draft7Validator(schema).iter_errors(broken))


def _is_setting(var: str) -> bool:
    """True when ``CIVICMOD_SECTION__KEY`` (or ``CIVICMOD_KEY``) names a settings field."""
    name = var.removeprefix("CIVICMOD_").lower()
    if name == "config_file":
        return True
    section, _, key = name.partition("__")
    field = Settings.model_fields.get(section)
    if field is None:
        return False
    model = field.annotation
    is_section = isinstance(model, type) and issubclass(model, BaseModel)
    if not key:
        return not is_section
    return is_section and key in model.model_fields  # type: ignore[union-attr]


def _compose_vars() -> set[str]:
    found = set(COMPOSE["x-civicmod-env"])
    for service in SERVICES.values():
        found.update(service.get("environment", {}))
    return {v for v in found if v.startswith("CIVICMOD_")}


def test_every_civicmod_variable_set_anywhere_is_a_settings_field() -> None:
    texts = [(ROOT / name).read_text() for name in (".env.example", "Dockerfile")]
    found = _compose_vars() | {v for text in texts for v in VAR.findall(text)}
    assert "CIVICMOD_KAFKA__BOOTSTRAP_SERVERS" in found
    assert [v for v in sorted(found) if not _is_setting(v)] == []
    assert not _is_setting("CIVICMOD_EMBEDDED") and not _is_setting("CIVICMOD_KAFKA__BROKERS")


def _resolves(argv: list[str]) -> bool:
    """True when ``argv`` (after ``civicmod``) names a command of the CLI."""
    command: Any = typer.main.get_command(app)
    for word in argv:
        if not isinstance(command, TyperGroup):
            return True  # the rest are the command's own arguments
        command = command.get_command(typer.Context(command), word)
        if command is None:
            return False
    return not isinstance(command, TyperGroup)


def test_every_command_exists_in_the_cli() -> None:
    for name, service in CIVICMOD.items():
        command = service["command"]
        assert command[0] == "civicmod", name
        if "x-civicmod-placeholder" in service:
            assert service.get("profiles"), f"placeholder {name} must not start by default"
            continue
        assert _resolves(command[1:]), f"{name}: civicmod {' '.join(command[1:])}"
    assert not _resolves(["topics", "delete"]) and not _resolves(["topics"])


@pytest.mark.parametrize("name", ["worker", "sink", "http", "sources", "platform-actions"])
def test_pipeline_services_restart_report_health_and_serve_metrics(name: str) -> None:
    service = CIVICMOD[name]
    assert service["restart"] == "unless-stopped"
    assert "healthz" in " ".join(service["healthcheck"]["test"])
    env = service["environment"]
    assert env["CIVICMOD_METRICS__HOST"] == "0.0.0.0" and env["CIVICMOD_METRICS__PORT"] == "9400"


def test_stateful_services_keep_their_data_in_named_volumes() -> None:
    for name in ("kafka", "seaweedfs-master", "seaweedfs-volume", "seaweedfs-filer"):
        source = SERVICES[name]["volumes"][0].split(":")[0]
        assert source in COMPOSE["volumes"], name


def test_env_example_holds_no_secret() -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#") and re.search("KEY|PASSWORD|SECRET|TOKEN",
                                                                   line):
            assert "CHANGE_ME" in line.split("=", 1)[1], line


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_http_ingest_needs_the_token_from_env() -> None:
    env = SERVICES["http"]["environment"]
    ingest = {k.removeprefix("CIVICMOD_INGEST__").lower(): v for k, v in env.items()
              if k.startswith("CIVICMOD_INGEST__")}
    assert "CIVICMOD_INGEST__HTTP_TOKEN" not in env  # a secret: only in .env
    assert ingest["http_host"] == "0.0.0.0" and "http_allow_anonymous" not in ingest
    assert exposure_problem(IngestSettings(**ingest)) is not None  # no token: no start
    token = _env_example()["CIVICMOD_INGEST__HTTP_TOKEN"]
    assert "CHANGE_ME" in token
    with pytest.raises(ValidationError, match="placeholder"):  # left unchanged: no start
        IngestSettings(**ingest, http_token=token)
    assert exposure_problem(IngestSettings(**ingest, http_token="a" * 32)) is None


def _civicmod_metric_names() -> set[str]:
    return {sample for collector in list(REGISTRY._names_to_collectors.values())
            for sample in [getattr(collector, "_name", "")] if sample.startswith("civicmod_")}


def _exprs() -> list[str]:
    dashboard = json.loads((ROOT / "config/grafana/dashboards/civicmod.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    alerts = yaml.safe_load((ROOT / "config/prometheus/alerts.yml").read_text())
    return exprs + [r["expr"] for g in alerts["groups"] for r in g["rules"]]


def test_dashboard_and_alerts_use_only_metrics_civicmod_exports() -> None:
    known = _civicmod_metric_names()
    used = {m for expr in _exprs() for m in re.findall(r"civicmod_[a-z0-9_]+", expr)}
    suffixes = ("_total", "_bucket", "_count", "_sum", "_info")
    base = {next((m.removesuffix(s) for s in suffixes if m.endswith(s)), m) for m in used}
    assert base and base <= known, base - known


def test_prometheus_scrapes_every_pipeline_service_on_its_metrics_port() -> None:
    config = yaml.safe_load((ROOT / "config/prometheus/prometheus.yml").read_text())
    scraped = {sd["names"][0]: sd["port"] for job in config["scrape_configs"]
               for sd in job.get("dns_sd_configs", [])}
    assert scraped == {name: 9400 for name in
                       ("worker", "sink", "http", "sources", "platform-actions")}
