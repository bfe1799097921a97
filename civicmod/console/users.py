"""The console's users: a name, a role and an argon2 password hash, in one SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.records import utc_now
from pipeline.settings import Settings

Role = Literal["moderator", "officer", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
MIN_PASSWORD = 12

_SCHEMA = """CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL)"""
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user that cannot be added; the message says why."""


@dataclass(frozen=True)
class User:
    """A console user."""

    name: str
    role: Role


def users_path(settings: Settings) -> Path:
    """Where the users live (``console.users_file``, else in the state directory)."""
    configured = settings.console.users_file
    return Path(configured) if configured else \
        settings.embedded.state_dir / "console-users.sqlite"


class UserStore:
    """Adds, lists and checks users; the file is created with mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def add(self, name: str, role: str, password: str, replace: bool = False) -> User:
        """Add a user (or, with ``replace``, reset an existing user's role and password)."""
        name = name.strip()
        if not name or len(name) > 64 or not name.replace("-", "").replace(".", "").isalnum():
            raise UserError("a user name is 1–64 letters, digits, '-' or '.'")
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"a password has at least {MIN_PASSWORD} characters")
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        try:
            with self._connect() as db:
                db.execute(f"{verb} INTO users VALUES (?, ?, ?, ?)",
                           (name, role, _hasher.hash(password), utc_now().isoformat()))
        except sqlite3.IntegrityError:
            raise UserError(f"user {name!r} exists (use --replace to reset it)") from None
        return User(name, role)  # type: ignore[arg-type]

    def list(self) -> list[tuple[User, str]]:
        """Every user with the time it was added, by name."""
        with self._connect() as db:
            rows = db.execute("SELECT name, role, created_at FROM users ORDER BY name").fetchall()
        return [(User(name, role), created) for name, role, created in rows]

    def check(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (in about the same time either way)."""
        with self._connect() as db:
            row = db.execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _hasher.verify(row[1] if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, row[0]) if row else None
