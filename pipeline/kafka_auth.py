"""The broker's security settings, as kafka-python and Faust (aiokafka) take them."""

from __future__ import annotations

import ssl
from typing import Any

import faust

from pipeline.settings import KafkaSettings


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for every kafka-python client (consumer, producer, admin)."""
    options: dict[str, Any] = {"security_protocol": kafka.security_protocol}
    if kafka.uses_tls and kafka.ssl_cafile:
        options["ssl_cafile"] = kafka.ssl_cafile
    return options | _sasl_options(kafka)


def aiokafka_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (it takes an SSL context, not a file)."""
    options: dict[str, Any] = {"security_protocol": kafka.security_protocol}
    if kafka.uses_tls:
        options["ssl_context"] = _ssl_context(kafka)
    return options | _sasl_options(kafka)


def _sasl_options(kafka: KafkaSettings) -> dict[str, Any]:
    """The SASL arguments kafka-python and aiokafka share (none without SASL)."""
    if not kafka.uses_sasl:
        return {}
    return {"sasl_mechanism": kafka.sasl_mechanism,
            "sasl_plain_username": kafka.sasl_username,
            "sasl_plain_password": kafka.sasl_password.get_secret_value()}


def faust_credentials(kafka: KafkaSettings) -> faust.types.auth.CredentialsT | None:
    """Faust's ``broker_credentials`` for these settings (None: plaintext, no SASL)."""
    context = _ssl_context(kafka) if kafka.uses_tls else None
    if kafka.uses_sasl:
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value(),
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    return faust.SSLCredentials(context) if context is not None else None


def _ssl_context(kafka: KafkaSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=kafka.ssl_cafile or None)
