"""Search, matching, introductions and data pages over HTTP: visibility in results, facet counts and
exports; the introduction workflow; imports with a row-error report."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user

from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role
from innobridge.matching import indexing
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.schemas import AchievementIn, NeedIn, OrganisationIn
from innobridge.search.engine import SearchEngine
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    indexing.install(ctx, start_vectors=False, engine=SearchEngine(None))
    with TestClient(create_app(ctx)) as c:
        yield c


def _seed(ctx: Context) -> dict[str, int]:
    with ctx.uow() as uow:
        uni = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            data=OrganisationIn(name_zh="西湖学院", kind="university"),
        )
        ent = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            data=OrganisationIn(name_zh="甬江制造", kind="enterprise"),
        )
        public = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="patent",
                title="石墨烯导热膜制备方法",
                keywords=["石墨烯", "导热"],
                year=2024,
                trl=6,
                organisation_id=uni.id,  # type: ignore[attr-defined]
            ),
        )
        internal = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="software",
                title="石墨烯缺陷检测内部软件",
                keywords=["石墨烯"],
                year=2019,
                trl=3,
                organisation_id=uni.id,
                visibility=Visibility.internal,  # type: ignore[attr-defined]
            ),
        )
        need = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["need"],
            data=NeedIn(
                title="手机散热用石墨烯导热材料",
                keywords=["石墨烯", "导热"],
                organisation_id=ent.id,  # type: ignore[attr-defined]
            ),
        )
    return {"public": public.id, "internal": internal.id, "need": need.id}  # type: ignore[attr-defined]


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


def test_import_reports_rejected_rows_and_only_its_author_downloads_the_report(
    client: TestClient, ctx: Context
) -> None:
    make_user(ctx, email="officer@example.org", role=Role.programme_officer)
    log_in(client, "officer@example.org")
    body = "name_zh,kind,region_code\n好机构,enterprise,310000\n,enterprise,\n坏机构,notakind,\n".encode()
    r = client.post(
        "/data/import",
        data={"entity": "organisation", "csrf_token": csrf(client, "/data")},
        files={"file": ("orgs.csv", body, "text/csv")},
    )
    assert r.status_code == 200
    assert 'data-testid="accepted">1<' in r.text and 'data-testid="rejected">2<' in r.text
    link = re.search(r'href="(/data/reports/[^"]+)"', r.text)
    assert link
    report = client.get(link.group(1))
    assert report.status_code == 200
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,field,code,message_zh,message_en,value"
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "4"]
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    make_user(ctx, email="other@example.org", role=Role.programme_officer)
    log_in(client, "other@example.org")
    assert client.get(link.group(1)).status_code == 404


def test_import_refuses_unreadable_files_next_to_the_field(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="officer@example.org", role=Role.programme_officer)
    log_in(client, "officer@example.org")
    r = client.post(
        "/data/import",
        data={"entity": "organisation", "csrf_token": csrf(client, "/data")},
        files={"file": ("orgs.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert r.status_code == 422 and 'data-field="file"' in r.text


def test_members_may_not_bulk_import(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="member@example.org")
    log_in(client, "member@example.org")
    r = client.post(
        "/data/import",
        data={"entity": "organisation", "csrf_token": csrf(client, "/data")},
        files={"file": ("orgs.csv", b"name_zh,kind\nA,enterprise\n", "text/csv")},
    )
    assert r.status_code == 422 and "项目主管" in r.text


def test_exports_never_include_records_the_user_may_not_see(client: TestClient, ctx: Context) -> None:
    _seed(ctx)
    assert (
        client.get("/data/export/achievements.csv", follow_redirects=False).status_code == 303
    )  # log in first
    make_user(ctx, email="member@example.org")
    log_in(client, "member@example.org")
    for url in ("/data/export/achievements.csv", "/data/export/achievements.csv?q=石墨烯"):
        text = client.get(url).content.decode("utf-8-sig")
        assert "石墨烯导热膜制备方法" in text and "内部软件" not in text
    xlsx = client.get("/data/export/achievements.xlsx?kind=patent")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
