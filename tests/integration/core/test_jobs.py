"""Jobs through huey on both stores (a SQLite file, real Redis): after-commit delivery, catch-up at
start, registered background jobs."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from tests.conftest import make_user
from tests.smtp_server import SmtpServer

from innobridge.core import jobs
from innobridge.core.context import Context
from innobridge.core.i18n import register
from innobridge.core.notifications import notify
from innobridge.core.notifications.models import OutboxMessage, OutboxStatus

REDIS_URL = "redis://127.0.0.1:6379/0"
EVENT = "test.jobs"
register(
    {
        f"notify.{EVENT}.subject": {"zh": "任务测试", "en": "Jobs test"},
        f"notify.{EVENT}.body": {"zh": "后台任务送达。", "en": "Delivered by a job."},
    }
)
_seen: list[int] = []
_ran = threading.Event()


@jobs.background("test.record")
def _record(ctx: Context, *, value: int) -> None:
    _seen.append(value)
    _ran.set()


@pytest.fixture(params=["sqlite", "redis"])
def queued(
    request: pytest.FixtureRequest,
    ctx: Context,
    smtp_server: SmtpServer,
) -> Iterator[Context]:
    """The test Context with SMTP, and a job queue on the store under test (a private queue name)."""
    url = REDIS_URL if request.param == "redis" else ""
    ctx.settings = ctx.settings.model_copy(
        update={"smtp_url": smtp_server.url, "smtp_timeout": 5.0, "jobs_url": url, "jobs_workers": 1}
    )
    huey = jobs.make_huey(ctx.settings, name=f"ib-test-{uuid.uuid4().hex[:8]}")
    jobs.install(ctx, huey=huey)
    yield ctx
    huey.storage.flush_all()


def _notify(ctx: Context, user_id: int) -> None:
    with ctx.uow() as uow:
        notify(uow, user_ids=[user_id], event=EVENT, params={})


def _statuses(ctx: Context) -> list[OutboxStatus]:
    with ctx.session() as s:
        return list(s.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_a_commit_queues_delivery_and_a_worker_sends_it(queued: Context, smtp_server: SmtpServer) -> None:
    ctx = queued
    user = make_user(ctx)
    assert user.user_id
    queue = jobs.get(ctx)
    assert queue is not None
    _notify(ctx, user.user_id)
    assert queue.pending() == 1  # stored in the job store, waiting for a worker
    consumer = jobs.start_embedded(ctx)
    try:
        got = smtp_server.mailbox.wait_for(1)
    finally:
        jobs.stop_embedded(consumer)
    assert [m["Subject"] for m in got] == ["任务测试"]
    assert _statuses(ctx) == [OutboxStatus.sent]


def test_rows_written_without_a_queue_are_found_by_the_sweep_at_start(
    queued: Context,
    smtp_server: SmtpServer,
) -> None:
    ctx = queued
    user = make_user(ctx)
    assert user.user_id
    queue = jobs.get(ctx)
    assert queue is not None
    ctx.listeners.remove(queue.on_changes)  # as if the store was down when the change committed
    _notify(ctx, user.user_id)
    assert queue.pending() == 0
    consumer = jobs.start_embedded(ctx)  # its at-start sweep finds the row
    try:
        assert len(smtp_server.mailbox.wait_for(1)) == 1
    finally:
        jobs.stop_embedded(consumer)
    assert _statuses(ctx) == [OutboxStatus.sent]


def test_a_registered_background_job_runs(queued: Context) -> None:
    ctx = queued
    _seen.clear()
    _ran.clear()
    assert jobs.enqueue(ctx, "test.record", value=42)
    consumer = jobs.start_embedded(ctx)
    try:
        assert _ran.wait(30)
    finally:
        jobs.stop_embedded(consumer)
    assert _seen == [42]


def test_unknown_jobs_and_stores_are_refused(ctx: Context) -> None:
    with pytest.raises(ValueError, match="INNOBRIDGE_JOBS_URL"):
        jobs.make_huey(ctx.settings.model_copy(update={"jobs_url": "amqp://x"}))
    named = jobs.make_huey(ctx.settings.model_copy(update={"jobs_url": REDIS_URL + "?queue=ib-named"}))
    assert named.name == "ib-named"
    queue = jobs.install(ctx)
    with pytest.raises(KeyError, match="no job named"):
        queue.enqueue("no.such.job")
    assert (
        jobs.enqueue(Context.from_settings(ctx.settings, engine=ctx.engine), "test.record", value=1) is False
    )


def test_outbox_changes_are_declared_to_the_search_index(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    from innobridge.index import service as indexing
    from innobridge.search.engine import SearchEngine

    index = indexing.install(ctx, start_vectors=False, engine=SearchEngine(None))
    try:
        user = make_user(ctx)
        assert user.user_id
        with caplog.at_level("ERROR"):
            _notify(ctx, user.user_id)
        assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    finally:
        index.close()
