"""notify() writes inbox and outbox rows in the caller's transaction; delivery goes through a real SMTP
server (aiosmtpd on a local port): once, in the recipient's language, retried after a 451."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.conftest import make_user
from tests.smtp_server import SmtpServer

from innobridge.core.context import Context
from innobridge.core.errors import Invalid, NotFound
from innobridge.core.i18n import register
from innobridge.core.notifications import (
    get_preferences,
    list_inbox,
    mark_all_read,
    mark_read,
    notify,
    queue_email,
    register_event,
    set_preferences,
    unread_count,
)
from innobridge.core.notifications.delivery import deliver_one, parse_smtp_url
from innobridge.core.notifications.jobs import sweep
from innobridge.core.notifications.models import Notification, OutboxMessage, OutboxStatus
from innobridge.core.notifications.schemas import InboxQuery, PreferencesIn
from innobridge.core.principal import Principal
from innobridge.core.users import User

EVENT = "test.ping"
register(
    {
        f"notify.{EVENT}.subject": {"zh": "测试事件 {n}", "en": "Test event {n}"},
        f"notify.{EVENT}.body": {"zh": "第 {n} 号事件已发生。", "en": "Event number {n} happened."},
    }
)
register_event(EVENT)


@pytest.fixture
def mail_ctx(ctx: Context, smtp_server: SmtpServer) -> Iterator[Context]:
    ctx.settings = ctx.settings.model_copy(
        update={"smtp_url": smtp_server.url, "smtp_timeout": 5.0, "mail_retry_seconds": 30}
    )
    yield ctx


def _user(ctx: Context, lang: str) -> Principal:
    p = make_user(ctx)
    with ctx.uow() as uow:
        user = uow.session.get(User, p.user_id)
        assert user is not None
        user.language = lang
    return p


def _ping(ctx: Context, *user_ids: int, n: int = 7) -> None:
    with ctx.uow() as uow:
        notify(
            uow, user_ids=user_ids, event=EVENT, params={"n": n}, link="/records", entity="test", entity_id=n
        )


def _outbox(ctx: Context) -> list[OutboxMessage]:
    with ctx.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_notify_writes_inbox_and_outbox_in_each_language(ctx: Context) -> None:
    zh, en = _user(ctx, "zh"), _user(ctx, "en")
    assert zh.user_id and en.user_id
    _ping(ctx, zh.user_id, en.user_id, 999_999)  # an unknown id is skipped
    with ctx.session() as s:
        notes = {n.user_id: n for n in s.scalars(select(Notification))}
        assert set(notes) == {zh.user_id, en.user_id}
        assert notes[zh.user_id].subject == "测试事件 7" and notes[en.user_id].subject == "Test event 7"
        assert unread_count(s, zh.user_id) == 1
    outbox = _outbox(ctx)
    assert sorted(m.language for m in outbox) == ["en", "zh"]
    assert all(m.status == OutboxStatus.pending and m.message_id for m in outbox)


def test_nothing_is_written_when_the_transaction_fails(ctx: Context) -> None:
    user = _user(ctx, "zh")
    assert user.user_id
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        notify(uow, user_ids=[user.user_id], event=EVENT, params={"n": 1})
        raise RuntimeError("the change failed")
    with ctx.session() as s:
        assert s.scalar(select(func.count(Notification.id))) == 0
        assert s.scalar(select(func.count(OutboxMessage.id))) == 0


def test_delivered_once_in_the_recipients_language(mail_ctx: Context, smtp_server: SmtpServer) -> None:
    ctx = mail_ctx
    zh, en = _user(ctx, "zh"), _user(ctx, "en")
    assert zh.user_id and en.user_id
    _ping(ctx, zh.user_id, en.user_id)
    for message in _outbox(ctx):
        assert deliver_one(ctx, message.id).status == "sent"
        assert deliver_one(ctx, message.id).status == "sent"  # a second job for the same row sends nothing
    assert sweep(ctx) == 0  # nothing left to do
    got = smtp_server.mailbox.wait_for(2)
    assert len(got) == 2
    by_subject = {m["Subject"]: m for m in got}
    assert set(by_subject) == {"测试事件 7", "Test event 7"}
    zh_body = by_subject["测试事件 7"].get_content()
    assert "第 7 号事件已发生。" in zh_body and "http://127.0.0.1:8000/records" in zh_body
    assert "Event number 7 happened." in by_subject["Test event 7"].get_content()
    assert len({m["Message-ID"] for m in got}) == 2
    assert all(m.status == OutboxStatus.sent and m.attempts == 1 for m in _outbox(ctx))


def test_a_temporary_failure_is_retried_and_delivered_once(
    mail_ctx: Context,
    smtp_server: SmtpServer,
) -> None:
    ctx = mail_ctx
    user = _user(ctx, "en")
    assert user.user_id
    smtp_server.mailbox.fail_next = 1
    _ping(ctx, user.user_id)
    (row,) = _outbox(ctx)
    first = deliver_one(ctx, row.id)
    assert first.status == "retry" and first.detail and first.detail.startswith("451")
    (row,) = _outbox(ctx)
    assert row.status == OutboxStatus.pending and row.attempts == 1 and row.last_error.startswith("451")  # type: ignore[union-attr]
    assert first.next_attempt_at is not None
    wait = first.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)  # the first backoff step
    assert deliver_one(ctx, row.id).status == "not_due"  # not before its time
    later = first.next_attempt_at + timedelta(seconds=1)
    assert deliver_one(ctx, row.id, now=later).status == "sent"
    assert deliver_one(ctx, row.id, now=later + timedelta(hours=1)).status == "sent"
    assert smtp_server.mailbox.answers == ["451 4.3.0 Mailbox busy, try again later", "250"]
    assert len(smtp_server.mailbox.wait_for(1)) == 1
    (row,) = _outbox(ctx)
    assert row.status == OutboxStatus.sent and row.attempts == 2 and row.last_error is None


def test_permanent_refusal_and_too_many_attempts_mark_it_failed(
    mail_ctx: Context,
    smtp_server: SmtpServer,
) -> None:
    ctx = mail_ctx
    ctx.settings = ctx.settings.model_copy(update={"mail_max_attempts": 2})
    user = _user(ctx, "zh")
    assert user.user_id
    smtp_server.mailbox.fail_next = 1
    smtp_server.mailbox.fail_answer = "550 5.1.1 No such user"
    _ping(ctx, user.user_id, n=1)
    (row,) = _outbox(ctx)
    result = deliver_one(ctx, row.id)
    assert result.status == "failed" and result.detail == "550 5.1.1 No such user"
    smtp_server.mailbox.fail_next = 2
    smtp_server.mailbox.fail_answer = "452 4.2.2 Over quota"
    _ping(ctx, user.user_id, n=2)
    row2 = _outbox(ctx)[1]
    first = deliver_one(ctx, row2.id)
    assert first.status == "retry" and first.next_attempt_at
    assert deliver_one(ctx, row2.id, now=first.next_attempt_at + timedelta(seconds=1)).status == "failed"
    assert [m.status for m in _outbox(ctx)] == [OutboxStatus.failed, OutboxStatus.failed]
    assert smtp_server.mailbox.messages == []


def test_a_refused_connection_is_a_retry(ctx: Context) -> None:
    from tests.smtp_server import free_port

    ctx.settings = ctx.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    user = _user(ctx, "zh")
    assert user.user_id
    _ping(ctx, user.user_id)
    (row,) = _outbox(ctx)
    result = deliver_one(ctx, row.id)
    assert result.status == "retry" and "Connection" in (result.detail or "")


def test_preferences_turn_email_off(mail_ctx: Context, smtp_server: SmtpServer) -> None:
    ctx = mail_ctx
    quiet, loud = _user(ctx, "zh"), _user(ctx, "zh")
    assert quiet.user_id and loud.user_id
    with ctx.session() as s:
        prefs = get_preferences(s, actor=quiet)
    assert any(p.event == EVENT and p.email for p in prefs.items)  # the default: e-mail on
    with ctx.uow() as uow:
        out = set_preferences(uow, actor=quiet, data=PreferencesIn(email={EVENT: False}))
    assert [p.email for p in out.items if p.event == EVENT] == [False]
    with pytest.raises(Invalid), ctx.uow() as uow:
        set_preferences(uow, actor=quiet, data=PreferencesIn(email={"no.such.event": True}))
    _ping(ctx, quiet.user_id, loud.user_id)
    assert [m.user_id for m in _outbox(ctx)] == [loud.user_id]  # both have the inbox row
    sweep(ctx)  # no queue in this process: delivers in this thread
    got = smtp_server.mailbox.wait_for(1)
    assert len(got) == 1
    with ctx.session() as s:
        assert unread_count(s, quiet.user_id) == 1


def test_inbox_is_private_paged_newest_first_and_marked_read(ctx: Context) -> None:
    me, other = _user(ctx, "zh"), _user(ctx, "en")
    assert me.user_id and other.user_id
    for n in range(1, 4):
        _ping(ctx, me.user_id, n=n)
    _ping(ctx, other.user_id, n=9)
    with ctx.session() as s:
        page = list_inbox(s, actor=me, query=InboxQuery(page=1, page_size=2))
        theirs = list_inbox(s, actor=other, query=InboxQuery()).items[0]
    assert page.total == 3 and page.unread == 3
    assert [i.subject for i in page.items] == ["测试事件 3", "测试事件 2"]
    with pytest.raises(NotFound), ctx.uow() as uow:
        mark_read(uow, actor=me, notification_id=theirs.id)
    with ctx.uow() as uow:
        assert mark_read(uow, actor=me, notification_id=page.items[0].id).read_at is not None
    with ctx.session() as s:
        assert unread_count(s, me.user_id) == 2 and unread_count(s, other.user_id) == 1
    with ctx.uow() as uow:
        assert mark_all_read(uow, actor=me) == 2
    with ctx.session() as s:
        assert unread_count(s, me.user_id) == 0 and unread_count(s, other.user_id) == 1
        assert list_inbox(s, actor=me, query=InboxQuery(unread_only=True)).total == 0


def test_smtp_urls() -> None:
    assert parse_smtp_url("") is None
    t = parse_smtp_url("smtp://bob:s%40cret@mail.example.org:2525?starttls=1")
    assert t and (t.host, t.port, t.username, t.password, t.starttls, t.tls) == (
        "mail.example.org",
        2525,
        "bob",
        "s@cret",
        True,
        False,
    )
    t = parse_smtp_url("smtps://mail.example.org")
    assert t and t.port == 465 and t.tls
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail.example.org")


def test_headers_cannot_be_injected(mail_ctx: Context, smtp_server: SmtpServer) -> None:
    ctx = mail_ctx
    user = _user(ctx, "en")
    assert user.user_id
    with ctx.uow() as uow:
        notify(uow, user_ids=[user.user_id], event=EVENT, params={"n": "1\r\nBcc: victim@example.org"})
    (row,) = _outbox(ctx)
    assert "\n" not in row.subject and deliver_one(ctx, row.id).status == "sent"
    (msg,) = smtp_server.mailbox.wait_for(1)
    assert msg["Bcc"] is None and msg["Subject"] == "Test event 1 Bcc: victim@example.org"
    with ctx.uow() as uow:
        bad = queue_email(uow, to_address="a@example.org\nBcc: victim@example.org", subject="x", body="y")
    result = deliver_one(ctx, bad)
    assert result.status == "failed" and (result.detail or "").startswith("unsendable")
    assert len(smtp_server.mailbox.messages) == 1
