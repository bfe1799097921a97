"""The ``civicmod`` command line."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from civicmod import calibrate_cli, model_cli, moderator_cli
from civicmod.archive_cli import archive_app
from civicmod.bootstrap import cli_settings, cli_store, console
from civicmod.console.users_cli import users_app
from civicmod.sources_cli import sources_app

app = typer.Typer(help="civicmod: moderation and public-records archiving of public comments.")
app.command("review")(moderator_cli.review)
app.command("act")(moderator_cli.act)
app.command("history")(moderator_cli.history)
app.command("train")(model_cli.train)
app.command("evaluate")(model_cli.evaluate)
app.command("distill")(model_cli.distill)
app.command("train-intent")(model_cli.train_intent)
app.command("calibrate")(calibrate_cli.calibrate)
config_app = typer.Typer(help="Inspect the settings.")
topics_app = typer.Typer(help="Manage the Kafka topics.")
app.add_typer(config_app, name="config")
app.add_typer(topics_app, name="topics")
app.add_typer(archive_app, name="archive")
app.add_typer(sources_app, name="sources")
app.add_typer(users_app, name="users")


@config_app.command("show")
def config_show() -> None:
    """Print the effective settings as JSON, secrets masked."""
    print(json.dumps(cli_settings().masked(), indent=2))


@topics_app.command("create")
def topics_create() -> None:
    """Create every missing topic with the configured partition count."""
    from pipeline.topics import create_topics

    created = create_topics(cli_settings())
    console.print(f"created: {', '.join(created) or 'nothing (all exist)'}")


@app.command()
def up(
    demo_rate: Annotated[float, typer.Option(help="Demo comments per second (0: none)")] = 0,
    demo_count: Annotated[int, typer.Option(help="Demo comments to send in all")] = 0,
) -> None:
    """Start the stack (embedded services, worker, sink, HTTP ingest) until Ctrl-C."""
    from civicmod.stack.supervisor import Supervisor, run_until_signalled

    run_until_signalled(Supervisor(cli_settings(), demo_rate=demo_rate, demo_count=demo_count))


@app.command()
def worker() -> None:
    """Run the Faust moderation worker."""
    from civicmod.compose import run_moderation_worker

    run_moderation_worker(cli_settings())


@app.command()
def sink() -> None:
    """Run the archive sink until SIGTERM."""
    from pipeline.health import serve_health
    from sinks.archive_sink import ArchiveSink

    settings = cli_settings()
    serve_health(settings.metrics, "sink")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ArchiveSink(settings, cli_store(settings, "pipeline")).run(stop)


@app.command("serve-http")
def serve_http() -> None:
    """Serve ``POST /comments`` on the configured host and port."""
    from civicmod.http_ingest import serve_http as serve

    serve(cli_settings())


@app.command("console")
def console_server() -> None:
    """Serve the web console (console.host:console.port) until interrupted."""
    from civicmod.console.app import serve_console

    serve_console(cli_settings())


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="JSON Lines or CSV file; '-' for stdin")],
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl or csv (default: from the file name)")
    ] = "",
    skip: Annotated[
        int, typer.Option(help="Pass over the first N lines (resume an interrupted ingest)")
    ] = 0,
) -> None:
    """Validate and send a file of comments; invalid lines go to the dead-letter topic."""
    from kafka.errors import KafkaError

    from pipeline.ingest import CommentProducer, IngestCounts, IngestInterrupted, ingest_stream

    settings = cli_settings()
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # the progress bar tells the waits
    fmt = fmt or ("csv" if source.lower().endswith(".csv") else "jsonl")
    stream = sys.stdin.buffer if source == "-" else Path(source).open("rb")  # noqa: SIM115
    total = None if source == "-" else Path(source).stat().st_size
    counts = IngestCounts()
    try:
        producer = CommentProducer(settings)
    except KafkaError as exc:
        console.print(f"ingest not started: no broker at {settings.kafka.bootstrap_servers} "
                      f"({type(exc).__name__})")
        raise typer.Exit(code=1) from None
    with stream, Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(), console=console,
    ) as progress:
        task = progress.add_task("ingesting", total=total, counts="")

        def waiting(unacknowledged: int, seconds: float) -> None:
            progress.update(task, description=f"waiting for the broker ({seconds:.0f}s, "
                                              f"{unacknowledged} unacknowledged)")

        try:
            for counts in ingest_stream(producer, stream, source, fmt, skip, waiting):
                if total is not None:
                    progress.update(task, completed=stream.tell())
                progress.update(task, description="ingesting",
                                counts=f"{counts.accepted} ok, {counts.dead_lettered} dead")
        except IngestInterrupted as exc:
            progress.stop()
            producer.abandon()
            console.print(str(exc), soft_wrap=True, highlight=False, markup=False)
            raise typer.Exit(code=1) from None
    producer.close()
    console.print(
        f"accepted {counts.accepted}, dead-lettered {counts.dead_lettered} "
        f"(to {settings.topics.deadletter}), skipped {counts.skipped}"
    )


@app.command()
def demo(
    rate: Annotated[float, typer.Option(help="Comments per second (0: as fast as possible)")] = 20,
    count: Annotated[int, typer.Option(help="How many comments to send")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed of the generator")] = 0,
) -> None:
    """Send realistic synthetic civic comments, some violating the policy."""
    from civicmod.demo import generate_comments
    from pipeline.ingest import CommentProducer, IngestCounts

    settings = cli_settings()
    producer = CommentProducer(settings)
    counts = IngestCounts()
    started = time.monotonic()
    for n, item in enumerate(generate_comments(count, seed=seed), start=1):
        producer.accept_object(item, "demo", counts)
        if rate > 0:
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
    producer.close()
    console.print(f"sent {counts.accepted} demo comments")


@app.command()
def status() -> None:
    """Show services, topic end offsets, consumer-group lag and archive size."""
    from civicmod.stack.embedded import embedded_endpoints
    from civicmod.status import collect_status

    settings = cli_settings()
    snapshot = collect_status(embedded_endpoints(settings) if settings.embedded.enabled
                              else settings)
    table = Table(title="civicmod status")
    table.add_column("what")
    table.add_column("value", justify="right")
    for name, up_ in snapshot.services.items():
        table.add_row(f"service {name}", "up" if up_ else "DOWN")
    for topic, end in snapshot.end_offsets.items():
        table.add_row(f"topic {topic} end offset", str(end))
    for group, lag in snapshot.lag.items():
        table.add_row(f"group {group} lag", str(lag))
    table.add_row("archive objects", "?" if snapshot.archive_objects is None
                  else str(snapshot.archive_objects))
    for role, state in snapshot.processes.items():
        table.add_row(f"process {role}", state)
    for name, value in snapshot.metrics.items():
        table.add_row(name, f"{value:g}")
    Console().print(table)
    for wait in snapshot.waits:
        console.print(f"[yellow]{wait}[/yellow]", highlight=False)
    for error in snapshot.errors:
        console.print(f"[red]{error}[/red]")
    if not all(snapshot.services.values()):
        raise typer.Exit(code=1)


if __name__ == "__main__":
    app()
