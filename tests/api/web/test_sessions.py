"""Sessions end for real: logging out (or a new password) invalidates every copy of the session cookie."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.api.web.helpers import PASSWORD, csrf, log_in
from tests.conftest import make_user

from innobridge.core import accounts
from innobridge.core.context import Context
from innobridge.core.errors import Invalid
from innobridge.web.app import create_app


def _cookie(client: TestClient) -> str:
    value = client.cookies.get("ib_session")
    assert value
    return value


def test_a_copy_of_the_cookie_stops_working_after_logout(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="leaver@example.org")
    log_in(client, "leaver@example.org")
    stolen = _cookie(client)
    with TestClient(create_app(ctx)) as thief:
        thief.cookies.set("ib_session", stolen)
        assert thief.get("/account", follow_redirects=False).status_code == 200
        r = client.post("/logout", data={"csrf_token": csrf(client, "/")}, follow_redirects=False)
        assert r.status_code == 303
        thief.cookies.set("ib_session", stolen)
        assert thief.get("/account", follow_redirects=False).status_code == 303  # back to the log-in page
    # Logging in again gives a new cookie that works.
    log_in(client, "leaver@example.org")
    assert client.get("/account", follow_redirects=False).status_code == 200


def test_a_new_password_ends_the_other_sessions(client: TestClient, ctx: Context) -> None:
    user = make_user(ctx, email="mover@example.org")
    assert user.user_id
    log_in(client, "mover@example.org")
    with ctx.uow() as uow:
        accounts.set_password(uow, actor=user, user_id=user.user_id, password="a-brand-new-phrase")
    assert client.get("/account", follow_redirects=False).status_code == 303
    log_in(client, "mover@example.org", "a-brand-new-phrase")
    assert client.get("/account", follow_redirects=False).status_code == 200


def test_a_new_password_follows_the_rules(ctx: Context) -> None:
    user = make_user(ctx, email="keeper@example.org")
    assert user.user_id
    with pytest.raises(Invalid) as caught, ctx.uow() as uow:
        accounts.set_password(uow, actor=user, user_id=user.user_id, password="Password123")
    assert caught.value.errors[0].code == "error.password_common"
    with ctx.session() as s:  # the old password still holds
        assert accounts.authenticate(s, email="keeper@example.org", password=PASSWORD) is not None


@pytest.mark.parametrize("password", ["password12", "Password123"])
def test_registering_with_a_common_password_is_refused(client: TestClient, password: str) -> None:
    r = client.post(
        "/register",
        data={
            "email": "weak@example.org",
            "name": "弱密码",
            "password": password,
            "password2": password,
            "csrf_token": csrf(client, "/register"),
        },
    )
    assert r.status_code == 422
    assert 'data-field="password"' in r.text
    assert "常见密码" in r.text or "commonly used" in r.text
