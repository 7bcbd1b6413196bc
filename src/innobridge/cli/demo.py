"""`innobridge demo`: load the demo data, build the search index, optionally serve."""

from __future__ import annotations

from typing import Annotated

import typer

from innobridge.cli.common import console, open_context
from innobridge.cli.matching import index_command
from innobridge.cli.server import serve

commands = typer.Typer()


@commands.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")
    ] = False,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Load the bilingual demo data set (idempotent) · 加载演示数据."""
    from innobridge.demo.load import DEMO_USERS, load_demo  # the data files load when the demo runs

    ctx = open_context()
    counts = load_demo(ctx)
    console.print("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for user in DEMO_USERS:
        console.print(f"  demo login: {user.email} / {user.password}  ({user.role})")
    index_command(rebuild=True, vectors=False)
    if serve_after:
        serve(host=host, port=port)
