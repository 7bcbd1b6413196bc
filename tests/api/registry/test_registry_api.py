"""The registry JSON API over HTTP: CRUD, permissions, visibility, filters, problem+json errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.conftest import token_for
from tests.integration.matching.factories import member_of

from innobridge.core.context import Context
from innobridge.registry.entities import SPECS


def test_every_entity_has_list_read_create_update_delete(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for spec in SPECS.values():
        assert set(paths[f"/api/v1/{spec.plural}"]) == {"get", "post"}
        assert set(paths[f"/api/v1/{spec.plural}/{{record_id}}"]) == {"get", "patch", "delete"}


def test_crud_round_trip_with_audit_trail(client: TestClient, officer_headers: dict[str, str]) -> None:
    body = {"kind": "technology", "title": "高导热氮化铝陶瓷基板", "keywords": ["氮化铝", "导热"], "trl": 5}
    created = client.post("/api/v1/achievements", json=body, headers=officer_headers)
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    got = client.get(f"/api/v1/achievements/{rid}")
    assert got.status_code == 200, got.text
    assert "keywords" in got.json(), got.text
    assert got.json()["keywords"] == ["氮化铝", "导热"]
    patched = client.patch(f"/api/v1/achievements/{rid}", json={"trl": 7}, headers=officer_headers)
    assert patched.status_code == 200 and patched.json()["trl"] == 7
    assert client.delete(f"/api/v1/achievements/{rid}", headers=officer_headers).status_code == 204
    assert client.get(f"/api/v1/achievements/{rid}").status_code == 404


def test_writes_need_a_user_and_permission(
    client: TestClient, officer_headers: dict[str, str], member_headers: dict[str, str]
) -> None:
    body = {"name_zh": "上海示例研究所", "kind": "research_institute"}
    anon = client.post("/api/v1/organisations", json=body)
    assert anon.status_code == 401
    assert anon.headers["content-type"].startswith("application/problem+json")
    rid = client.post("/api/v1/organisations", json=body, headers=officer_headers).json()["id"]
    denied = client.patch(f"/api/v1/organisations/{rid}", json={"name_en": "X"}, headers=member_headers)
    assert denied.status_code == 403
    bad_token = client.get("/api/v1/organisations", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401


def test_anonymous_list_shows_public_records_only(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    for title, vis in (("公开需求", "public"), ("注册可见需求", "registered"), ("内部需求", "internal")):
        r = client.post("/api/v1/needs", json={"title": title, "visibility": vis}, headers=officer_headers)
        assert r.status_code == 201
    anon = client.get("/api/v1/needs").json()
    assert [i["title"] for i in anon["items"]] == ["公开需求"] and anon["total"] == 1
    officer = client.get("/api/v1/needs", headers=officer_headers).json()
    assert officer["total"] == 3


def test_filters_sorting_and_pagination(client: TestClient, officer_headers: dict[str, str]) -> None:
    rows = [
        {"name_zh": "徐汇一号", "kind": "enterprise", "region_code": "310104", "industry_codes": ["C39"]},
        {"name_zh": "徐汇二号", "kind": "university", "region_code": "310104"},
        {"name_zh": "浦东一号", "kind": "enterprise", "region_code": "310115", "industry_codes": ["I65"]},
    ]
    for row in rows:
        assert client.post("/api/v1/organisations", json=row, headers=officer_headers).status_code == 201
    names = lambda r: [i["name_zh"] for i in r.json()["items"]]  # noqa: E731
    assert names(client.get("/api/v1/organisations?region=310104&sort=name_zh")) == ["徐汇一号", "徐汇二号"]
    assert names(client.get("/api/v1/organisations?kind=enterprise&sort=-id")) == ["浦东一号", "徐汇一号"]
    assert names(client.get("/api/v1/organisations?field=I65")) == ["浦东一号"]
    page2 = client.get("/api/v1/organisations?page=2&page_size=2&sort=id").json()
    assert page2["total"] == 3 and [i["name_zh"] for i in page2["items"]] == ["浦东一号"]
    bad = client.get("/api/v1/organisations?sort=password")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sort"


def test_validation_errors_name_the_field_in_the_requested_language(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    r = client.post(
        "/api/v1/organisations",
        json={"name_zh": "甲", "kind": "enterprise", "credit_code": "123"},
        headers={**officer_headers, "Accept-Language": "en"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["title"] == "Invalid input"
    assert any(e["field"].endswith("credit_code") for e in body["errors"])


def test_contact_details_hidden_from_anonymous(client: TestClient, officer_headers: dict[str, str]) -> None:
    pid = client.post(
        "/api/v1/people", json={"name_zh": "王研究员", "email": "wang@example.org"}, headers=officer_headers
    ).json()["id"]
    assert client.get(f"/api/v1/people/{pid}").json()["email"] is None
    assert client.get(f"/api/v1/people/{pid}", headers=officer_headers).json()["email"] == "wang@example.org"


def test_created_date_filter(client: TestClient, officer_headers: dict[str, str]) -> None:
    assert (
        client.post("/api/v1/datasets", json={"title": "今天的数据集"}, headers=officer_headers).status_code
        == 201
    )
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    assert client.get(f"/api/v1/datasets?created_from={today}&created_to={today}").json()["total"] == 1
    assert client.get(f"/api/v1/datasets?created_from={today + timedelta(days=1)}").json()["total"] == 0
    assert client.get("/api/v1/datasets?created_from=0000-00-00").status_code == 422


def test_a_member_cannot_move_a_record_onto_another_organisation(
    ctx: Context, client: TestClient, officer_headers: dict[str, str]
) -> None:
    ours, theirs = (
        client.post(
            "/api/v1/organisations", json={"name_zh": n, "kind": "enterprise"}, headers=officer_headers
        ).json()["id"]
        for n in ("甲公司", "乙公司")
    )
    headers = token_for(ctx, member_of(ctx, ours))
    need = client.post(
        "/api/v1/needs", json={"title": "电池回收需求", "organisation_id": ours}, headers=headers
    )
    assert need.status_code == 201
    moved = client.patch(
        f"/api/v1/needs/{need.json()['id']}", json={"organisation_id": theirs}, headers=headers
    )
    assert moved.status_code == 403
    assert client.get(f"/api/v1/needs/{need.json()['id']}").json()["organisation_id"] == ours


def test_references_past_the_integer_column_are_refused_by_name(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    for path, body in (
        ("/api/v1/needs", {"title": "需求", "organisation_id": 3_000_000_000}),
        ("/api/v1/organisations", {"name_zh": "子机构", "kind": "enterprise", "parent_id": 3_000_000_000}),
    ):
        r = client.post(path, json=body, headers=officer_headers)
        assert r.status_code == 422, r.text
        assert next(iter(body.keys() - {"title", "name_zh", "kind"})) in r.text
