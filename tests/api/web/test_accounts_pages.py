"""Accounts through the pages: CSRF, registration errors, log-in rate limit, admin role changes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.core.users import Role


def test_form_post_without_csrf_token_is_refused(client: TestClient, ctx: Context) -> None:
    user = make_user(ctx, email="csrf@example.org")
    assert user.user_id
    client.get("/login")
    r = client.post("/login", data={"email": "csrf@example.org", "password": "correct-horse-42"})
    assert r.status_code == 403
    assert "表单已过期" in r.text or "form has expired" in r.text
    r = client.post(
        "/login", data={"email": "csrf@example.org", "password": "correct-horse-42", "csrf_token": "forged"}
    )
    assert r.status_code == 403


def test_register_shows_errors_next_to_fields(client: TestClient) -> None:
    r = client.post(
        "/register",
        data={
            "email": "not-an-email",
            "name": "",
            "password": "short",
            "password2": "other",
            "csrf_token": csrf(client),
        },
    )
    assert r.status_code == 422
    for name in ("email", "password", "password2"):
        assert f'data-field="{name}"' in r.text


def test_register_then_account_page(client: TestClient) -> None:
    r = client.post(
        "/register",
        data={
            "email": "Fresh@Example.org",
            "name": "新人",
            "password": "long-enough-99",
            "password2": "long-enough-99",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account"
    assert "新人" in client.get("/account").text
    again = client.post(
        "/register",
        data={
            "email": "fresh@example.org",
            "name": "x",
            "password": "long-enough-99",
            "password2": "long-enough-99",
            "csrf_token": csrf(client, "/register"),
        },
    )
    assert again.status_code == 422 and 'data-field="email"' in again.text


def test_login_is_rate_limited_per_account_and_address(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="victim@example.org")
    limit = ctx.settings.login_rate_limit
    token = csrf(client)
    for _ in range(limit):
        r = client.post(
            "/login", data={"email": "victim@example.org", "password": "guess-1234", "csrf_token": token}
        )
        assert r.status_code == 401
    r = client.post(
        "/login", data={"email": "victim@example.org", "password": "correct-horse-42", "csrf_token": token}
    )
    assert r.status_code == 429  # even the right password waits until the window passes
    # Another account from the same address is not blocked.
    make_user(ctx, email="other@example.org")
    log_in(client, "other@example.org")


def test_log_in_and_out(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="inout@example.org")
    log_in(client, "inout@example.org")
    assert client.get("/account").status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf(client, "/")}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_only_platform_admins_manage_users(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="plain@example.org")
    log_in(client, "plain@example.org")
    assert client.get("/admin/users").status_code == 403


def test_admin_sets_a_role(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="boss@example.org", role=Role.platform_admin)
    target = make_user(ctx, email="target@example.org")
    log_in(client, "boss@example.org")
    page = client.get("/admin/users?q=target")
    assert "target@example.org" in page.text
    r = client.post(
        f"/admin/users/{target.user_id}/role",
        data={"role": "tech_manager", "csrf_token": csrf(client, "/admin/users")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert 'value="tech_manager" selected' in client.get("/admin/users?q=target").text
