"""A live server (uvicorn in a subprocess over a temporary SQLite data dir) and Debian's Chromium.

The browser tests fail — they never skip — when Chromium is missing: `make browser` installs it.
With INNOBRIDGE_TEST_POSTGRES_URL set, the whole suite runs a second time against PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import text

from innobridge.core import migrate
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.db import make_engine
from innobridge.index import service as indexing
from tests.browser.seed import Seeded, seed
from tests.conftest import BACKENDS, PG_URL

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, url: str, data: Seeded, ctx: Context) -> None:
        self.url = url
        self.data = data
        self.ctx = ctx


@contextmanager
def _database(backend: str) -> Iterator[str | None]:
    """None (SQLite in the data dir) or a PostgreSQL URL whose connections use a fresh schema."""
    if backend == "sqlite":
        yield None
        return
    assert PG_URL
    schema = f"ib_web_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with _database(request.param) as database_url:
        yield from _serve(tmp_path_factory, database_url)


def _serve(tmp_path_factory: pytest.TempPathFactory, database_url: str | None) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    settings = Settings(env="test", data_dir=data_dir, encoder="none", database_url=database_url)
    ctx = Context.from_settings(settings)
    migrate.upgrade(ctx.engine)
    seeded = seed(ctx)
    indexing.rebuild(ctx)  # the server opens this index; its writer must be closed first
    indexing.get(ctx).close()
    ctx.services.clear()
    port = _free_port()
    env = {
        **os.environ,
        "INNOBRIDGE_ENV": "test",
        "INNOBRIDGE_DATA_DIR": str(data_dir),
        "INNOBRIDGE_ENCODER": "none",
        "INNOBRIDGE_LOGIN_RATE_LIMIT": "5",
    }
    env.pop("INNOBRIDGE_DATABASE_URL", None)
    if database_url:
        env["INNOBRIDGE_DATABASE_URL"] = database_url
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "innobridge.web.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:  # noqa: S310 - our own server
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                "the live server did not start:\n" + (data_dir / "server.log").read_text(), pytrace=False
            )
        time.sleep(0.1)
    try:
        yield LiveServer(url, seeded, ctx)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        ctx.engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run `make browser` (apt-get install chromium)", pytrace=False
        )
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    c = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    c.set_default_timeout(10_000)
    yield c
    c.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, server: LiveServer, who: str) -> None:
    from tests.browser.seed import PASSWORD

    page.goto(server.url + "/login")
    page.fill("#f-email", server.data.emails[who])
    page.fill("#f-password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
