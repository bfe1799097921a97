"""``civicmod users``: add and list the console's users."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from civicmod.bootstrap import cli_settings, console
from civicmod.console.users import ROLES, UserError, UserStore, users_path

users_app = typer.Typer(help="The web console's users (moderator, officer, admin).")
PASSWORD_ENV = "CIVICMOD_CONSOLE_PASSWORD"


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user name to log in with")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}")],
    replace: Annotated[bool, typer.Option(help="Reset an existing user")] = False,
) -> None:
    """Add a user; the password is read from CIVICMOD_CONSOLE_PASSWORD or asked twice."""
    password = os.environ.get(PASSWORD_ENV) or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True)
    try:
        user = UserStore(users_path(cli_settings())).add(name, role, password, replace)
    except UserError as exc:
        console.print(f"refused: {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"user {user.name} ({user.role}) saved")


@users_app.command("list")
def list_users() -> None:
    """List the users with their roles."""
    for user, created in UserStore(users_path(cli_settings())).list():
        print(f"{user.name}\t{user.role}\t{created}")
