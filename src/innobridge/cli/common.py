"""What every command module shares: the stderr console, the Context, progress bars, failing cleanly.

Command modules import this module and nothing of each other's except where one command runs
another's (the demo builds the index); the Typer app in `main.py` imports them all, never the reverse.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from innobridge.core import migrate
from innobridge.core.config import get_settings
from innobridge.core.context import Context
from innobridge.core.i18n import both

console = Console(stderr=True)


def open_context(migrated: bool = True) -> Context:
    """The Context every command works in, with the schema migrated to head."""
    ctx = Context.from_settings(get_settings())
    if migrated:
        migrate.upgrade(ctx.engine)
    return ctx


def progress_bar() -> Progress:
    """A progress bar on stderr, silent when stderr is not a terminal (CI, pipes)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


def fail(exc: Exception, code: int) -> NoReturn:
    """Print an error's message in zh and en (an AppError-like `code` + `params`) and exit with `code`."""
    params = getattr(exc, "params", {})
    console.print(f"[red]{both(getattr(exc, 'code', str(exc)), **params)}[/red]")
    raise typer.Exit(code)
