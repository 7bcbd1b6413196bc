"""`innobridge init` and `innobridge serve`."""

from __future__ import annotations

import typer

from innobridge.cli.common import console, open_context

commands = typer.Typer()


@commands.command()
def init() -> None:
    """Create or upgrade the database schema · 初始化/升级数据库."""
    ctx = open_context()
    console.print(f"database ready: {ctx.engine.url.render_as_string(hide_password=True)}")


@commands.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port"),
) -> None:
    """Run the web server · 启动服务."""
    import uvicorn  # only the server needs it: other commands start faster without

    from innobridge.web.app import create_app

    uvicorn.run(create_app(open_context()), host=host, port=port, log_level="info")
