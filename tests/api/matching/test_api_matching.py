"""The matching JSON API over the real app: search, matches, introductions, the matching rate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.conftest import token_for
from tests.conftest import make_user
from tests.integration.matching.factories import create, org

from innobridge.core.context import Context
from innobridge.core.users import Role


def test_search_follows_writes_and_visibility(
    ctx: Context, client: TestClient, officer_headers: dict[str, str], member_headers: dict[str, str]
) -> None:
    r = client.post(
        "/api/v1/achievements",
        json={"kind": "patent", "title": "柔性钙钛矿太阳能电池", "keywords": ["钙钛矿"], "year": 2024},
        headers=officer_headers,
    )
    assert r.status_code == 201, r.text
    create(ctx, "achievement", kind="patent", title="内部钙钛矿配方", visibility="internal")
    create(ctx, "achievement", kind="patent", title="注册用户可见的钙钛矿", visibility="registered")
    anon = client.get("/api/v1/search", params={"q": "钙钛矿"}).json()
    assert [i["title"] for i in anon["items"]] == ["柔性钙钛矿太阳能电池"]
    assert anon["total"] == 1
    assert anon["facets"]["kind"] == [
        {"value": "achievement", "count": 1, "label_zh": "科技成果", "label_en": "Achievements"}
    ]
    assert anon["facets"]["year"][0]["value"] == "2024"
    member = client.get("/api/v1/search", params={"q": "钙钛矿"}, headers=member_headers).json()
    assert member["total"] == 2
    officer = client.get(
        "/api/v1/search", params={"q": "钙钛矿", "kind": "achievement"}, headers=officer_headers
    )
    assert officer.json()["total"] == 3
    assert client.get("/api/v1/search", params={"q": "钙钛矿", "kind": "need"}).json()["total"] == 0


def test_search_parameters_are_bounded(client: TestClient) -> None:
    for params in (
        {"page": 0},
        {"page": 10**9},
        {"page_size": 1000},
        {"q": "x" * 201},
        {"kind": "users"},
        {"region": "abc"},
        {"year_from": 99999},
        {"organisation_id": 2**40},
        {"mode": "magic"},
    ):
        assert client.get("/api/v1/search", params=params).status_code == 422, params


def test_matches_by_need_text_and_achievement(ctx: Context, client: TestClient) -> None:
    firm = org(ctx, "精密仪器有限公司", kind="enterprise", description="激光测距仪生产")
    lab = org(ctx, "光学研究所", kind="research_institute")
    ach = create(ctx, "achievement", kind="patent", title="激光测距算法", organisation_id=lab)
    create(ctx, "person", name_zh="赵激光", keywords=["激光测距"], organisation_id=lab)
    need = create(ctx, "need", title="激光测距精度提升", organisation_id=firm)
    out = client.get(f"/api/v1/needs/{need}/matches", params={"per_kind": 5}).json()
    assert [c["title"] for c in out["achievements"]] == ["激光测距算法"]
    assert out["achievements"][0]["owner"]["name_zh"] == "光学研究所"
    assert out["achievements"][0]["reasons"][0]["key"] == "matching.reason.terms"
    assert [c["title"] for c in out["experts"]] == ["赵激光"]
    assert set(out) >= {"achievements", "experts", "institutions", "instruments"}
    text = client.post("/api/v1/match", json={"text": "激光测距", "per_kind": 3}).json()
    assert text["need_id"] is None and text["achievements"][0]["id"] == ach
    back = client.get(f"/api/v1/achievements/{ach}/matches").json()
    assert [c["title"] for c in back["needs"]] == ["激光测距精度提升"]
    assert [c["title"] for c in back["enterprises"]] == ["精密仪器有限公司"]
    missing = client.get("/api/v1/needs/999999/matches")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert client.get(f"/api/v1/needs/{need}/matches", params={"per_kind": 51}).status_code == 422
    assert client.post("/api/v1/match", json={"text": ""}).status_code == 422


def test_introductions_through_the_api(
    ctx: Context, client: TestClient, member_headers: dict[str, str]
) -> None:
    lab = org(ctx, "生物医药研究院", kind="research_institute")
    ach = create(ctx, "achievement", kind="patent", title="单克隆抗体筛选平台", organisation_id=lab)
    create(ctx, "person", name_zh="孙抗体", keywords=["单克隆抗体"], organisation_id=lab)
    need = create(ctx, "need", title="单克隆抗体筛选外包")
    manager = token_for(ctx, make_user(ctx, role=Role.tech_manager))

    assert client.post(f"/api/v1/needs/{need}/introductions").status_code == 401
    assert client.post(f"/api/v1/needs/{need}/introductions", headers=member_headers).status_code == 403
    r = client.post(f"/api/v1/needs/{need}/introductions", headers=manager)
    assert r.status_code == 201, r.text
    created = r.json()["created"]
    assert {(i["candidate_kind"], i["candidate_id"]) for i in created} >= {("achievement", ach)}
    again = client.post(f"/api/v1/needs/{need}/introductions", headers=manager).json()
    assert again == {"created": [], "existing": len(created)}

    intro = next(i for i in created if i["candidate_kind"] == "achievement")["id"]
    r = client.post(f"/api/v1/introductions/{intro}/sign", headers=manager)
    assert r.status_code == 409 and r.json()["code"] == "workflow.error.illegal_move"
    assert client.post(f"/api/v1/introductions/{intro}/teleport", headers=manager).status_code == 404
    assert client.post(f"/api/v1/introductions/{intro}/decline", headers=manager).status_code == 422
    r = client.post(f"/api/v1/introductions/{intro}/contact", headers=manager, json={"reason": "电话沟通"})
    assert r.status_code == 200 and r.json()["state"] == "contacted"
    assert [a["name"] for a in r.json()["allowed_actions"]] == ["negotiate", "decline", "withdraw"]
    seen = r.json()["version"]
    again = client.post(
        f"/api/v1/introductions/{intro}/negotiate", headers=manager, json={"version": seen - 1}
    )
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")

    listed = client.get("/api/v1/introductions", params={"state": "contacted"}, headers=manager).json()
    assert [i["id"] for i in listed["items"]] == [intro] and listed["items"][0]["candidate_title"]
    assert client.get("/api/v1/introductions").status_code == 401
    assert client.get("/api/v1/introductions", headers=member_headers).json()["total"] == 0
    assert client.get(f"/api/v1/introductions/{intro}", headers=member_headers).status_code == 404

    other = create(ctx, "achievement", kind="technology", title="另一项抗体技术")
    body = {"need_id": need, "candidate_kind": "achievement", "candidate_id": other, "note": "手工推荐"}
    r = client.post("/api/v1/introductions", json=body, headers=manager)
    assert r.status_code == 201 and r.json()["source"] == "manual"
    assert client.post("/api/v1/introductions", json=body, headers=manager).status_code == 409
    bad = {**body, "candidate_kind": "user"}
    assert client.post("/api/v1/introductions", json=bad, headers=manager).status_code == 422

    rate = client.get("/api/v1/stats/matching-rate", params={"within_days": 30}).json()
    assert (rate["published"], rate["accepted"], rate["matching_rate"]) == (1, 1, 1.0)
    assert rate["registered_available"] is False
    bad_dates = {"since": "2026-02-01", "until": "2026-01-01"}
    assert client.get("/api/v1/stats/matching-rate", params=bad_dates).status_code == 422
    far = {"since": "0001-01-01", "until": "9999-12-31"}
    assert client.get("/api/v1/stats/matching-rate", params=far).status_code == 422
