"""``archive export``: a zip a requester or a court can check without civicmod.

The bundle holds the matching comments with their histories (CSV, JSON Lines or HTML), the
archive objects they came from with their manifest SHA-256 (``sources.csv``), the
verification of those objects at export time, optionally a redaction log, a README for the
requester, ``manifest.json`` and ``SHA256SUMS`` (checkable with ``sha256sum -c``).
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import duckdb

from pipeline.records import utc_now
from sinks.bundle_readme import BundleFacts, render
from sinks.output import cell, plain
from sinks.redact import Redaction, redact_g
from sinks.search import Query, search
from sinks.verify import Report, Verifier

FORMATS = ("csv", "jsonl", "html")
RECORD_COLUMNS = ("comment_id", "created_at", "platform", "page", "post", "parent",
                  "author_id", "author_name", "status", "verdict", "categories", "on_hold",
                  "version", "versions", "text", "reasons", "decided_at", "policy_version",
                  "model_version")
HISTORY_COLUMNS = ("comment_id", "at", "kind", "action", "by", "reason", "detail")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    records: int
    redactions: int
    verification: Report


def export_bundle(
    db: duckdb.DuckDBPyConnection, verifier: Verifier, query: Query, fmt: str, out: Path,
    redact: bool = False, progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the bundle of every comment matching ``query`` to the zip file ``out``.

    ``progress(done, total)`` is called as records are written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    rows = search(db, query)
    verdicts = _verdicts(db, rows)
    histories, event_sources = _histories(db, rows)
    sources = sorted({r["object_key"] for r in rows} | event_sources)
    report = verifier.run_objects(sources)
    redactions: list[Redaction] = []
    records = []
    for row in rows:
        verdict = verdicts[row["comment_id"]]
        if redact:
            verdict, changes = redact_g(verdict)
            redactions.extend(changes)
        records.append({**plain(row), "text": verdict["comment"].get("text"),
                        "reasons": verdict.get("reasons", []), "findings": verdict.get(
                            "findings", []), "history": histories[row["comment_id"]]})
        if redact:
            for entry in records[-1]["history"]:
                if entry["kind"] == "verdict":
                    entry["reason"] = "; ".join(verdict.get("reasons", []))
    with tempfile.TemporaryDirectory(prefix="civicmod-export-") as tmp:
        folder = Path(tmp)
        files = _write_records(folder, fmt, records, progress)
        files["sources.csv"] = "the archive objects the records were read from"
        _write_sources(folder / "sources.csv", db, sources)
        files["verification.json"] = "the verification of those objects at export time"
        (folder / "verification.json").write_text(
            json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        if redact:
            files["redactions.csv"] = "every redaction in this copy and why"
            _write_redactions(folder / "redactions.csv", redactions)
        generated = utc_now().isoformat(timespec="seconds")
        files["manifest.json"] = "every file with its SHA-256 and size"
        files["SHA256SUMS"] = "the SHA-256 of every file, for sha256sum -c"
        facts = BundleFacts(query.describe(), generated, len(records), files, report,
                            len(redactions))
        (folder / "README.txt").write_text(render(facts), encoding="utf-8")
        _seal(folder, {"query": query.describe(), "generated_at": generated, "format": fmt,
                       "records": len(records), "verification_ok": report.ok,
                       "redactions": len(redactions)})
        _zip(folder, out)
    return ExportResult(out, len(records), len(redactions), report)


def _verdicts(db: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]
              ) -> dict[str, dict[str, Any]]:
    """The archived verdict of each row's version (the latest one search shows)."""
    found = db.execute(
        "SELECT w.comment_id, l.record FROM (SELECT unnest(?::VARCHAR[]) AS comment_id, "
        "unnest(?::VARCHAR[]) AS object_key, unnest(?::BIGINT[]) AS at) w "
        "JOIN lines l ON l.object_key = w.object_key AND l.\"offset\" = w.at",
        [[r["comment_id"] for r in rows], [r["object_key"] for r in rows],
         [r["offset"] for r in rows]]).fetchall()
    return {cid: json.loads(record) for cid, record in found}


