"""One frozen, typed settings object for every civicmod process.

Values come, highest first, from: ``CIVICMOD_*`` environment variables (nested with ``__``,
e.g. ``CIVICMOD_S3__ENDPOINT_URL``), an optional YAML file named by ``CIVICMOD_CONFIG_FILE``,
then ``config/defaults.yaml`` beside the code. Secrets are :class:`SecretStr` and never printed.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

CONFIG_DIR = Path(str(resources.files("civicmod_config")))
"""The shipped data: ``config/`` in the repository, ``civicmod_config`` once installed."""
DEFAULTS_FILE = CONFIG_DIR / "defaults.yaml"
MIN_TOKEN_CHARS = 16
"""The shortest HTTP ingest token accepted (``secrets.token_urlsafe(32)`` gives 43)."""


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaSettings(_Section):
    """Where the broker is, how topics are laid out, and how clients authenticate.

    ``security_protocol`` and ``sasl_mechanism`` use Kafka's names; ``ssl_cafile`` is the CA
    bundle that signed the brokers' certificates (empty: the system's).
    """

    bootstrap_servers: str = "127.0.0.1:9092"
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    group_join_timeout_ms: int = Field(default=6000, ge=1000)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str = ""
    sasl_password: SecretStr = SecretStr("")
    ssl_cafile: str = ""

    @property
    def uses_sasl(self) -> bool:
        """True when clients must authenticate with SASL."""
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        """True when connections to the brokers are encrypted."""
        return self.security_protocol in ("SSL", "SASL_SSL")


class TopicSettings(_Section):
    """The names of the topics civicmod reads and writes."""

    raw: str = "comments.raw"
    verdicts: str = "comments.verdicts"
    flagged: str = "comments.flagged"
    deadletter: str = "comments.deadletter"
    actions: str = "moderation.actions"
    sanctions: str = "authors.sanctions"
    platform: str = "platform.events"
    audit: str = "console.audit"

    def all(self) -> list[str]:
        """Every topic name, in data-path order."""
        return [self.raw, self.verdicts, self.flagged, self.deadletter, self.actions,
                self.sanctions, self.platform, self.audit]


class S3Settings(_Section):
    """The S3-compatible archive and the pipeline's identity on it."""

    endpoint_url: str = "http://127.0.0.1:8333"
    region: str = "us-east-1"
    access_key: SecretStr = SecretStr("")
    secret_key: SecretStr = SecretStr("")
    archive_bucket: str = "civicmod-archive"
    retention_days: int = Field(default=1825, ge=1)


class IngestSettings(_Section):
    """Limits on what is accepted as a comment, and the guards of HTTP ingest.

    ``POST /comments`` needs ``Authorization: Bearer <http_token>``; the token comes only from
    ``CIVICMOD_INGEST__HTTP_TOKEN``. Without one, ``serve-http`` starts only on a loopback
    address, unless ``http_allow_anonymous`` (another layer, e.g. a proxy, authenticates).
    Each client address gets a token bucket of ``http_burst`` requests refilled at
    ``http_rate_per_second``; ``http_rate_clients`` addresses are remembered at most.
    """

    max_text_chars: int = Field(default=20_000, ge=1)
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8088, ge=0, le=65535)
    http_token: SecretStr = SecretStr("")
    http_allow_anonymous: bool = False
    http_rate_per_second: float = Field(default=20.0, gt=0)
    http_burst: int = Field(default=100, ge=1)
    http_rate_clients: int = Field(default=10_000, ge=1)
    # The file/demo producer (kafka-python): Tansu stores every produce batch as one S3
    # object, so large batches matter (issue 17).
    producer_batch_bytes: int = Field(default=1_048_576, ge=16_384)
    producer_linger_ms: int = Field(default=10, ge=0)
    # `civicmod ingest` waits for the broker's acknowledgements every chunk_records lines,
    # and waits at most broker_wait_seconds for an absent broker before it stops (issue 16).
    chunk_records: int = Field(default=5000, ge=1)
    broker_wait_seconds: float = Field(default=120.0, gt=0)

    @field_validator("http_token")
    @classmethod
    def _token_long_enough(cls, value: SecretStr) -> SecretStr:
        if 0 < len(value.get_secret_value()) < MIN_TOKEN_CHARS:
            raise ValueError(f"http_token must have at least {MIN_TOKEN_CHARS} characters")
        if "CHANGE_ME" in value.get_secret_value():
            raise ValueError("http_token is still the .env.example placeholder")
        return value


class WorkerSettings(_Section):
    """The Faust moderation worker."""

    app_id: str = "civicmod-moderation"
    batch_size: int = Field(default=500, ge=1)
    batch_within_seconds: float = Field(default=0.1, gt=0)
    score_window_chars: int = Field(default=10_000, ge=100)
    # Tansu stores every produce batch as one S3 object: Faust's 16 KiB default made the
    # worker wait on acknowledgements (issue 17; docs/benchmarks.md).
    producer_max_batch_size: int = Field(default=1_048_576, ge=16_384)
    # How often the worker commits what it moderated; a SIGKILL re-moderates up to this much
    # (at-least-once). Faust's 2.8 s re-did ~1,200 comments per kill at 400/s (issue 15).
    commit_interval_seconds: float = Field(default=0.5, gt=0)


