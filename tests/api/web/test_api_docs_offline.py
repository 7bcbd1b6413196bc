"""/docs and /redoc work with no internet: every asset they reference is served by the app itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

# src/href attributes, ReDoc's spec-url, and Swagger UI's `url: '…'` / `oauth2RedirectUrl: … + '…'`.
_ATTR = re.compile(r"""\b(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""")
_SCRIPT = re.compile(r"""\b(?:url|oauth2RedirectUrl)\s*:\s*(?:window\.location\.origin\s*\+\s*)?'([^']+)'""")
CDNS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_every_asset_of_the_docs_page_is_served_locally(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    urls = set(_ATTR.findall(html)) | set(_SCRIPT.findall(html))
    assert any(u.endswith(".js") for u in urls), urls  # the page really references its script
    assert "/openapi.json" in urls
    assert not re.search(r"\bhttps?://", html), "the page names an external address"
    for url in sorted(urls):
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"{page}: {url} is not local"
        asset = client.get(url)
        assert asset.status_code == 200, f"{page}: {url} -> {asset.status_code}"
        assert len(asset.content) > 0, f"{page}: {url} is empty"
        if url.endswith((".js", ".css")):
            assert len(asset.content) > 10_000, f"{page}: {url} is not the real bundle"
            assert not any(cdn in asset.text for cdn in CDNS), f"{page}: {url} loads from a CDN"


def test_swagger_ui_does_not_call_the_online_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text
