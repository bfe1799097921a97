"""Kafka security settings reach kafka-python, aiokafka and Faust, and are never printed."""

from __future__ import annotations

import json

import faust
import pytest
from pydantic import SecretStr, ValidationError

from pipeline.kafka_auth import aiokafka_options, client_options, faust_credentials
from pipeline.settings import KafkaSettings, load_settings

SASL = KafkaSettings(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
                     sasl_username="civicmod", sasl_password=SecretStr("s3cret-pw"))


def test_plaintext_adds_nothing_but_the_protocol() -> None:
    plain = KafkaSettings()
    assert client_options(plain) == {"security_protocol": "PLAINTEXT"}
    assert aiokafka_options(plain) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(plain) is None


def test_sasl_ssl_reaches_every_client() -> None:
    options = client_options(SASL)
    assert options == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
                       "sasl_plain_username": "civicmod", "sasl_plain_password": "s3cret-pw"}
    assert aiokafka_options(SASL)["ssl_context"] is not None
    credentials = faust_credentials(SASL)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.username == "civicmod" and credentials.ssl_context is not None


def test_tls_without_sasl_uses_the_configured_ca_file() -> None:
    missing = KafkaSettings(security_protocol="SSL", ssl_cafile="/nonexistent.pem")
    assert client_options(missing)["ssl_cafile"] == "/nonexistent.pem"
    with pytest.raises(FileNotFoundError):  # the SSL context really loads the CA file
        aiokafka_options(missing)
    tls = KafkaSettings(security_protocol="SSL")
    assert client_options(tls) == {"security_protocol": "SSL"}
    assert isinstance(faust_credentials(tls), faust.SSLCredentials)


def test_the_password_is_masked_and_unknown_mechanisms_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIVICMOD_KAFKA__SASL_PASSWORD", "s3cret-pw")
    settings = load_settings()
    assert settings.kafka.sasl_password.get_secret_value() == "s3cret-pw"
    assert "s3cret-pw" not in json.dumps(settings.masked())
    with pytest.raises(ValidationError):
        KafkaSettings(sasl_mechanism="GSSAPI")
