"""The local search index (DuckDB), built and updated from the bucket's manifests.

The bucket stays the source of truth: the index only holds what an update read from
manifested objects whose SHA-256 matched their manifest, and can be deleted and rebuilt at
any time (``archive index --rebuild``). An update lists the manifests of each series from a
week before the newest date folder already indexed and reads only the objects it has not
seen. Tables: ``objects`` (one row per archive object), ``lines`` (every archived line),
``comments`` (one row per comment id and version: the first verdict of each, so duplicates
from at-least-once moderation are searched once; an edit on the platform is a new version) and
``events`` (moderation actions, platform events and answers, holds, releases, disposals).
"""

from __future__ import annotations

import json
import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from pipeline.settings import Settings
from sinks import layout
from sinks.manifest import Manifest, parse_time, sha256_hex
from sinks.series import RetentionSeries
from sinks.store import ArchiveStore

log = logging.getLogger(__name__)

THREADS = 8
BATCH = 128
LOOKBACK_DAYS = 7

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    key VARCHAR, manifest_key VARCHAR, topic VARCHAR, "partition" INTEGER, day DATE,
    first_offset BIGINT, last_offset BIGINT, record_count INTEGER, sha256 VARCHAR,
    retain_until TIMESTAMPTZ, series VARCHAR[], disposed BOOLEAN DEFAULT false);
CREATE TABLE IF NOT EXISTS lines (
    object_key VARCHAR, topic VARCHAR, "partition" INTEGER, "offset" BIGINT,
    timestamp_ms BIGINT, key VARCHAR, kind VARCHAR, record_id VARCHAR, comment_id VARCHAR,
    author_id VARCHAR, record JSON, raw_base64 VARCHAR);
CREATE TABLE IF NOT EXISTS comments (
    comment_id VARCHAR, platform VARCHAR, page VARCHAR, post VARCHAR, parent VARCHAR,
    author_id VARCHAR, author_name VARCHAR, text VARCHAR, created_at TIMESTAMPTZ,
    verdict VARCHAR, categories VARCHAR[], reasons VARCHAR[], decided_at TIMESTAMPTZ,
    policy_version VARCHAR, model_version VARCHAR, object_key VARCHAR, topic VARCHAR,
    "partition" INTEGER, "offset" BIGINT, timestamp_ms BIGINT, version INTEGER,
    previous_version INTEGER, edited_at TIMESTAMPTZ);
ALTER TABLE comments ADD COLUMN IF NOT EXISTS version INTEGER;
ALTER TABLE comments ADD COLUMN IF NOT EXISTS previous_version INTEGER;
ALTER TABLE comments ADD COLUMN IF NOT EXISTS edited_at TIMESTAMPTZ;
CREATE TABLE IF NOT EXISTS events (
    kind VARCHAR, comment_id VARCHAR, author_id VARCHAR, action VARCHAR,
    happened_at TIMESTAMPTZ, actor VARCHAR, hold_id VARCHAR, record JSON,
    object_key VARCHAR, topic VARCHAR, "partition" INTEGER, "offset" BIGINT);
