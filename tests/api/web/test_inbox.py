"""The inbox through the pages and the JSON API: the header's unread count, marking read (CSRF
included), preferences, and nobody reads or marks another user's notifications (404)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.api.conftest import token_for
from tests.api.web.helpers import csrf, csrf_from, log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.core.i18n import register
from innobridge.core.notifications import notify, register_event
from innobridge.core.notifications.models import Notification, NotificationPreference, OutboxMessage

EVENT = "test.inbox"
register(
    {
        f"notify.{EVENT}.subject": {"zh": "收件箱测试 {n}", "en": "Inbox test {n}"},
        f"notify.{EVENT}.body": {"zh": "正文 {n}", "en": "Body {n}"},
        f"notify.{EVENT}.label": {"zh": "收件箱测试事件", "en": "Inbox test event"},
    }
)
register_event(EVENT)


def _notify(ctx: Context, user_id: int, n: int) -> int:
    with ctx.uow() as uow:
        notify(uow, user_ids=[user_id], event=EVENT, params={"n": n}, link="/records")
    with ctx.session() as s:
        return int(s.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0)


def test_inbox_page_unread_count_and_mark_read(client: TestClient, ctx: Context) -> None:
    me = make_user(ctx, email="me@example.org")
    assert me.user_id
    first = _notify(ctx, me.user_id, 1)
    _notify(ctx, me.user_id, 2)
    log_in(client, "me@example.org")
    home = client.get("/")
    assert 'data-testid="unread-count"' in home.text and ">2</span>" in home.text
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "收件箱测试 1" in page.text and "收件箱测试 2" in page.text
    assert page.text.index("收件箱测试 2") < page.text.index("收件箱测试 1")  # newest first
    assert client.post(f"/inbox/{first}/read", data={}).status_code == 403  # no CSRF token
    r = client.post(f"/inbox/{first}/read", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inbox"
    assert ">1</span>" in client.get("/").text
    r = client.post("/inbox/read-all", data={"csrf_token": csrf(client, "/inbox")}, follow_redirects=False)
    assert r.status_code == 303
    assert 'data-testid="unread-count"' not in client.get("/").text
    opened = client.post(
        f"/inbox/{first}/read",
        data={"csrf_token": csrf(client, "/inbox"), "open": "1"},
        follow_redirects=False,
    )
    assert opened.headers["location"] == "/records"


def test_nobody_reads_or_marks_anothers_notifications(client: TestClient, ctx: Context) -> None:
    me, other = make_user(ctx, email="me2@example.org"), make_user(ctx)
    assert me.user_id and other.user_id
    theirs = _notify(ctx, other.user_id, 9)
    log_in(client, "me2@example.org")
    assert "收件箱测试 9" not in client.get("/inbox").text
    r = client.post(f"/inbox/{theirs}/read", data={"csrf_token": csrf(client, "/inbox")})
    assert r.status_code == 404
    headers = token_for(ctx, me)
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers).status_code == 404
    assert client.get("/api/v1/notifications", headers=headers).json()["total"] == 0
    with ctx.session() as s:
        assert s.get(Notification, theirs).read_at is None  # type: ignore[union-attr]


def test_api_lists_counts_marks_and_sets_preferences(client: TestClient, ctx: Context) -> None:
    me = make_user(ctx)
    assert me.user_id
    headers = token_for(ctx, me)
    for n in range(3):
        _notify(ctx, me.user_id, n)
    assert client.get("/api/v1/notifications/unread-count", headers=headers).json() == {"unread": 3}
    body = client.get("/api/v1/notifications?page_size=2", headers=headers).json()
    assert body["total"] == 3 and body["unread"] == 3 and len(body["items"]) == 2
    newest = body["items"][0]
    assert newest["subject"] == "收件箱测试 2"
    r = client.post(f"/api/v1/notifications/{newest['id']}/read", headers=headers)
    assert r.status_code == 200 and r.json()["read_at"]
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread-count").status_code == 401
    prefs = client.put("/api/v1/notifications/preferences", headers=headers, json={"email": {EVENT: False}})
    assert prefs.status_code == 200
    assert [p["email"] for p in prefs.json()["items"] if p["event"] == EVENT] == [False]
    bad = client.put("/api/v1/notifications/preferences", headers=headers, json={"email": {"nope": True}})
    assert bad.status_code == 422
    _notify(ctx, me.user_id, 7)
    with ctx.session() as s:
        subjects = s.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)).all()
    assert subjects == ["收件箱测试 0", "收件箱测试 1", "收件箱测试 2"]  # no e-mail for the fourth


def test_preferences_form_turns_email_off(client: TestClient, ctx: Context) -> None:
    me = make_user(ctx, email="prefs@example.org")
    assert me.user_id
    log_in(client, "prefs@example.org")
    page = client.get("/inbox")
    assert "收件箱测试事件" in page.text and f'value="{EVENT}" checked' in page.text
    r = client.post("/inbox/preferences", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303  # nothing ticked: e-mail off for every event on the form
    with ctx.session() as s:
        pref = s.scalar(
            select(NotificationPreference).where(
                NotificationPreference.user_id == me.user_id, NotificationPreference.event == EVENT
            )
        )
        assert pref is not None and pref.email is False
    assert f'value="{EVENT}" checked' not in client.get("/inbox").text
    r = client.post(
        "/inbox/preferences",
        data={"csrf_token": csrf(client, "/inbox"), "email": [EVENT]},
        follow_redirects=False,
    )
    assert f'value="{EVENT}" checked' in client.get("/inbox").text


def test_inbox_needs_a_login(client: TestClient) -> None:
    r = client.get("/inbox", follow_redirects=False)
    assert r.status_code in (303, 401)