class SinkSettings(_Section):
    """The archive sink: batching and its consumer group."""

    group_id: str = "civicmod-archive"
    batch_max_records: int = Field(default=1000, ge=1)
    batch_max_bytes: int = Field(default=8_000_000, ge=1024)
    idle_flush_seconds: float = Field(default=1.0, gt=0)


class ArchiveSettings(_Section):
    """The records archive: retention per record series, chain heads, the local index.

    Each series (comments, removed comments, actions, dead letters) is locked for its
    ``*_days`` (the floor) and becomes due for disposition then, under its ``*_schedule``;
    ``disposal_grace_days`` later it is reported overdue (the ceiling). Flat keys, so that
    every value survives the ``CIVICMOD_ARCHIVE__*`` variables given to child processes.
    """

    comments_days: int = Field(default=1825, ge=1)
    comments_schedule: str = "GS-1018"
    removed_comments_days: int = Field(default=1825, ge=1)
    removed_comments_schedule: str = "GS-1018"
    actions_days: int = Field(default=1825, ge=1)
    actions_schedule: str = "GS-1018"
    dead_letters_days: int = Field(default=1825, ge=1)
    dead_letters_schedule: str = "GS-1018"
    disposal_grace_days: int = Field(default=90, ge=0)
    records_topic: str = "archive.actions"
    chain_head_every_objects: int = Field(default=100, ge=1)
    chain_head_every_seconds: float = Field(default=3600.0, gt=0)
    index_file: str = ""


class ModerationSettings(_Section):
    """Repeat violators (policy E.1.i) and the moderators' review queue."""

    ban_threshold: int = Field(default=3, ge=1)
    window_days: int = Field(default=90, ge=1)
    max_decisions_per_author: int = Field(default=20, ge=1)
    team: str = "communications"
    review_group_prefix: str = "civicmod-review"

    @model_validator(mode="after")
    def _keeps_enough_decisions(self) -> ModerationSettings:
        if self.max_decisions_per_author < self.ban_threshold:
            raise ValueError("moderation.max_decisions_per_author must be at least ban_threshold")
        return self


class ConsoleSettings(_Section):
    """The web console for moderators, records officers and administrators.

    ``users_file`` empty: ``<embedded.state_dir>/console-users.sqlite``. Sessions live in the
    console's memory for ``session_minutes``; ``login_attempts`` failed logins per user name
    or per address within ``login_window_seconds`` lock further attempts until the window
    passes. A moderator's claim on a queue item lapses after ``claim_minutes``.
    """

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=0, le=65535)
    users_file: str = ""
    session_minutes: int = Field(default=480, ge=1)
    login_attempts: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    claim_minutes: int = Field(default=10, ge=1)
    queue_limit: int = Field(default=1000, ge=1)
    page_size: int = Field(default=50, ge=1, le=1000)


class MetricsSettings(_Section):
    """Each process's ``/metrics``, ``/healthz`` and ``/readyz`` (pipeline/health.py).

    ``port`` 0 lets the system choose a free port (logged). ``civicmod up`` gives each child
    its own: ``up_base_port`` + 0, 1, 2 for worker, sink and HTTP ingest, or free ports when 0.
    ``/healthz`` fails once the process's main loop has not ticked for ``stall_seconds``.
    """

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)
    up_base_port: int = Field(default=0, ge=0, le=65533)
    stall_seconds: float = Field(default=60.0, gt=0)


class EmbeddedSettings(_Section):
    """The embedded one-machine stack (SeaweedFS + Tansu) started by ``civicmod up``.

    ``enabled=false`` starts neither (use external Kafka and S3). With ``kafka=false`` only
    SeaweedFS is started and ``kafka.bootstrap_servers`` names the external broker. There is no
    embedded broker without the embedded SeaweedFS: the broker keeps its log there.
    """

    enabled: bool = True
    kafka: bool = True
    state_dir: Path = Path(".civicmod")
    s3_port: int = 8333
    broker_port: int = 9092
    broker_bucket: str = "civicmod-broker"


