"""The console's way into the archive index: one connection at a time, closed after use.

The index file is DuckDB, which one process at a time may open for writing; opening it per
question (and updating it from the bucket first, as the CLI does) lets ``civicmod archive``
commands run beside the console.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import duckdb

from civicmod.archive_access import Role, open_store
from civicmod.history import ArchiveFacts
from pipeline.records import Comment
from pipeline.settings import Settings
from sinks.index import Indexer, connect, index_path
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore

T = TypeVar("T")


class ArchiveReader:
    """Opens the index (brought up to date) for one question at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.series = RetentionSeries(settings)
        self._lock = threading.Lock()

    def store(self, role: Role) -> ArchiveStore:
        """The archive bucket for ``role`` (officer reads; admin holds)."""
        return open_store(self.settings, role)

    @contextmanager
    def index(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The index, updated from the bucket, closed when the block ends."""
        with self._lock:
            db = connect(index_path(self.settings))
            try:
                Indexer(self.store("officer"), self.series, db).update()
                yield db
            finally:
                db.close()

    def facts(self, db: duckdb.DuckDBPyConnection) -> ArchiveFacts:
        """The moderation facts (comments, authors' stories) of an open index."""
        return ArchiveFacts(Indexer(self.store("officer"), self.series, db),
                            self.settings.topics)

    async def run(self, question: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Answer ``question`` with the index, in a worker thread."""
        def answer() -> T:
            with self.index() as db:
                return question(db)
        return await asyncio.to_thread(answer)


class IndexFacts:
    """:class:`pipeline.desk.Facts` read from the archive, as ``civicmod act`` checks them."""

    def __init__(self, reader: ArchiveReader) -> None:
        self.reader = reader

    def find_comment(self, comment_id: str) -> Comment | None:
        """The archived comment with this id."""
        with self.reader.index() as db:
            return self.reader.facts(db).find_comment(comment_id)

    def author_known(self, author_key: str) -> bool:
        """True when a comment of ``author_key`` is archived."""
        with self.reader.index() as db:
            return self.reader.facts(db).author_known(author_key)
