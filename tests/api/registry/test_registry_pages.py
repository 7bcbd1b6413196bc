"""Registry records as pages: visibility, related records, forms with inline errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user
from tests.integration.matching.factories import create, org

from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.schemas import AchievementIn, OrganisationIn, PersonIn, ProjectIn


def _seed(ctx: Context) -> dict[str, int]:
    with ctx.uow() as uow:
        org = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            data=OrganisationIn(name_zh="北岸大学", kind="university"),
        )
        org_id = org.id  # type: ignore[attr-defined]
        person = service.create_record(
            uow, actor=SYSTEM, spec=SPECS["person"], data=PersonIn(name_zh="周敏", organisation_id=org_id)
        )
        service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["project"],
            data=ProjectIn(title="海水淡化膜项目", pi_name="周敏", organisation_id=org_id),
        )
        public = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="patent", title="公开的淡化膜专利", owners="周敏", organisation_id=org_id
            ),
        )
        internal = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="patent",
                title="内部的淡化膜工艺",
                owners="周敏",
                organisation_id=org_id,
                visibility=Visibility.internal,
            ),
        )
    return {
        "org": org_id,
        "person": person.id,  # type: ignore[attr-defined]
        "public": public.id,  # type: ignore[attr-defined]
        "internal": internal.id,  # type: ignore[attr-defined]
    }


def test_anonymous_visitors_never_see_internal_records(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    listing = client.get("/achievements").text
    assert "公开的淡化膜专利" in listing and "内部的淡化膜工艺" not in listing
    assert client.get(f"/achievements/{ids['internal']}").status_code == 404
    org_page = client.get(f"/organisations/{ids['org']}").text
    assert "公开的淡化膜专利" in org_page and "内部的淡化膜工艺" not in org_page
    person_page = client.get(f"/people/{ids['person']}").text
    assert "内部的淡化膜工艺" not in person_page
    assert "内部的淡化膜工艺" not in client.get("/").text


def test_insiders_see_internal_records(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    make_user(ctx, email="tm@example.org", role=Role.tech_manager)
    log_in(client, "tm@example.org")
    assert "内部的淡化膜工艺" in client.get("/achievements").text
    assert client.get(f"/achievements/{ids['internal']}").status_code == 200


def test_detail_pages_show_related_records(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    org_page = client.get(f"/organisations/{ids['org']}").text
    assert "周敏" in org_page and "海水淡化膜项目" in org_page
    person_page = client.get(f"/people/{ids['person']}").text
    assert "海水淡化膜项目" in person_page and "公开的淡化膜专利" in person_page


def test_create_form_shows_errors_next_to_fields_then_creates(client: TestClient, ctx: Context) -> None:
    make_user(ctx, email="maker@example.org")
    log_in(client, "maker@example.org")
    token = csrf(client, "/achievements/new")
    r = client.post(
        "/achievements/new", data={"csrf_token": token, "kind": "patent", "title": "", "trl": "12"}
    )
    assert r.status_code == 422
    assert 'data-field="title"' in r.text and 'data-field="trl"' in r.text
    r = client.post(
        "/achievements/new",
        data={"csrf_token": token, "kind": "patent", "title": "新型滤膜", "trl": "5", "keywords": "膜, 过滤"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].endswith("/matches")  # post and match: straight to the candidates
    page = client.get(r.headers["location"].removesuffix("/matches")).text
    assert "新型滤膜" in page and "膜、过滤" in page


def test_members_cannot_edit_others_records(client: TestClient, ctx: Context) -> None:
    ids = _seed(ctx)
    make_user(ctx, email="nosy@example.org")
    log_in(client, "nosy@example.org")
    r = client.post(
        f"/achievements/{ids['public']}/edit",
        data={"csrf_token": csrf(client, "/"), "kind": "patent", "title": "改掉"},
    )
    assert r.status_code == 403
    assert "改掉" not in client.get(f"/achievements/{ids['public']}").text


def test_every_list_page_shows_its_records_with_states_in_words(client: TestClient, ctx: Context) -> None:
    """The needs list answered 500 whenever a need existed (a column the input schema lacks)."""
    firm = org(ctx, "列表测试公司", kind="enterprise")
    titles = {
        "need": create(ctx, "need", title="列表测试需求", organisation_id=firm),
        "instrument": create(ctx, "instrument", name_zh="列表测试质谱仪", organisation_id=firm),
        "project": create(ctx, "project", title="列表测试项目", organisation_id=firm),
        "achievement": create(ctx, "achievement", kind="patent", title="列表测试专利", organisation_id=firm),
        "dataset": create(ctx, "dataset", title="列表测试数据集", organisation_id=firm),
        "person": create(ctx, "person", name_zh="列表测试专家", organisation_id=firm),
        "organisation": firm,
    }
    assert set(titles) == set(SPECS)
    for entity in SPECS:
        page = client.get(f"/{SPECS[entity].plural}")
        assert page.status_code == 200, entity
        assert "列表测试" in page.text, entity
    needs = client.get("/needs").text
    assert "征集中" in needs  # the need's state in words, not its code