"""

COLUMNS = ("{'topic':'VARCHAR','partition':'INTEGER','offset':'BIGINT','timestamp_ms':'BIGINT',"
           "'key':'VARCHAR','record':'JSON','raw_base64':'VARCHAR'}")


@dataclass
class UpdateResult:
    """What one index update did."""

    objects: int = 0
    lines: int = 0
    disposed: int = 0
    skipped: list[str] = field(default_factory=list)


def index_path(settings: Settings) -> Path:
    """Where the index file lives (``archive.index_file``, else in the state directory)."""
    configured = settings.archive.index_file
    return Path(configured) if configured else settings.embedded.state_dir / "archive-index.duckdb"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the index at ``path``, creating it if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    connection.execute(SCHEMA)
    return connection


class Indexer:
    """Brings one index up to date with one archive bucket."""

    def __init__(
        self, store: ArchiveStore, retention: RetentionSeries,
        connection: duckdb.DuckDBPyConnection,
    ) -> None:
        self.store = store
        self.retention = retention
        self.db = connection

    def update(self) -> UpdateResult:
        """Index every manifested object not indexed yet; apply recorded disposals."""
        result = UpdateResult()
        pending = [key for topic in self.retention.topics for key in self._new_manifests(topic)]
        for start in range(0, len(pending), BATCH):
            self._ingest(pending[start:start + BATCH], result)
        result.disposed = self._apply_disposals()
        return result

    def _new_manifests(self, topic: str) -> list[str]:
        root = f"{layout.MANIFEST_ROOT}{topic}/"
        newest = self.db.execute(
            "SELECT min(day) FROM (SELECT max(day) AS day FROM objects WHERE topic = ? "
            'GROUP BY "partition")', [topic]).fetchone()
        start: date | None = newest[0] - timedelta(days=LOOKBACK_DAYS) if newest and newest[0] \
            else None
        known = {row[0] for row in self.db.execute(
            "SELECT manifest_key FROM objects WHERE topic = ? AND (? IS NULL OR day >= ?)",
            [topic, start, start]).fetchall()}
        keys: list[str] = []
        for day in sorted(self.store.days(root)):
            if start is None or day >= start:
                keys.extend(k for k in self.store.keys(f"{root}dt={day.isoformat()}/")
                            if k not in known)
        return sorted(keys)

    def _ingest(self, manifest_keys: list[str], result: UpdateResult) -> None:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            fetched = list(pool.map(self._fetch, manifest_keys))
        with tempfile.TemporaryDirectory(prefix="civicmod-index-") as tmp:
            files, rows = [], []
            for n, (manifest, body) in enumerate(fetched):
                if manifest is None:
                    continue
                if body is None:
                    result.skipped.append(manifest.object_key)
                    continue
                path = Path(tmp) / f"{n}.jsonl.gz"
                path.write_bytes(body)
                files.append((str(path), manifest.object_key))
                rows.append(_object_row(manifest))
            self._load(files, rows, result)

    def _fetch(self, manifest_key: str) -> tuple[Manifest | None, bytes | None]:
        try:
            manifest = Manifest.from_bytes(self.store.get(manifest_key))
        except (ValueError, TypeError, KeyError):
            log.warning("%s is not a manifest; not indexed (run archive verify)", manifest_key)
            return None, None
        body = self.store.get_or_none(manifest.object_key)
        if body is not None and sha256_hex(body) == manifest.object_sha256:
            return manifest, body
        kept = [v for v in self.store.versions(manifest.object_key)
                if v.key == manifest.object_key and not v.delete_marker]
        for version in kept:
            original, _ = self.store.get_with_info(version.key, version.version_id)
            if sha256_hex(original) == manifest.object_sha256:
                return manifest, original
        if not kept:
            return manifest, b""  # nothing stored any more (disposed): indexed without lines
        log.warning("%s does not match its manifest; not indexed (run archive verify)",
                    manifest.object_key)
        return manifest, None

    def _load(self, files: list[tuple[str, str]], rows: list[tuple[object, ...]],
              result: UpdateResult) -> None:
        readable = [(path, key) for path, key in files if Path(path).stat().st_size]
        db = self.db
        db.execute("BEGIN TRANSACTION")
        try:
            db.executemany("INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
                           rows)
            if readable:
                db.execute("CREATE OR REPLACE TEMP TABLE files (path VARCHAR, object_key VARCHAR)")
                db.executemany("INSERT INTO files VALUES (?, ?)", readable)
                db.execute(_STAGE_SQL.format(columns=COLUMNS),
                           [[p for p, _ in readable], *self._kinds()])
                result.lines += db.execute("SELECT count(*) FROM staging").fetchone()[0]  # type: ignore[index]
                db.execute(_LINES_SQL)
                db.execute(_COMMENTS_SQL.format(shape=VERDICT_SHAPE))
                db.execute(_EVENTS_SQL)
            db.execute("COMMIT")
        except Exception:
            db.execute("ROLLBACK")
            raise
        result.objects += len(rows)

    def _kinds(self) -> list[str]:
        c = self.retention
        return [c.verdicts, c.deadletter, c.actions, c.sanctions, c.records, c.platform]

    def _apply_disposals(self) -> int:
        disposed = self.db.execute(
            "SELECT key FROM objects WHERE NOT disposed AND key IN (SELECT unnest("
            "json_extract_string(record, '$.objects[*].key')) FROM events "
            "WHERE kind = 'disposal')"
        ).fetchall()
        keys = [row[0] for row in disposed]
        if keys:
            self.db.execute("DELETE FROM lines WHERE list_contains(?, object_key)", [keys])
            self.db.execute("DELETE FROM comments WHERE list_contains(?, object_key)", [keys])
            self.db.execute("UPDATE objects SET disposed = true WHERE list_contains(?, key)",
                            [keys])
        return len(keys)


def _object_row(manifest: Manifest) -> tuple[object, ...]:
    return (manifest.object_key, manifest.key, manifest.topic, manifest.partition,
            layout.day_of_key(manifest.key), manifest.first_offset, manifest.last_offset,
            manifest.record_count, manifest.object_sha256,
            parse_time(manifest.retain_until) if manifest.retain_until else None,
            sorted(manifest.series))


_STAGE_SQL = """
CREATE OR REPLACE TEMP TABLE staging AS
SELECT f.object_key, r.topic, r."partition", r."offset", r.timestamp_ms, r.key, r.record,
       r.raw_base64,
       CASE r.topic WHEN $2 THEN 'verdict' WHEN $3 THEN 'deadletter' WHEN $4 THEN 'action'
            WHEN $5 THEN 'standing' WHEN $6 THEN coalesce(r.record->>'kind', 'record')
            WHEN $7 THEN coalesce(r.record->>'kind', 'platform') END AS kind
