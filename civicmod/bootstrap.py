"""The one start of every ``civicmod`` command: settings, logging, the archive for a role."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.logging import RichHandler

from civicmod.archive_access import NoKeys, Role, open_store
from pipeline.settings import Settings, load_settings
from sinks.store import ArchiveStore

console = Console(stderr=True)


def cli_settings() -> Settings:
    """Load the settings and send logs to stderr: rich on a terminal, one line per record
    otherwise (log files of the children of ``up``, services)."""
    settings = load_settings()
    if console.is_terminal:
        handler: logging.Handler = RichHandler(console=console, show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    logging.getLogger("kafka").setLevel(logging.WARNING)
    return settings


def cli_store(settings: Settings, role: Role) -> ArchiveStore:
    """The archive for ``role``; exits 2 with a clear line when no keys are configured."""
    try:
        return open_store(settings, role)
    except NoKeys as exc:
        console.print(str(exc))
        raise typer.Exit(code=2) from None
