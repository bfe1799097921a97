"""The sources' memory (SQLite): which comment versions and platform events were produced, and
the cursors of polls in progress. It is what makes a replayed webhook or a poll overlapping a
webhook produce nothing new, and a restarted poll resume where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    platform TEXT, comment_id TEXT, version INTEGER, original INTEGER, effective_at REAL,
    text_sha TEXT, PRIMARY KEY (platform, comment_id, version));
CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT);
"""


@dataclass(frozen=True)
class Placement:
    """Where a new text goes in a comment's versions: its number and the one it replaced."""

    version: int
    previous: int | None


def ledger_path(settings: Settings) -> Path:
    """``sources.state_file``, else ``sources.sqlite`` in the state directory."""
    configured = settings.sources.state_file
    return Path(configured) if configured else settings.embedded.state_dir / "sources.sqlite"


def text_sha(text: str) -> str:
    """The SHA-256 of a text (the ledger keeps hashes, never comment text)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Ledger:
    """Versions and events produced, and poll cursors. Writes stay in one open transaction
    until :meth:`commit` (after the broker acknowledged) or :meth:`rollback`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
        self.db.executescript(_SCHEMA)
        self.db.commit()

    def place(self, platform: str, comment_id: str, text: str, effective_at: float,
              original: bool) -> Placement | None:
        """Record a text of a comment and return its placement; None when it is not new.

        Not new: a second original (a replayed ``add``, a poll of a known comment's first
        text), or the same text as the version in effect just before it, by platform time (a
        replayed edit, a poll that sees no change). Versions are numbered in the order civicmod
        learns them; ``previous`` is the version before it in platform time, so an edit that
        arrives before its comment's ``add`` is still placed correctly.
        """
        rows = self.db.execute(
            "SELECT version, original, effective_at, text_sha FROM versions "
            "WHERE platform = ? AND comment_id = ?", [platform, comment_id]).fetchall()
        sha = text_sha(text)
        if original and any(row[1] for row in rows):
            return None
        before = [row for row in rows if row[2] <= effective_at]
        preceding = max(before, key=lambda row: (row[2], row[0])) if before else None
        if preceding is not None and preceding[3] == sha:
            return None
        version = max((row[0] for row in rows), default=0) + 1
        self.db.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)",
                        [platform, comment_id, version, int(original), effective_at, sha])
        return Placement(version, preceding[0] if preceding else None)

    def knows(self, platform: str, comment_id: str) -> bool:
        """True when some version of the comment was produced."""
        return self.db.execute("SELECT 1 FROM versions WHERE platform = ? AND comment_id = ?",
                               [platform, comment_id]).fetchone() is not None

    def first_sighting(self, event_id: str) -> bool:
        """Record an event id; False when it was produced before (a replay)."""
        found = self.db.execute("SELECT 1 FROM seen WHERE event_id = ?", [event_id]).fetchone()
        if found:
            return False
        self.db.execute("INSERT INTO seen VALUES (?)", [event_id])
        return True

    def cursor(self, name: str) -> dict[str, Any] | None:
        """The stored cursor ``name`` (a poll in progress), if any."""
        row = self.db.execute("SELECT value FROM cursors WHERE name = ?", [name]).fetchone()
        return json.loads(row[0]) if row else None

    def set_cursor(self, name: str, value: dict[str, Any] | None) -> None:
        """Store (or with None, clear) a cursor and commit at once."""
        if value is None:
            self.db.execute("DELETE FROM cursors WHERE name = ?", [name])
        else:
            self.db.execute("INSERT OR REPLACE INTO cursors VALUES (?, ?)",
                            [name, json.dumps(value, sort_keys=True)])
        self.db.commit()

    def commit(self) -> None:
        """Keep what was recorded since the last commit."""
        self.db.commit()

    def rollback(self) -> None:
        """Forget what was recorded since the last commit (the broker did not take it)."""
        self.db.rollback()

    def close(self) -> None:
        """Close the database."""
        self.db.close()
