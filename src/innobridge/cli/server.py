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
    run_jobs: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run background jobs in this process (off when workers run them)"
    ),
) -> None:
    """Run the web server · 启动服务."""
    import uvicorn  # only the server needs it: other commands start faster without

    from innobridge.cli.jobs import load_jobs
    from innobridge.core import jobs
    from innobridge.web.app import create_app

    ctx = open_context()
    load_jobs()
    consumer = jobs.start_embedded(ctx) if run_jobs else None
    try:
        uvicorn.run(create_app(ctx), host=host, port=port, log_level="info")
    finally:
        if consumer is not None:
            jobs.stop_embedded(consumer)
