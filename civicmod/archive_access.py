"""The one way into the archive bucket: :func:`open_store` for a role.

Keys set in ``CIVICMOD_S3__ACCESS_KEY``/``SECRET_KEY`` always win (in production each person
and each service runs with its own keys: the pipeline's write-only-once keys, an officer's
read-only keys, an administrator's for holds and disposition). Without them, the embedded
stack's generated keys for ``role`` (docs/archive.md, "Identities").
"""

from __future__ import annotations

from typing import Literal

from civicmod.stack import credentials
from pipeline.settings import Settings
from sinks.s3 import s3_client
from sinks.store import ArchiveStore

Role = Literal["pipeline", "officer", "admin"]
"""pipeline: appends (the sink); officer: reads; admin: holds and disposition."""


class NoKeys(RuntimeError):
    """No S3 keys are configured for the archive."""


def open_store(settings: Settings, role: Role) -> ArchiveStore:
    """The archive bucket through the configured keys, else the embedded ``role``'s keys."""
    bucket = settings.s3.archive_bucket
    if settings.s3.access_key.get_secret_value():
        return ArchiveStore(s3_client(settings.s3), bucket)
    keys = credentials.embedded_keys(settings.embedded.state_dir, role) \
        if settings.embedded.enabled else None
    if keys is not None:
        return ArchiveStore(s3_client(settings.s3, keys.access_key, keys.secret_key), bucket)
    raise NoKeys("set CIVICMOD_S3__ACCESS_KEY and CIVICMOD_S3__SECRET_KEY to your S3 keys")
