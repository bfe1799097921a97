"""The moderators' commands: ``civicmod review``, ``civicmod act`` and ``civicmod history``."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from civicmod.bootstrap import cli_settings, cli_store
from pipeline.settings import Settings

if TYPE_CHECKING:
    from civicmod.history import ArchiveFacts

console = Console()
errors = Console(stderr=True)

ModeratorId = Annotated[str, typer.Option(help="Your moderator id (default: your user name)")]


def _facts(settings: Settings) -> ArchiveFacts:
    from civicmod.history import ArchiveFacts
    from sinks.index import Indexer, connect, index_path
    from sinks.series import RetentionSeries

    indexer = Indexer(cli_store(settings, "officer"), RetentionSeries(settings),
                      connect(index_path(settings)))
    return ArchiveFacts(indexer, settings.topics)


def review(
    team: Annotated[str, typer.Option(help="Moderation team (one shared queue per team)")] = "",
    moderator: ModeratorId = "",
) -> None:
    """Work through the flagged-comment queue: keep, remove or ban, with a reason."""
    from civicmod.review import ReviewQueue
    from pipeline.desk import ActionDesk

    settings = cli_settings()
    team = team or settings.moderation.team
    moderator = moderator or getpass.getuser()
    desk = ActionDesk(settings, _facts(settings), f"civicmod review (team {team})")
    try:
        queue = ReviewQueue(settings, team, moderator, desk, console,
                            lambda question: console.input(question, markup=False))
        decided = queue.run()
    finally:
        desk.close()
    console.print(f"{decided} item(s) decided")


def act(
    kind: Annotated[str, typer.Argument(help="keep, remove, restore, ban or unban")],
    target: Annotated[str, typer.Argument(help="COMMENT_ID, or platform:author_id for ban, "
                                               "unban and keep (dismiss a ban recommendation)")],
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", help="Policy category letter a–i (repeatable)")] = None,
    reason: Annotated[str, typer.Option(help="Why (required for remove and ban)")] = "",
    moderator: ModeratorId = "",
) -> None:
    """Write one moderation action (for scripts); a refused action exits 2 and is dead-lettered."""
    from pipeline.desk import ActionDesk, ActionRequest, InvalidAction

    settings = cli_settings()
    desk = ActionDesk(settings, _facts(settings), "civicmod act")
    request = ActionRequest(kind=kind, target=target, moderator=moderator or getpass.getuser(),
                            categories=tuple(category or ()), reason=reason)
    try:
        action = desk.submit(request)
    except InvalidAction as exc:
        errors.print(f"refused: {exc}")
        raise typer.Exit(code=2) from exc
    finally:
        desk.close()
    console.print(f"{action.kind} written: {action.id}")


def history(
    author: Annotated[str, typer.Argument(help="platform:author_id")],
) -> None:
    """The author's comments, verdicts, actions and standing, in order, from the archive."""
    story = _facts(cli_settings()).story(author)
    if not story:
        errors.print(f"nothing archived for {author}")
        raise typer.Exit(code=1)
    table = Table(title=f"history of {author}")
    for column in ("when (UTC)", "what", "detail"):
        table.add_column(column, overflow="fold")
    for line in story:
        table.add_row(f"{line.at:%Y-%m-%d %H:%M:%S}", line.what, line.detail)
    console.print(table)
