"""`innobridge worker` (runs background and scheduled jobs) and `innobridge mail test ADDRESS`."""

from __future__ import annotations

from typing import Annotated

import typer

from innobridge import features
from innobridge.cli.common import console, open_context
from innobridge.core import jobs, notifications
from innobridge.core.i18n import both
from innobridge.core.notifications import delivery

commands = typer.Typer()
mail = typer.Typer(help="E-mail · 邮件", no_args_is_help=True)
commands.add_typer(mail, name="mail")


def load_jobs() -> None:
    """Register every job: core's (the outbox) and each feature's `jobs` module from the manifest. The
    producers (server, CLI) and the workers must agree on the names, so both call this."""
    features.load_all("jobs")


@commands.command()
def worker(
    workers: Annotated[
        int | None, typer.Option(help="Worker threads (default INNOBRIDGE_JOBS_WORKERS)")
    ] = None,
    periodic: Annotated[
        bool, typer.Option("--periodic/--no-periodic", help="Also run scheduled jobs (one worker should)")
    ] = True,
) -> None:
    """Run background and scheduled jobs until interrupted · 运行后台任务."""
    load_jobs()
    ctx = open_context()
    settings = ctx.settings
    store = settings.jobs_url or str(settings.jobs_file)
    names = ", ".join(sorted(s.name for s in jobs.specs()))
    console.print(f"worker: store {store}; jobs: {names}")
    if settings.index_writer:  # the one process that writes the search index (docs/serving.md)
        from innobridge.index import service as indexing  # the engine loads only in a worker

        indexing.install(ctx, writer=True, start_vectors=True).start_following()
    jobs.run_worker(ctx, workers=workers, periodic=periodic)


@mail.command("test")
def mail_test(address: Annotated[str, typer.Argument(help="Where to send the test message")]) -> None:
    """Send a test message through the outbox and report the SMTP server's answer · 发送测试邮件."""
    if "@" not in address or len(address) > 254:
        console.print(f"[red]not an e-mail address: {address}[/red]")
        raise typer.Exit(2)
    ctx = open_context()
    with ctx.uow() as uow:
        outbox_id = notifications.queue_email(
            uow,
            to_address=address,
            subject=both("notify.mail_test.subject"),
            body=both("notify.mail_test.body"),
            max_attempts=1,  # a test reports this attempt; no retries later
        )
    result = delivery.deliver_one(ctx, outbox_id)
    if result.status == "sent":
        console.print(f"[green]delivered to {address} (outbox #{outbox_id})[/green]")
        return
    delivery.give_up(ctx, outbox_id, result.detail or result.status)
    console.print(f"[red]not delivered (outbox #{outbox_id}): {result.detail or result.status}[/red]")
    raise typer.Exit(1)
