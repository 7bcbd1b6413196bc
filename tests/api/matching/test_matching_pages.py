"""Search, matching and introductions pages over HTTP: visibility in results and facet counts; the
introduction workflow."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.pages_seed import seed as _seed
from tests.api.web.helpers import csrf, log_in
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


def test_need_matches_show_reasons_and_a_manager_moves_an_introduction(
    client: TestClient, ctx: Context
) -> None:
    ids = _seed(ctx)
    html = client.get(f"/needs/{ids['need']}/matches").text
    assert f'data-candidate="achievement:{ids["public"]}"' in html
    assert "共同关键词" in html
    assert "内部软件" not in html
    assert "/introductions" not in html.split("<main")[1]  # anonymous visitors get no introduce buttons
    make_user(ctx, email="tm@example.org", role=Role.tech_manager)
    log_in(client, "tm@example.org")
    r = client.post(
        f"/needs/{ids['need']}/introductions",
        data={
            "candidate_kind": "achievement",
            "candidate_id": str(ids["public"]),
            "csrf_token": csrf(client, "/"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    url = r.headers["location"]
    assert "待联系" in client.get(url).text
    for action, state in (("contact", "已联系"), ("negotiate", "洽谈中"), ("sign", "已签约")):
        r = client.post(
            url + "/move", data={"action": action, "csrf_token": csrf(client, "/")}, follow_redirects=False
        )
        assert r.status_code == 303
        assert f'data-testid="state">{state}<' in client.get(url).text
    # Signed is final: contacting again is refused with a friendly page, not a server error.
    r = client.post(url + "/move", data={"action": "contact", "csrf_token": csrf(client, "/")})
    assert r.status_code == 409


def test_members_of_other_organisations_cannot_introduce(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    make_user(ctx, email="stranger@example.org")
    log_in(client, "stranger@example.org")
    r = client.post(
        f"/needs/{ids['need']}/introductions",
        data={
            "candidate_kind": "achievement",
            "candidate_id": str(ids["public"]),
            "csrf_token": csrf(client, "/"),
        },
    )
    assert r.status_code == 403


def test_achievement_matches_list_candidate_needs(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    html = client.get(f"/achievements/{ids['public']}/matches").text
    assert f'data-candidate="need:{ids["need"]}"' in html
