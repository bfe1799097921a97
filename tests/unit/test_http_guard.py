"""HTTP ingest's guards without a broker: the token buckets, the start-up refusal, the token
setting (tests/integration/test_http_ingest.py sends real requests)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import SecretStr, ValidationError

from civicmod.http_guard import exposure_problem, is_loopback
from civicmod.rate_limit import TokenBuckets
from pipeline.settings import IngestSettings, load_settings

TOKEN = "0123456789abcdef-token"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_the_burst_then_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, max_keys=10, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)  # one token comes every 1/rate seconds
    clock.now += 0.25
    assert buckets.take("a") == pytest.approx(0.25)
    clock.now += 0.25
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    clock.now += 60
    assert [buckets.take("a") for _ in range(4)][-2:] == [0.0, pytest.approx(0.5)]  # capped


def test_each_client_has_its_own_bucket_and_the_oldest_is_forgotten() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=1.0, burst=1, max_keys=2, clock=clock)
    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0  # "a" used up its bucket, not "b"'s
    assert buckets.take("a") > 0
    assert buckets.take("c") == 0.0
    assert len(buckets) == 2  # "b", the least recently used, was forgotten
    assert buckets.take("b") == 0.0
    assert buckets.take("a") == 0.0 and len(buckets) == 2


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("", False), ("::", False), ("10.0.0.5", False), ("example.org", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_without_a_token_only_loopback_or_an_explicit_choice_may_start() -> None:
    assert exposure_problem(IngestSettings()) is None  # 127.0.0.1: `make run`, the tests
    problem = exposure_problem(IngestSettings(http_host="0.0.0.0"))
    assert problem is not None and "CIVICMOD_INGEST__HTTP_TOKEN" in problem
    assert exposure_problem(IngestSettings(http_host="0.0.0.0",
                                           http_token=SecretStr(TOKEN))) is None
    assert exposure_problem(IngestSettings(http_host="0.0.0.0",
                                           http_allow_anonymous=True)) is None


def test_the_token_comes_from_the_environment_is_long_and_stays_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIVICMOD_INGEST__HTTP_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.ingest.http_token.get_secret_value() == TOKEN
    assert TOKEN not in str(settings.masked())
    with pytest.raises(ValidationError, match="at least 16 characters"):
        IngestSettings(http_token=SecretStr("short"))
    with pytest.raises(ValidationError, match="placeholder"):
        IngestSettings(http_token=SecretStr("CHANGE_ME_HTTP_INGEST_TOKEN"))


def test_serve_http_refuses_to_start_on_every_interface_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICMOD_")}
    # No broker on port 1: the check comes before any connection.
    env.update(CIVICMOD_INGEST__HTTP_HOST="0.0.0.0",
               CIVICMOD_KAFKA__BOOTSTRAP_SERVERS="127.0.0.1:1")
    result = subprocess.run([sys.executable, "-m", "civicmod.cli", "serve-http"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "civicmod serve-http: HTTP ingest would accept anyone on 0.0.0.0" in result.stderr
