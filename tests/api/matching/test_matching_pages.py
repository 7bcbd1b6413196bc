"""Matching and introductions pages over HTTP: ranked candidates with reasons, who may introduce, and
the introduction workflow."""

from __future__ import annotations

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
