"""Settings: defaults YAML, user YAML, environment, secrets, immutability, child processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr, ValidationError

from civicmod.stack.embedded import child_environment
from pipeline import settings as settings_module
from pipeline.settings import (
    DEFAULTS_FILE,
    EmbeddedSettings,
    S3Settings,
    SinkSettings,
    load_settings,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No CIVICMOD_* variable of the caller's shell leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("CIVICMOD_"):
            monkeypatch.delenv(name)
    yield


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_defaults_come_from_the_defaults_yaml() -> None:
    defaults = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    s = load_settings()
    for section, values in defaults.items():
        for key, value in values.items():
            actual = getattr(getattr(s, section), key)
            assert (str(actual) if isinstance(actual, Path) else actual) == value, (section, key)
    assert s.topics.all() == [
        "comments.raw",
        "comments.verdicts",
        "comments.flagged",
        "comments.deadletter",
        "moderation.actions",
        "authors.sanctions",
        "platform.events",
    ]
    assert s.policy_file.name == "policy.yaml" and s.policy_file.is_file()


def test_defaults_yaml_is_actually_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = write_yaml(tmp_path / "defaults.yaml", {"kafka": {"partitions": 6}})
    monkeypatch.setattr(settings_module, "DEFAULTS_FILE", custom)
    assert load_settings().kafka.partitions == 6


def test_environment_overrides_a_nested_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICMOD_KAFKA__PARTITIONS", "8")
    s = load_settings()
    assert s.kafka.partitions == 8
    assert s.kafka.bootstrap_servers == "127.0.0.1:9092"  # siblings keep their defaults


def test_repeat_rule_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICMOD_DETECTORS__REPEAT_MIN_REPEATS", "4")
    s = load_settings()
    assert s.detectors.repeat_min_repeats == 4
    assert s.detectors.repeat_window_hours == 24  # siblings keep their defaults
    monkeypatch.setenv("CIVICMOD_DETECTORS__REPEAT_PER_AUTHOR", "3")
    with pytest.raises(ValidationError, match="repeat_per_author"):
        load_settings()


def test_environment_values_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICMOD_KAFKA__PARTITIONS", "0")
    with pytest.raises(ValidationError, match="partitions"):
        load_settings()


def test_user_yaml_overrides_defaults_and_environment_beats_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = write_yaml(
        tmp_path / "site.yaml",
        {
            "kafka": {"partitions": 3, "bootstrap_servers": "kafka.internal:9092"},
            "s3": {"archive_bucket": "town-archive"},
            "log_level": "DEBUG",
        },
    )
    monkeypatch.setenv("CIVICMOD_CONFIG_FILE", str(user))
    s = load_settings()
    assert s.kafka.partitions == 3
    assert s.kafka.bootstrap_servers == "kafka.internal:9092"
    assert s.s3.archive_bucket == "town-archive"
    assert s.log_level == "DEBUG"
    assert s.worker.batch_size == 500  # untouched sections keep the defaults

    monkeypatch.setenv("CIVICMOD_KAFKA__PARTITIONS", "8")
    monkeypatch.setenv("CIVICMOD_LOG_LEVEL", "WARNING")
    s = load_settings()
    assert s.kafka.partitions == 8
    assert s.kafka.bootstrap_servers == "kafka.internal:9092"  # env set one key only
    assert s.log_level == "WARNING"


def test_keyword_overrides_beat_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICMOD_LOG_LEVEL", "WARNING")
    assert load_settings(log_level="ERROR").log_level == "ERROR"


def test_user_yaml_section_merges_with_defaults_yaml_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = write_yaml(
        tmp_path / "defaults.yaml", {"kafka": {"bootstrap_servers": "from-defaults:9092"}}
    )
    monkeypatch.setattr(settings_module, "DEFAULTS_FILE", defaults)
    user = write_yaml(tmp_path / "site.yaml", {"kafka": {"partitions": 3}})
    monkeypatch.setenv("CIVICMOD_CONFIG_FILE", str(user))
    s = load_settings()
    assert s.kafka.partitions == 3
    assert s.kafka.bootstrap_servers == "from-defaults:9092"


def test_secrets_come_from_the_environment_and_are_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIVICMOD_S3__ACCESS_KEY", "AKIA-very-secret")
    monkeypatch.setenv("CIVICMOD_S3__SECRET_KEY", "s3cr3t/with+chars")
    s = load_settings()
    assert isinstance(s.s3.access_key, SecretStr)
    assert s.s3.access_key.get_secret_value() == "AKIA-very-secret"
    assert s.s3.secret_key.get_secret_value() == "s3cr3t/with+chars"

    masked = s.masked()
    assert masked["s3"]["access_key"] == "**********"
    assert masked["s3"]["secret_key"] == "**********"
    assert masked["kafka"]["partitions"] == 4  # everything else is shown as is
    for shown in (repr(s), str(s), repr(s.s3), str(masked), f"{s.s3.secret_key}"):
        assert "AKIA-very-secret" not in shown
        assert "s3cr3t/with+chars" not in shown


def test_masked_is_plain_json_data() -> None:
    masked = load_settings().masked()
    assert isinstance(masked["policy_file"], str)
    assert isinstance(masked["embedded"]["state_dir"], str)


def test_settings_are_frozen() -> None:
    s = load_settings()
    with pytest.raises(ValidationError, match="frozen"):
        s.log_level = "DEBUG"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        s.kafka.partitions = 9  # type: ignore[misc]
    assert s.kafka.partitions == 4


def test_unknown_keys_are_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        load_settings(kafak={"partitions": 2})
    user = write_yaml(tmp_path / "typo.yaml", {"kafka": {"partition": 2}})
    monkeypatch.setenv("CIVICMOD_CONFIG_FILE", str(user))
    with pytest.raises(ValidationError) as info:
        load_settings()
    assert info.value.errors()[0]["loc"] == ("kafka", "partition")


def test_unknown_nested_environment_key_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICMOD_KAFKA__PARTITION", "2")
    with pytest.raises(ValidationError, match="partition"):
        load_settings()


def test_child_environment_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    original = load_settings(
        s3=S3Settings(
            endpoint_url="http://10.0.0.5:9000",
            access_key=SecretStr("AK-child"),
            secret_key=SecretStr("SK child/+="),
            retention_days=30,
        ),
        embedded=EmbeddedSettings(
            enabled=False, state_dir=Path("/tmp/state dir"), s3_port=18333, broker_port=19092
        ),
        sink=SinkSettings(idle_flush_seconds=0.25),
        policy_file=Path("/etc/civicmod/policy.yaml"),
        log_level="DEBUG",
    )
    env = child_environment(original)
    assert all(name.startswith("CIVICMOD_") for name in env)
    assert all(isinstance(value, str) for value in env.values())
    assert env["CIVICMOD_S3__SECRET_KEY"] == "SK child/+="
    assert env["CIVICMOD_EMBEDDED__ENABLED"] == "false"

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rebuilt = load_settings()
    assert rebuilt == original
    assert rebuilt.s3.secret_key.get_secret_value() == "SK child/+="
    assert rebuilt.embedded.state_dir == Path("/tmp/state dir")
    assert isinstance(rebuilt.policy_file, Path)
    assert rebuilt.embedded.enabled is False
    assert rebuilt.sink.idle_flush_seconds == 0.25


def test_child_environment_beats_a_parent_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = load_settings(log_level="ERROR")
    user = write_yaml(tmp_path / "site.yaml", {"log_level": "DEBUG", "kafka": {"partitions": 7}})
    monkeypatch.setenv("CIVICMOD_CONFIG_FILE", str(user))
    for name, value in child_environment(original).items():
        monkeypatch.setenv(name, value)
    assert load_settings() == original
