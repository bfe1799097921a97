"""``civicmod archive …``: verify, search, get, holds, disposition and export."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from civicmod.bootstrap import cli_settings, cli_store, console
from pipeline.settings import Settings

archive_app = typer.Typer(help="The records archive: verify, search, hold, dispose, export.")
out = Console()

Since = Annotated[str, typer.Option(help="First date (YYYY-MM-DD), inclusive")]
Until = Annotated[str, typer.Option(help="Last date (YYYY-MM-DD), inclusive")]


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str) -> datetime:
    """A UTC time from ISO text; a bare date means the end of that day."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date or date-time (ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@archive_app.command()
def verify(
    since: Since = "",
    until: Until = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Recompute hashes, walk the hash chains, check Object Lock; exit 1 on any problem."""
    from sinks.series import RetentionSeries
    from sinks.verify import Verifier

    settings = cli_settings()
    with console.status("verifying the archive…"):
        report = Verifier(cli_store(settings, "officer"), RetentionSeries(settings)).run(
            _day(since), _day(until))
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for problem in report.problems:
            out.print(f"[red]FAIL[/red] {problem.kind}: {escape(problem.message)}",
                      highlight=False)
        for note in report.notes:
            out.print(f"note: {escape(note)}", highlight=False)
        count = len(report.problems)
        verdict = "[green]OK[/green]" if report.ok else f"[red]{count} problem(s)[/red]"
        out.print(f"{verdict}: {report.objects} objects, {report.records} records, "
                  f"{report.manifests} manifests in {report.partitions} chains, "
                  f"{report.chain_heads} chain heads, {report.disposed} disposed objects")
    if not report.ok:
        raise typer.Exit(code=1)


Format = Annotated[str, typer.Option("--format", help="table, jsonl or csv")]


def _index(settings: Settings, update: bool, rebuild: bool = False) -> Any:
    """The index connection, brought up to date with the bucket first when ``update``."""
    from sinks.index import Indexer, connect, index_path
    from sinks.series import RetentionSeries

    path = index_path(settings)
    if rebuild:
        path.unlink(missing_ok=True)
    db = connect(path)
    if update:
        with console.status("updating the index from the archive…"):
            result = Indexer(cli_store(settings, "officer"), RetentionSeries(settings), db).update()
        if result.objects:
            console.print(f"indexed {result.objects} new objects ({result.lines} records)")
        for key in result.skipped:
            console.print(f"[yellow]not indexed (does not match its manifest): {escape(key)}"
                          "[/yellow]")
    return db


def _query(words: str, **filters: Any) -> Any:
    from sinks.search import QueryError, parse_query

    try:
        base = parse_query(words)
        filters["since"] = _day(filters.get("since") or "")
        filters["until"] = _day(filters.get("until") or "")
        return base.merged(**filters)
    except QueryError as exc:
        raise typer.BadParameter(str(exc)) from None


@archive_app.command()
def index(
    rebuild: Annotated[bool, typer.Option(help="Delete the index and read everything")] = False,
) -> None:
    """Bring the local search index up to date with the archive bucket."""
    settings = cli_settings()
    db = _index(settings, update=True, rebuild=rebuild)
    count = db.execute("SELECT count(*) FROM comments").fetchone()[0]
    console.print(f"the index holds {count} comments")


@archive_app.command()
def search(
    words: Annotated[str, typer.Argument(help="Query words, e.g. 'page=x action=removed'")] = "",
    since: Since = "",
    until: Until = "",
    platform: Annotated[str, typer.Option(help="Platform, e.g. facebook")] = "",
    page: Annotated[str, typer.Option(help="Page id")] = "",
    post: Annotated[str, typer.Option(help="Post id")] = "",
    author: Annotated[str, typer.Option(help="Author id (exact)")] = "",
    author_name: Annotated[str, typer.Option(help="Author name contains")] = "",
    category: Annotated[str, typer.Option(help="Policy category a–i cited")] = "",
    action: Annotated[str, typer.Option(help="allowed, reviewed, removed or restored")] = "",
    text: Annotated[str, typer.Option(help="Text contains (case-insensitive)")] = "",
    regex: Annotated[str, typer.Option(help="Text matches this RE2 regular expression")] = "",
    comment: Annotated[str, typer.Option(help="Comment id")] = "",
    fmt: Format = "table",
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all)")] = 1000,
    update: Annotated[bool, typer.Option(help="Update the index from the bucket first")] = True,
) -> None:
    """Search archived comments (one row per comment id, with its current status)."""
    from sinks.output import table, write_csv, write_jsonl
    from sinks.search import COLUMNS, QueryError
    from sinks.search import search as run_search

    query = _query(words, since=since, until=until, platform=platform, page=page, post=post,
                   author=author, author_name=author_name, category=category, action=action,
                   text=text, regex=regex, comment=comment)
    settings = cli_settings()
    try:
        rows = run_search(_index(settings, update), query, limit)
    except QueryError as exc:
        raise typer.BadParameter(str(exc)) from None
    if fmt == "jsonl":
        write_jsonl(rows, sys.stdout)
    elif fmt == "csv":
        write_csv(rows, COLUMNS, sys.stdout)
    elif fmt == "table":
        out.print(table(rows, f"{len(rows)} comments: {query.describe()}"))
    else:
        raise typer.BadParameter(f"--format must be table, jsonl or csv, not {fmt!r}")


@archive_app.command()
def get(
    comment_id: Annotated[str, typer.Argument(help="The comment id")],
    update: Annotated[bool, typer.Option(help="Update the index from the bucket first")] = True,
    as_of: Annotated[str, typer.Option(
        help="Only what the comment said at this time (ISO date or date-time, UTC)")] = "",
) -> None:
    """Print a comment, its versions and its history (verdicts, actions, platform events,
    holds) in order, as JSON; with ``--as-of`` only the version in effect at that time."""
    from sinks.history import comment_history, text_as_of
    from sinks.output import plain

    db = _index(cli_settings(), update)
    found = text_as_of(db, comment_id, _moment(as_of)) if as_of else \
        comment_history(db, comment_id)
    if found is None:
        console.print(f"comment {escape(comment_id)} is not in the archive"
                      + (f" as of {escape(as_of)}" if as_of else ""))
        raise typer.Exit(code=1)
    print(json.dumps(plain(found), indent=2, ensure_ascii=False))


hold_app = typer.Typer(help="Legal holds (administrator keys).")
archive_app.add_typer(hold_app, name="hold")
Reason = Annotated[str, typer.Option(help="Why (kept in the archive with the record)")]


@hold_app.command("set")
def hold_set(
    reason: Reason,
    comment: Annotated[str, typer.Option(help="Hold this comment")] = "",
    author: Annotated[str, typer.Option(help="Hold every comment of this author id")] = "",
) -> None:
    """Archive a legal hold and set S3 legal holds on the objects holding its records."""
    from sinks.holds import describe, set_hold

    if bool(comment) == bool(author):
        raise typer.BadParameter("give exactly one of --comment or --author")
    settings = cli_settings()
    db = _index(settings, update=True)
    hold, objects = set_hold(cli_store(settings, "admin"), settings, db, comment or None,
                             author or None, reason)
    out.print(f"{escape(describe(hold))}; {len(objects)} archive objects under S3 legal hold",
              highlight=False)


@hold_app.command("release")
def hold_release(
    reason: Reason,
    hold_id: Annotated[str, typer.Option(help="Release this hold")] = "",
    comment: Annotated[str, typer.Option(help="Release the holds on this comment")] = "",
    author: Annotated[str, typer.Option(help="Release the holds on this author")] = "",
) -> None:
    """Archive the release of holds and lift S3 legal holds no other hold needs."""
    from sinks.holds import active_holds, matching, release_holds

    settings = cli_settings()
    db = _index(settings, update=True)
    holds = matching(active_holds(db), hold_id, comment, author)
    if not holds:
        console.print("no active hold matches")
        raise typer.Exit(code=1)
    freed = release_holds(cli_store(settings, "admin"), settings, db, holds, reason)
    out.print(f"released {len(holds)} hold(s); S3 legal hold lifted on {len(freed)} objects")


@hold_app.command("list")
def hold_list() -> None:
    """List the active legal holds."""
    from sinks.holds import active_holds, describe

    for hold in active_holds(_index(cli_settings(), update=True)):
        out.print(escape(describe(hold)), highlight=False)


@archive_app.command()
def disposition(
    confirm: Annotated[bool, typer.Option(help="Expire the eligible objects")] = False,
    reason: Reason = "retention period ended",
) -> None:
    """List archive objects past retention and not held; with --confirm, expire them."""
    from pipeline.records import utc_now
    from sinks.disposition import dispose, review

    settings = cli_settings()
    store = cli_store(settings, "admin")
    found = review(_index(settings, update=True), store, settings, utc_now())
    for c in found.eligible:
        late = " OVERDUE" if c.overdue else ""
        out.print(f"{escape(c.key)}: {c.record_count} records ({', '.join(c.series)}), due "
                  f"{c.due}{late}", highlight=False)
    out.print(f"{len(found.eligible)} eligible, {len(found.held)} kept by a legal hold, "
              f"{len(found.locked)} still locked")
    if confirm and found.eligible:
        key, failed = dispose(store, settings, found.eligible, reason)
        expired = len(found.eligible) - len(failed)
        out.print(f"disposal recorded in {escape(key)}; expired {expired} objects",
                  highlight=False)
        for failure in failed:
            console.print(f"[red]not deleted: {escape(failure)}[/red]")
        if failed:
            raise typer.Exit(code=1)


@archive_app.command()
def export(
    words: Annotated[str, typer.Argument(help="Query words, as for search")],
    bundle: Annotated[Path, typer.Option("--out", help="The bundle to write (.zip)")],
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or html")] = "csv",
    redact_g: Annotated[bool, typer.Option(
        "--redact-g", help="Redact category-g evidence in this copy (logged)")] = False,
    since: Since = "",
    until: Until = "",
) -> None:
    """Export matching comments with histories, verification and hashes as a zip bundle."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from sinks.export import FORMATS, export_bundle
    from sinks.series import RetentionSeries
    from sinks.verify import Verifier

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    query = _query(words, since=since, until=until)
    settings = cli_settings()
    db = _index(settings, update=True)
    verifier = Verifier(cli_store(settings, "officer"), RetentionSeries(settings))
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("exporting", total=None)
        result = export_bundle(db, verifier, query, fmt, bundle, redact_g,
                               lambda done, total: progress.update(task, completed=done,
                                                                   total=total))
    state = "verified" if result.verification.ok else "[red]VERIFICATION FAILED[/red]"
    console.print(f"{result.records} records, {result.redactions} redactions, sources "
                  f"{state}: {result.path}")
    if not result.verification.ok:
        raise typer.Exit(code=1)
