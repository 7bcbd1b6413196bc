"""/docs and /redoc render in a real browser that can reach nothing but our server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser
# ReDoc's "API docs by Redocly" footer always tries this logo and hides it when it cannot load: the only
# request a docs page makes elsewhere, and nothing on the page depends on it (docs/files.md).
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def _offline(context: BrowserContext, server: LiveServer) -> list[str]:
    """Abort every request to another host (as with no internet) and note it."""
    ours = urlsplit(server.url).netloc
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc in (ours, ""):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return elsewhere


def _shot(page: Page, name: str) -> None:
    """The first screen only: the whole reference is tens of thousands of pixels long."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), timeout=30_000)


def test_swagger_ui_renders_offline(context: BrowserContext, page: Page, live_server: LiveServer) -> None:
    elsewhere = _offline(context, live_server)
    page.goto(live_server.url + "/docs")
    # Generous waits: the whole suite shares two cores, and the schema has every route.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("InnoBridge", timeout=60_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()  # operations from /openapi.json
    assert page.locator(".swagger-ui .opblock").count() >= 35
    _shot(page, "api-docs-swagger")
    assert elsewhere == []


def test_redoc_renders_offline(context: BrowserContext, page: Page, live_server: LiveServer) -> None:
    elsewhere = _offline(context, live_server)
    page.goto(live_server.url + "/redoc")
    expect(page.locator("h1").first).to_contain_text("InnoBridge", timeout=60_000)
    expect(page.get_by_text("/api/v1/records/{entity}/{entity_id}/documents").first).to_be_attached()
    _shot(page, "api-docs-redoc")
    assert set(elsewhere) <= {REDOC_LOGO}
    assert page.locator("img[alt='redocly logo']").count() == 0  # the failed logo removed itself