def _histories(
    db: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]
) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """Each comment's history (verdict, actions, holds, releases) and the objects read."""
    histories: dict[str, list[dict[str, Any]]] = {
        r["comment_id"]: [{"at": plain(r["decided_at"]), "kind": "verdict",
                           "action": r["verdict"], "by": f"policy {r['policy_version']}",
                           "reason": "; ".join(r["reasons"] or []), "detail": ""}]
        for r in rows}
    by_author: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_author[r["author_id"]].append(r["comment_id"])
    events = db.execute(
        "WITH ids AS (SELECT unnest(?::VARCHAR[]) AS comment_id), "
        "authors AS (SELECT unnest(?::VARCHAR[]) AS author_id), "
        "holds AS (SELECT hold_id FROM events WHERE kind = 'hold' AND (comment_id IN "
        "(SELECT * FROM ids) OR author_id IN (SELECT * FROM authors))) "
        "SELECT e.kind, e.comment_id, e.author_id, e.action, e.happened_at, e.actor, e.record, "
        "e.object_key, h.comment_id, h.author_id FROM events e "
        "LEFT JOIN events h ON h.kind = 'hold' AND h.hold_id = e.hold_id "
        "WHERE (e.kind = 'action' AND e.comment_id IN (SELECT * FROM ids)) "
        "OR (e.kind IN ('hold', 'release') AND e.hold_id IN (SELECT * FROM holds)) "
        "ORDER BY e.happened_at, e.\"offset\"",
        [list(histories), list(by_author)]).fetchall()
    sources: set[str] = set()
    for kind, cid, _author, action, at, actor, record, key, hold_cid, hold_author in events:
        detail = json.loads(record)
        targets = ([cid] if kind == "action" else
                   [hold_cid] if hold_cid else by_author.get(hold_author, []))
        for target in targets:
            if target in histories:
                histories[target].append({
                    "at": plain(at), "kind": kind, "action": action, "by": actor,
                    "reason": detail.get("reason", ""),
                    "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)})
        sources.add(key)
    return histories, sources


def _write_records(
    folder: Path, fmt: str, records: list[dict[str, Any]],
    progress: Callable[[int, int], None] | None,
) -> dict[str, str]:
    def tick(done: int) -> None:
        if progress is not None and (done % 1000 == 0 or done == len(records)):
            progress(done, len(records))

    if fmt == "jsonl":
        with (folder / "records.jsonl").open("w", encoding="utf-8") as stream:
            for done, record in enumerate(records, start=1):
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                tick(done)
        return {"README.txt": "this file", "records.jsonl": "one comment a line, with its "
                "verdict, findings and history"}
    history = [{"comment_id": r["comment_id"], **h} for r in records for h in r["history"]]
    if fmt == "csv":
        with (folder / "records.csv").open("w", encoding="utf-8", newline="") as stream:
            _csv(stream, RECORD_COLUMNS, records, tick)
        with (folder / "history.csv").open("w", encoding="utf-8", newline="") as stream:
            _csv(stream, HISTORY_COLUMNS, history, None)
        return {"README.txt": "this file", "records.csv": "one comment a row",
                "history.csv": "every event of every comment, in order"}
    with (folder / "records.html").open("w", encoding="utf-8") as stream:
        _html(stream, "Comments", RECORD_COLUMNS, records, tick)
    with (folder / "history.html").open("w", encoding="utf-8") as stream:
        _html(stream, "History", HISTORY_COLUMNS, history, None)
    return {"README.txt": "this file", "records.html": "one comment a row (open in a browser)",
            "history.html": "every event of every comment, in order"}


def _csv(stream: TextIO, columns: Iterable[str], rows: list[dict[str, Any]],
         tick: Callable[[int], None] | None) -> None:
    writer = csv.writer(stream)
    writer.writerow(columns)
    for done, row in enumerate(rows, start=1):
        writer.writerow([cell(row.get(c)) for c in columns])
        if tick:
            tick(done)


def _html(stream: TextIO, title: str, columns: tuple[str, ...], rows: list[dict[str, Any]],
          tick: Callable[[int], None] | None) -> None:
    stream.write(f"<!doctype html><meta charset=utf-8><title>{title}</title><style>"
                 "table{border-collapse:collapse;font:13px sans-serif}"
                 "td,th{border:1px solid #999;padding:3px;vertical-align:top}</style>"
                 f"<h1>{title}</h1><table><tr>")
    stream.write("".join(f"<th>{c}</th>" for c in columns) + "</tr>\n")
    for done, row in enumerate(rows, start=1):
        stream.write("<tr>" + "".join(f"<td>{html.escape(cell(row.get(c)))}</td>"
                                      for c in columns) + "</tr>\n")
        if tick:
            tick(done)
    stream.write("</table>\n")


def _write_sources(path: Path, db: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    rows = db.execute(
        "SELECT key, manifest_key, sha256, record_count, retain_until FROM objects "
        "WHERE list_contains(?, key) ORDER BY key", [keys]).fetchall()
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["object_key", "manifest_key", "sha256", "record_count",
                         "retain_until"])
        writer.writerows([cell(v) for v in row] for row in rows)


def _write_redactions(path: Path, redactions: list[Redaction]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["comment_id", "field", "start", "end", "category", "reason"])
        writer.writerows([cell(v) for v in asdict(r).values()] for r in redactions)


def _seal(folder: Path, facts: dict[str, Any]) -> None:
    """Write manifest.json (files, hashes, sizes) and SHA256SUMS over every other file."""
    def digest(path: Path) -> str:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()

    names = sorted(p.name for p in folder.iterdir())
    facts["files"] = [{"name": n, "sha256": digest(folder / n),
                       "bytes": (folder / n).stat().st_size} for n in names]
    (folder / "manifest.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    lines = [f"{digest(folder / n)}  {n}\n" for n in sorted([*names, "manifest.json"])]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def _zip(folder: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, path.name)
