"""`innobridge init` and `innobridge serve`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from innobridge.cli.common import console, open_context

commands = typer.Typer()
APP_FACTORY = "innobridge.web.app:app_from_env"


@commands.command()
def init() -> None:
    """Create or upgrade the database schema · 初始化/升级数据库."""
    ctx = open_context()
    console.print(f"database ready: {ctx.engine.url.render_as_string(hide_password=True)}")


def worker_count(requested: int | None, configured: int) -> int:
    """--workers, else INNOBRIDGE_WORKERS, else one per core."""
    n = requested if requested is not None else configured
    return n if n > 0 else max(1, os.cpu_count() or 1)


@commands.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port"),
    workers: Annotated[
        int | None,
        typer.Option(help="Web server processes (default INNOBRIDGE_WORKERS; 0 or unset: one per core)"),
    ] = None,
    run_jobs: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run background jobs in this process (off when workers run them)"
    ),
) -> None:
    """Run the web server · 启动服务.

    With several workers, this process supervises them and, unless --no-jobs, runs the jobs and is
    the one writer of the search index; the workers answer requests and only read the index
    (docs/serving.md). With one worker, everything runs in this process."""
    import uvicorn  # only the server needs it: other commands start faster without

    from innobridge.cli.jobs import load_jobs
    from innobridge.core import jobs
    from innobridge.index import service as indexing
    from innobridge.web.app import create_app

    ctx = open_context()
    load_jobs()
    n = worker_count(workers, ctx.settings.workers)
    if n == 1:
        # the one process writes the index only when it runs the jobs (else `innobridge worker` does)
        index = indexing.install(ctx, writer=run_jobs and ctx.settings.index_writer)
        index.start_following()  # a writer sweeps for records written behind its back (CLI imports)
        consumer = jobs.start_embedded(ctx) if run_jobs else None
        try:
            uvicorn.run(create_app(ctx), host=host, port=port, log_level="info")
        finally:
            if consumer is not None:
                jobs.stop_embedded(consumer)
        return

    consumer = None
    if run_jobs:
        # This process writes the index: it applies the workers' `index.apply` jobs, sweeps, builds
        # vectors — never in a process that answers requests.
        indexing.install(ctx, writer=True, start_vectors=True).start_following()
        consumer = jobs.start_embedded(ctx)
    # The workers are spawned (not forked) and read their settings from the environment.
    os.environ["INNOBRIDGE_INDEX_WRITER"] = "false"
    console.print(f"serving on http://{host}:{port} with {n} worker processes")
    try:
        uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=n, log_level="info")
    finally:
        if consumer is not None:
            jobs.stop_embedded(consumer)