FROM read_json($1, format = 'newline_delimited', columns = {columns}, filename = true) r
JOIN files f ON f.path = r.filename
"""

_LINES_SQL = """
INSERT INTO lines
SELECT object_key, topic, "partition", "offset", timestamp_ms, key, kind,
       CASE WHEN kind = 'verdict' AND record->'comment'->>'id' IS NOT NULL
            THEN record->'comment'->>'id' ||
                 CASE WHEN coalesce(TRY_CAST(record->'comment'->>'version' AS INTEGER), 1) > 1
                      THEN '@v' || (record->'comment'->>'version') ELSE '' END
            ELSE topic || ':' || "partition" || ':' || "offset" END,
       coalesce(record->'comment'->>'id', record->>'comment_id'),
       coalesce(record->'comment'->>'author_id', record->>'author_id'),
       record, raw_base64
FROM staging
"""

VERDICT_SHAPE = json.dumps({
    "comment": {name: "VARCHAR" for name in ("id", "platform", "page", "post", "parent",
                                             "author_id", "author_name", "text", "created_at",
                                             "version", "previous_version", "edited_at")},
    "action": "VARCHAR", "categories": "VARCHAR[]", "findings": [{"category": "VARCHAR"}],
    "reasons": "VARCHAR[]", "decided_at": "VARCHAR",
    "policy_version": "VARCHAR", "model_version": "VARCHAR"})

_COMMENTS_SQL = """
INSERT INTO comments
SELECT v.comment.id, v.comment.platform, v.comment.page, v.comment.post, v.comment.parent,
       v.comment.author_id, v.comment.author_name, v.comment.text,
       TRY_CAST(v.comment.created_at AS TIMESTAMPTZ), v.action,
       list_sort(coalesce(v.categories,
                          list_distinct(list_transform(v.findings, lambda f: f.category)))),
       v.reasons, TRY_CAST(v.decided_at AS TIMESTAMPTZ), v.policy_version, v.model_version,
       object_key, topic, "partition", "offset", timestamp_ms,
       coalesce(TRY_CAST(v.comment.version AS INTEGER), 1),
       TRY_CAST(v.comment.previous_version AS INTEGER),
       TRY_CAST(v.comment.edited_at AS TIMESTAMPTZ)
FROM (SELECT *, json_transform(record, '{shape}') AS v FROM staging WHERE kind = 'verdict')
WHERE v.comment.id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM comments k WHERE k.comment_id = v.comment.id
                  AND coalesce(k.version, 1) = coalesce(TRY_CAST(v.comment.version AS INTEGER), 1))
QUALIFY row_number() OVER (PARTITION BY v.comment.id, v.comment.version
                           ORDER BY "partition", "offset") = 1
"""

_EVENTS_SQL = """
INSERT INTO events
SELECT kind,
       coalesce(record->>'comment_id', record->'comment'->>'id'),
       coalesce(record->>'author_id', record->'comment'->>'author_id'),
       coalesce(record->>'action', record->>'kind', kind),
       coalesce(TRY_CAST(coalesce(record->>'at', record->>'decided_at',
                                  record->>'created_at') AS TIMESTAMPTZ),
                to_timestamp(timestamp_ms / 1000.0)),
       coalesce(record->>'by', record->>'moderator', record->>'actor'),
       record->>'hold_id', record, object_key, topic, "partition", "offset"
FROM staging WHERE kind NOT IN ('verdict', 'deadletter')
"""
