"""Running jobs: `innobridge worker` (a huey consumer in the foreground) and the in-process consumer of
the one-command demo and `innobridge serve`."""

from __future__ import annotations

import logging

from huey.consumer import Consumer

from innobridge.core.context import Context
from innobridge.core.jobs import registry
from innobridge.core.jobs.queue import JobQueue, install

log = logging.getLogger(__name__)
# An idle worker polls a SQLite store at most once a second (huey's default backs off to 10 s: an
# e-mail would wait that long after a quiet spell); Redis and PostgreSQL stores block and wake at once.
CONSUMER_OPTIONS: dict[str, float] = {"initial_delay": 0.05, "backoff": 1.15, "max_delay": 1.0}


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer on threads of a process it does not own: signals stay with the host (uvicorn)."""

    def _set_signal_handlers(self) -> None:
        pass


def catch_up(queue: JobQueue) -> None:
    """Queue the at-start jobs (e.g. the outbox sweep): work a killed worker left is found at once."""
    for spec in registry.specs():
        if spec.at_start:
            queue.enqueue(spec.name)


def make_consumer(ctx: Context, *, workers: int | None = None, periodic: bool = True) -> Consumer:
    queue = install(ctx)
    consumer = queue.huey.create_consumer(
        workers=workers or ctx.settings.jobs_workers,
        worker_type="thread",
        periodic=periodic,
        **CONSUMER_OPTIONS,
    )
    catch_up(queue)
    return consumer


def run_worker(ctx: Context, *, workers: int | None = None, periodic: bool = True) -> None:
    """Block running jobs until SIGINT/SIGTERM (graceful on SIGINT)."""
    make_consumer(ctx, workers=workers, periodic=periodic).run()


def start_embedded(ctx: Context, *, workers: int | None = None) -> Consumer:
    """Start consumer threads inside this process; `stop_embedded` ends them."""
    queue = install(ctx)
    consumer = _EmbeddedConsumer(
        queue.huey,
        workers=workers or ctx.settings.jobs_workers,
        worker_type="thread",
        periodic=True,
        **CONSUMER_OPTIONS,
    )
    consumer.start()
    catch_up(queue)
    log.info("jobs run in-process (%s)", ctx.settings.jobs_url or ctx.settings.jobs_file)
    return consumer


def stop_embedded(consumer: Consumer) -> None:
    consumer.stop(graceful=True)
