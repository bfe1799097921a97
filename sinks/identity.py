"""Which S3 identity an archive command uses.

Keys set in ``CIVICMOD_S3__ACCESS_KEY``/``SECRET_KEY`` always win (in production each person
runs the commands with their own keys: an officer's read-only keys, an administrator's for
holds and disposition). Without them, the embedded stack's generated keys for ``role``.
"""

from __future__ import annotations

from pipeline.settings import Settings
from pipeline.stack import credentials
from sinks.s3 import s3_client
from sinks.store import ArchiveStore


class NoKeys(RuntimeError):
    """No S3 keys are configured for an archive command."""


def store_for(settings: Settings, role: str) -> ArchiveStore:
    """The archive bucket through the configured keys, else the embedded ``role``'s keys."""
    bucket = settings.s3.archive_bucket
    if settings.s3.access_key.get_secret_value():
        return ArchiveStore(s3_client(settings.s3), bucket)
    path = settings.embedded.state_dir / "credentials.json"
    if settings.embedded.enabled and path.exists():
        keys = credentials.load_or_create(settings.embedded.state_dir)[role]
        return ArchiveStore(s3_client(settings.s3, keys.access_key, keys.secret_key), bucket)
    raise NoKeys("set CIVICMOD_S3__ACCESS_KEY and CIVICMOD_S3__SECRET_KEY to your S3 keys")