class DetectorSettings(_Section):
    """What the rule detectors need to know about the Town itself, and the repeat rule.

    Comma-separated strings (flat values survive the ``CIVICMOD_DETECTORS__*`` variables given
    to child processes); read them through :attr:`domains` and :attr:`names`.
    """

    town_domains: str = "queencreekaz.gov,queencreek.org"
    town_names: str = "Town of Queen Creek,Queen Creek"
    # Repeats of the same text by one author (E.1.d), kept in the worker's memory: flat
    # fields like the rest, see classifiers/repeats.py.
    repeat_min_repeats: int = Field(default=3, ge=2)
    repeat_window_hours: int = Field(default=24, ge=1)
    repeat_min_chars: int = Field(default=20, ge=1)
    repeat_max_authors: int = Field(default=20_000, ge=1)
    repeat_per_author: int = Field(default=20, ge=2)
    # Per-source calibration of the model's scores (``civicmod calibrate`` writes it); empty:
    # none, every source keeps the shipped scores.
    calibration_file: str = ""

    @model_validator(mode="after")
    def _repeats_fit(self) -> DetectorSettings:
        if self.repeat_per_author < self.repeat_min_repeats:
            raise ValueError("repeat_per_author must not be below repeat_min_repeats")
        return self

    @property
    def domains(self) -> tuple[str, ...]:
        """The Town's own web domains (links there are never spam), lower-case."""
        return _csv(self.town_domains)

    @property
    def calibration_path(self) -> Path | None:
        """The per-source calibration file, or None when none is configured."""
        return Path(self.calibration_file) if self.calibration_file.strip() else None

    @property
    def names(self) -> tuple[str, ...]:
        """The Town's names (misuse of its name, logo or seal is E.1.f), lower-case."""
        return _csv(self.town_names)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in value.split(",") if part.strip())


class SourceSettings(_Section):
    """The platforms civicmod captures comments from and carries decisions back to.

    Nothing is started while ``facebook_page_ids`` and ``youtube_channel_id`` are empty.
    Flat keys (like every section) so that each value survives the ``CIVICMOD_SOURCES__*``
    variables given to child processes; tokens and secrets come from the environment only.
    """

    facebook_page_ids: str = ""
    facebook_graph_url: str = "https://graph.facebook.com/v21.0"
    facebook_app_secret: SecretStr = SecretStr("")
    facebook_verify_token: SecretStr = SecretStr("")
    facebook_page_token: SecretStr = SecretStr("")
    facebook_remove_mode: Literal["hide", "delete"] = "hide"
    """How ``remove`` is carried out on Facebook and Instagram (both the Graph API)."""
    instagram_account_ids: str = ""
    """Instagram professional accounts (IG user ids), reached with ``facebook_page_token``."""
    youtube_channel_id: str = ""
    youtube_api_url: str = "https://www.googleapis.com/youtube/v3"
    youtube_oauth_token: SecretStr = SecretStr("")
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8089, ge=0, le=65535)
    poll_every_seconds: float = Field(default=900.0, gt=0)
    backfill_days: int = Field(default=7, ge=0)
    max_attempts: int = Field(default=5, ge=1)
    backoff_max_seconds: float = Field(default=300.0, gt=0)
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    actions_group: str = "civicmod-platform-actions"
    state_file: str = ""

    @property
    def facebook_pages(self) -> tuple[str, ...]:
        """The Facebook page ids to capture (empty: no Facebook source)."""
        return tuple(part.strip() for part in self.facebook_page_ids.split(",") if part.strip())

    @property
    def instagram_accounts(self) -> tuple[str, ...]:
        """The Instagram professional account ids to capture (empty: no Instagram source)."""
        return tuple(part.strip() for part in self.instagram_account_ids.split(",")
                     if part.strip())

    @property
    def configured(self) -> tuple[str, ...]:
        """The platforms configured, of ``facebook``, ``instagram`` and ``youtube``."""
        return tuple(name for name, on in (("facebook", bool(self.facebook_pages)),
                                           ("instagram", bool(self.instagram_accounts)),
                                           ("youtube", bool(self.youtube_channel_id))) if on)

    @property
    def meta_configured(self) -> bool:
        """True when a Graph API platform (Facebook or Instagram) is configured: the webhook
        and the app secret are needed."""
        return bool(self.facebook_pages or self.instagram_accounts)


class Settings(BaseSettings):
    """Every setting of civicmod; build with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="CIVICMOD_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    kafka: KafkaSettings = KafkaSettings()
    topics: TopicSettings = TopicSettings()
    s3: S3Settings = S3Settings()
    ingest: IngestSettings = IngestSettings()
    worker: WorkerSettings = WorkerSettings()
    sink: SinkSettings = SinkSettings()
    moderation: ModerationSettings = ModerationSettings()
    embedded: EmbeddedSettings = EmbeddedSettings()
    console: ConsoleSettings = ConsoleSettings()
    metrics: MetricsSettings = MetricsSettings()
    archive: ArchiveSettings = ArchiveSettings()
    detectors: DetectorSettings = DetectorSettings()
    sources: SourceSettings = SourceSettings()
    policy_file: Path = CONFIG_DIR / "policy.yaml"
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order the sources: arguments, environment, the user's YAML, the defaults YAML."""
        yaml_files = [DEFAULTS_FILE]
        user_file = os.environ.get("CIVICMOD_CONFIG_FILE")
        if user_file:
            if not Path(user_file).is_file():
                raise FileNotFoundError(f"CIVICMOD_CONFIG_FILE names no file: {user_file}")
            yaml_files.append(Path(user_file))
        return (
            init_settings,
            env_settings,
            YamlConfigSettingsSource(settings_cls, yaml_file=yaml_files, deep_merge=True),
        )

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with every secret masked (for ``config show``)."""
        return self.model_dump(mode="json")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment and YAML files (keyword overrides win)."""
    return Settings(**overrides)
