"""``civicmod sources …``: serve the webhook and pollers, carry actions out, check tokens."""

from __future__ import annotations

import asyncio
import signal
import threading

import typer
from rich.markup import escape

from civicmod.bootstrap import cli_settings, console

sources_app = typer.Typer(help="Platform sources (Facebook, Instagram, YouTube): "
                               "docs/sources.md.")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return stop


@sources_app.command("serve")
def serve() -> None:
    """Serve the Meta webhook and poll the configured platforms until SIGTERM."""
    from civicmod.sources.service import serve_sources
    from pipeline.health import serve_health

    settings = cli_settings()
    serve_health(settings.metrics, "sources")
    serve_sources(settings, _stop_on_signals())


@sources_app.command("act")
def act() -> None:
    """Carry moderators' actions out on the platforms until SIGTERM."""
    from civicmod.sources.executor import run_executor
    from pipeline.health import serve_health

    settings = cli_settings()
    serve_health(settings.metrics, "platform-actions")
    run_executor(settings, _stop_on_signals())


@sources_app.command("check")
def check() -> None:
    """Check configuration and tokens; print the pages, channel and permissions seen."""
    from civicmod.sources.check import check_sources

    settings = cli_settings()
    if not settings.sources.configured:
        console.print("no platform configured (sources.facebook_page_ids, "
                      "sources.instagram_account_ids, sources.youtube_channel_id): "
                      "nothing to check")
        return
    findings = asyncio.run(check_sources(settings.sources))
    for finding in findings:
        mark = "[green]ok[/]" if finding.ok else "[red]PROBLEM[/]"
        console.print(f"{mark}  {escape(finding.what)}: {escape(finding.detail)}")
    if not all(f.ok for f in findings):
        raise typer.Exit(code=1)
