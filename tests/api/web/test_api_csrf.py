"""The JSON API: cookie-authenticated unsafe calls need the X-CSRF-Token header; Bearer calls do not."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.conftest import token_for
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.core.users import Role

BODY = {"name_zh": "某研究院", "kind": "research_institute"}


def test_cookie_authenticated_api_write_needs_the_header(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="cookie@example.org", role=Role.programme_officer)
    log_in(client, "cookie@example.org")
    r = client.post("/api/v1/organisations", json=BODY)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "error.csrf"
    r = client.post("/api/v1/organisations", json=BODY, headers={"X-CSRF-Token": csrf(client, "/")})
    assert r.status_code == 201, r.text


def test_bearer_api_write_needs_no_csrf_header(client: TestClient, ctx: Context) -> None:
    headers = token_for(ctx, make_user(ctx, role=Role.programme_officer))
    r = client.post("/api/v1/organisations", json=BODY, headers=headers)
    assert r.status_code == 201, r.text


def test_anonymous_api_write_is_unauthorised_not_csrf(client: TestClient) -> None:
    r = client.post("/api/v1/organisations", json=BODY)
    assert r.status_code == 401
