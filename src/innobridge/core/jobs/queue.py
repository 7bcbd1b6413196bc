"""The job queue: huey over a SQLite file in the data directory (default) or Redis (INNOBRIDGE_JOBS_URL).

huey removes a task from its store when a worker takes it, so a worker killed mid-task loses that
task: every job here is therefore idempotent and re-derivable from the database (the outbox row is the
truth, reminders and digests look at what was already sent), and a periodic sweep re-queues what a lost
task left undone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper

from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.jobs import registry
from innobridge.core.unit_of_work import Change

log = logging.getLogger(__name__)
SERVICE_NAME = "jobs"
QUEUE = "innobridge"


def make_huey(settings: Settings, *, name: str | None = None) -> Huey:
    """A huey instance on the configured store (no result store: jobs write to the database).

    `redis://host:6379/0?queue=NAME` names the queue (default "innobridge"), so that deployments or
    test runs sharing one Redis keep apart."""
    url = settings.jobs_url.strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        queue = (query.pop("queue", None) or [name or QUEUE])[0]
        rest = urlencode({k: v[0] for k, v in query.items()})
        return RedisHuey(name or queue, url=urlunsplit(parts._replace(query=rest)), results=False)
    if url:
        raise ValueError(f"INNOBRIDGE_JOBS_URL must be empty or redis://…, not {url!r}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name or QUEUE, filename=str(settings.jobs_file), results=False, timeout=30)


def _schedule(every: registry.Every, settings: Settings) -> Any:
    if every == "minute":
        return crontab()
    if every == "hour":
        return crontab(minute="0")
    return crontab(minute="0", hour=str(settings.jobs_daily_hour))


class JobQueue:
    """The registered jobs bound to one Context, as huey tasks; shared by producers and workers."""

    def __init__(self, ctx: Context, huey: Huey | None = None) -> None:
        self.ctx = ctx
        self.huey = huey if huey is not None else make_huey(ctx.settings)
        self._tasks: dict[str, TaskWrapper] = {}
        self.sync()

    def sync(self) -> None:
        """Bind jobs registered since (feature job modules imported after the queue was made)."""
        for spec in registry.specs():
            if spec.name in self._tasks:
                continue
            run = self._runner(spec)
            if spec.every is None:
                self._tasks[spec.name] = self.huey.task(name=spec.name)(run)
            else:
                self._tasks[spec.name] = self.huey.periodic_task(
                    _schedule(spec.every, self.ctx.settings), name=spec.name
                )(run)

    def _runner(self, spec: registry.JobSpec) -> Callable[..., None]:
        ctx = self.ctx

        def run(**kwargs: Any) -> None:
            spec.func(ctx, **kwargs)

        run.__name__ = spec.name.replace(".", "_")
        return run

    def enqueue(self, name: str, *, eta: datetime | None = None, **kwargs: Any) -> None:
        """Queue job `name` now or at `eta` (an aware datetime)."""
        if name not in self._tasks:
            registry.spec(name)  # a clear error for a name nobody registered
            self.sync()
        task = self._tasks[name]
        if eta is None:
            task(**kwargs)
        else:
            task.schedule(kwargs=kwargs, eta=eta)

    def run_now(self, name: str, **kwargs: Any) -> None:
        """Run a job in this thread (the CLI, tests, a worker's start-up catch-up)."""
        registry.spec(name).func(self.ctx, **kwargs)

    def pending(self) -> int:
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    def on_changes(self, changes: list[Change]) -> None:
        """UnitOfWork listener: after a commit, queue the jobs that committed changes call for. A store
        that is down must not fail the request that already committed: the periodic sweeps catch up."""
        triggers = registry.triggers()
        for change in changes:
            trigger = triggers.get(change.entity)
            if trigger is None or change.op != "upsert":
                continue
            try:
                self.enqueue(trigger.job, entity_id=change.entity_id)
            except Exception:
                log.exception("could not queue %s for %s %s", trigger.job, change.entity, change.entity_id)


def install(ctx: Context, *, huey: Huey | None = None) -> JobQueue:
    """The context's job queue, made once; committed changes queue their jobs from then on."""
    existing = ctx.services.get(SERVICE_NAME)
    if isinstance(existing, JobQueue):
        existing.sync()
        return existing
    queue = JobQueue(ctx, huey)
    ctx.listeners.append(queue.on_changes)
    ctx.services[SERVICE_NAME] = queue
    return queue


def get(ctx: Context) -> JobQueue | None:
    queue = ctx.services.get(SERVICE_NAME)
    return queue if isinstance(queue, JobQueue) else None


def enqueue(ctx: Context, name: str, *, eta: datetime | None = None, **kwargs: Any) -> bool:
    """Queue a job when this context has a queue installed; False when it has none (the sweeps will
    find the work, or the caller runs it itself)."""
    queue = get(ctx)
    if queue is None:
        return False
    queue.enqueue(name, eta=eta, **kwargs)
    return True
