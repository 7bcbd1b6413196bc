"""The cross-entity search page (index/pages.py) over HTTP: visibility in results and in facet counts,
facets that narrow, refused facet values."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.pages_seed import seed as _seed
from tests.api.web.helpers import log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.core.users import Role
from innobridge.index import service as indexing
from innobridge.search.engine import SearchEngine
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    indexing.install(ctx, start_vectors=False, engine=SearchEngine(None))
    with TestClient(create_app(ctx)) as c:
        yield c


def _facet(html: str, facet: str) -> dict[str, int]:
    block = re.search(rf'data-facet="{facet}">(.*?)</ul>', html, re.S)
    if block is None:
        return {}
    return {
        v: int(n)
        for v, n in re.findall(r'data-value="([^"]+)">.*?class="count">(\d+)<', block.group(1), re.S)
    }


def test_search_hides_internal_records_from_results_and_facet_counts(
    client: TestClient, ctx: Context
) -> None:
    _seed(ctx)
    html = client.get("/search?q=石墨烯").text
    assert "导热膜制备方法" in html and "内部软件" not in html
    assert "<mark>石墨烯</mark>" in html
    assert _facet(html, "kind").get("achievement") == 1
    assert "2019" not in _facet(html, "year")
    make_user(ctx, email="tm@example.org", role=Role.tech_manager)
    log_in(client, "tm@example.org")
    html = client.get("/search?q=石墨烯").text
    assert "内部软件" in html
    assert _facet(html, "kind").get("achievement") == 2


def test_search_facet_narrows_results(client: TestClient, ctx: Context) -> None:
    _seed(ctx)
    html = client.get("/search?q=石墨烯&kind=need").text
    assert "手机散热" in html and "导热膜制备" not in html
    assert client.get("/search?q=x&kind=nonsense").status_code == 422


def test_search_trl_facet_counts_visible_records_and_filters(client: TestClient, ctx: Context) -> None:
    _seed(ctx)
    html = client.get("/search?q=石墨烯").text
    assert _facet(html, "trl") == {"6": 1}  # the internal TRL-3 software is not counted for visitors
    narrowed = client.get("/search?q=石墨烯&trl=6").text
    assert "导热膜制备方法" in narrowed and "手机散热" not in narrowed
    assert client.get("/search?q=石墨烯&trl=10").status_code == 422
