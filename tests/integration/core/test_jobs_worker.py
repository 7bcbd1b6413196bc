"""A real `innobridge worker` process killed with SIGKILL in the middle of delivering a committed
notification: after a restart the message is delivered exactly once (on both job stores)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.smtp_server import SmtpServer

from innobridge.core import jobs, migrate
from innobridge.core.accounts import UserIn, register_user
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.i18n import register
from innobridge.core.notifications import notify
from innobridge.core.notifications.models import OutboxMessage, OutboxStatus

EVENT = "test.worker"
register(
    {
        f"notify.{EVENT}.subject": {"zh": "进程测试", "en": "Worker test"},
        f"notify.{EVENT}.body": {"zh": "重启后送达一次。", "en": "Delivered once after a restart."},
    }
)


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOBRIDGE_")}
    env.update(
        INNOBRIDGE_ENV="test",
        INNOBRIDGE_DATA_DIR=str(settings.data_dir),
        INNOBRIDGE_ENCODER="none",
        INNOBRIDGE_SMTP_URL=settings.smtp_url,
        INNOBRIDGE_SMTP_TIMEOUT="5",
        INNOBRIDGE_MAIL_LEASE_SECONDS=str(settings.mail_lease_seconds),
        INNOBRIDGE_JOBS_URL=settings.jobs_url,
        INNOBRIDGE_JOBS_WORKERS="1",
    )
    return env


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "innobridge.cli", "worker", "--no-periodic"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _row(ctx: Context) -> OutboxMessage:
    with ctx.session() as s:
        (row,) = s.scalars(select(OutboxMessage)).all()
        return row


def _wait_until(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached")


@pytest.fixture(params=["sqlite", "redis"])
def worker_ctx(request: pytest.FixtureRequest, tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Context]:
    """Its own SQLite database and job store, shared with the worker processes through settings."""
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        encoder="none",
        smtp_url=smtp_server.url,
        mail_lease_seconds=2,
        jobs_url=f"redis://127.0.0.1:6379/0?queue=ib-test-{uuid.uuid4().hex[:8]}"
        if request.param == "redis"
        else "",
    )
    ctx = Context.from_settings(settings)
    migrate.upgrade(ctx.engine)
    huey = jobs.make_huey(settings)
    jobs.install(ctx, huey=huey)
    yield ctx
    huey.storage.flush_all()
    ctx.engine.dispose()


def test_a_worker_killed_mid_delivery_delivers_once_after_restart(
    worker_ctx: Context,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    ctx = worker_ctx
    with ctx.uow() as uow:
        user = register_user(
            uow, data=UserIn(email="w@example.org", name="Wang", password="correct-horse-42")
        )
    smtp_server.mailbox.stall_next = 1  # the first conversation hangs at RCPT: claimed, not yet sent
    with ctx.uow() as uow:
        notify(uow, user_ids=[user.id], event=EVENT, params={})
    env, log = _env(ctx.settings), tmp_path / "worker.log"
    first = _start_worker(env, log)
    try:
        assert smtp_server.mailbox.stalled.wait(60), log.read_text(errors="replace")
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    row = _row(ctx)
    assert row.status == OutboxStatus.sending and row.attempts == 1  # the killed worker held it
    assert smtp_server.mailbox.messages == []
    smtp_server.mailbox.release.set()

    second = _start_worker(env, log)
    try:
        _wait_until(lambda: _row(ctx).status == OutboxStatus.sent)
        got = smtp_server.mailbox.wait_for(1)
        second.send_signal(signal.SIGINT)  # graceful: any job in hand finishes first
        second.wait(30)
    finally:
        if second.poll() is None:
            second.kill()
    assert len(smtp_server.mailbox.messages) == 1, log.read_text(errors="replace")
    assert got[0]["Subject"] == "Worker test" or got[0]["Subject"] == "进程测试"
    row = _row(ctx)
    assert row.status == OutboxStatus.sent and row.attempts == 2
