"""Security headers: HSTS in production only; the API docs under a policy naming exactly their assets."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.web.app import create_app


def _prod_client(ctx: Context) -> TestClient:
    settings = Settings(
        env="prod",
        secret_key="a-real-secret-for-this-test-only",
        data_dir=ctx.settings.data_dir,
        encoder="none",
    )
    return TestClient(create_app(Context.from_settings(settings, engine=ctx.engine)))


def test_hsts_in_production_only(client: TestClient, ctx: Context) -> None:
    assert "strict-transport-security" not in client.get("/").headers
    with _prod_client(ctx) as prod:
        for path in ("/", "/api/v1/needs", "/docs"):
            hsts = prod.get(path).headers.get("strict-transport-security", "")
            assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts), (path, hsts)
            assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_carry_a_policy_that_allows_only_their_own_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    csp = response.headers.get("content-security-policy")
    assert csp, f"{page} has no Content-Security-Policy"
    policy = _directives(csp)
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    sources = [s for values in policy.values() for s in values]
    assert not [s for s in sources if "://" in s or s in ("*", "https:", "http:")], "a host outside the site"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    # Each inline script on the page is allowed by its hash, and nothing else inline is.
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    assert set(policy["script-src"]) == {"'self'"} | hashes
    assert (page == "/docs") == bool(hashes)  # Swagger UI starts from one inline script; ReDoc from none
    # Every script and stylesheet the page names is served by this site, under the policy's 'self'.
    for url in re.findall(r"""(?:src|href)="([^"]+)\"""", response.text):
        assert url.startswith("/static-offline-docs/"), url
        assert client.get(url).status_code == 200


def test_pages_keep_their_strict_policy(client: TestClient) -> None:
    csp = _directives(client.get("/").headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
