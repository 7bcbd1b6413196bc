"""The page shell: languages, error pages, session cookie flags."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.web.app import create_app


def test_chinese_by_default(client: TestClient) -> None:
    r = client.get("/", headers={"accept-language": "zh-CN"})
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in r.text
    assert "科创桥" in r.text


def test_language_switch_sets_a_lasting_cookie(client: TestClient) -> None:
    r = client.post(
        "/lang",
        data={"lang": "en", "next": "/records", "csrf_token": csrf(client, "/")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/records"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("lang=en") and "Max-Age=" in cookie
    page = client.get("/records")
    assert '<html lang="en">' in page.text
    assert "Organisations" in page.text


def test_language_switch_never_redirects_elsewhere(client: TestClient) -> None:
    r = client.post(
        "/lang",
        data={"lang": "en", "next": "//evil.example/", "csrf_token": csrf(client, "/")},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_missing_page_is_a_friendly_bilingual_404(client: TestClient) -> None:
    r = client.get("/no/such/page", headers={"accept-language": "zh"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in r.text and "Page not found" in r.text


def test_missing_record_page_is_404_html_but_api_keeps_problem_json(client: TestClient) -> None:
    page = client.get("/achievements/999999")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    api = client.get("/api/v1/achievements/999999")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_pages_that_need_a_user_send_visitors_to_log_in(client: TestClient) -> None:
    r = client.get("/account", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/account"


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    r = client.get("/login")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("ib_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_static_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert "/static/app.css" in html and "http" not in html.split("<body")[0].replace("http-equiv", "")
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_server_errors_are_a_friendly_bilingual_500(ctx: Context) -> None:
    app = create_app(ctx)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom", headers={"accept-language": "en"})
    assert r.status_code == 500
    assert '<html lang="en">' in r.text
    assert "Internal server error" in r.text and "服务器内部错误" in r.text
    assert "RuntimeError" not in r.text


def test_forbidden_pages_are_friendly_403(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="plain403@example.org")
    log_in(client, "plain403@example.org")
    r = client.get("/admin/users")
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]
    assert "您没有执行此操作的权限" in r.text


def test_pages_send_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
