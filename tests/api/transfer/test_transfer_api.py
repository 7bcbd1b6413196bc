"""Technology contracts over HTTP: create, 422 naming the field, a third organisation's 404, stale 409,
a duplicate registration number's 409 naming it, the contract document honouring visibility."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import token_for
from tests.conftest import make_user
from tests.integration.core import storage_samples as samples
from tests.integration.matching.factories import member_of, org
from tests.integration.transfer.conftest import ucc

from innobridge.core.context import Context
from innobridge.core.users import Role

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(ctx: Context) -> dict[str, Any]:
    buyer = org(
        ctx, "精密制造有限公司", kind="enterprise", credit_code=ucc("91310000MA1FL0001"), region_code="310115"
    )
    seller = org(ctx, "材料研究院", kind="research_institute", region_code="310104")
    other = org(ctx, "无关科技有限公司", kind="enterprise")
    return {
        "buyer": buyer,
        "seller": seller,
        "buyer_h": token_for(ctx, member_of(ctx, buyer)),
        "seller_h": token_for(ctx, member_of(ctx, seller)),
        "other_h": token_for(ctx, member_of(ctx, other)),
        "officer_h": token_for(ctx, make_user(ctx, role=Role.programme_officer)),
    }


def body(world: dict[str, Any], **over: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contract_type": "licence",
        "project_name": "涂层工艺许可",
        "buyer": {"organisation_id": world["buyer"]},
        "seller": {"organisation_id": world["seller"]},
        "signed_on": "2026-10-08",
        "valid_from": "2026-10-08",
        "valid_until": "2028-10-07",
        "total_amount": "1000000.00",
        "equipment_amount": "120000",
    }
    out.update(over)
    return out


def fields(r: Any) -> list[str]:
    return [e["field"] for e in r.json().get("errors", [])]


def test_create_read_and_amounts(client: TestClient, world: dict[str, Any]) -> None:
    r = client.post("/api/v1/contracts", json=body(world), headers=world["buyer_h"])
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["technology_amount"] == "880000.00" and got["state"] == "draft"
    assert got["type_label_zh"] == "技术许可" and got["buyer"]["name"] == "精密制造有限公司"
    assert [a["name"] for a in got["allowed_actions"]] == ["submit"]
    one = client.get(f"/api/v1/contracts/{got['id']}", headers=world["seller_h"]).json()
    assert [h["action"] for h in one["history"]] == ["create"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"total_amount": "-1"}, "total_amount"),
        ({"equipment_amount": "-0.5"}, "equipment_amount"),
        ({"equipment_amount": "1000000.01"}, "equipment_amount"),
        ({"total_amount": "12.345"}, "total_amount"),
        ({"technology_amount": "5"}, "technology_amount"),
        ({"contract_type": "equity"}, "contract_type"),
        ({"seller": {"name": "某公司", "credit_code": "123", "region_code": "310104"}}, "seller.credit_code"),
        (
            {"seller": {"name": "某公司", "credit_code": ucc("91310000MA1FL0002"), "region_code": "31010"}},
            "seller.region_code",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, world: dict[str, Any], over: dict[str, Any], field: str
) -> None:
    r = client.post("/api/v1/contracts", json=body(world, **over), headers={**world["buyer_h"], **EN})
    assert r.status_code == 422, r.text
    assert any(f == field or f.endswith(field) for f in fields(r)), r.json()
    assert client.get("/api/v1/contracts", headers=world["buyer_h"]).json()["total"] == 0


def test_registration_over_http(client: TestClient, world: dict[str, Any]) -> None:
    c = client.post("/api/v1/contracts", json=body(world), headers=world["buyer_h"]).json()
    third = client.get(f"/api/v1/contracts/{c['id']}", headers=world["other_h"])
    assert third.status_code == 404
    assert client.post(f"/api/v1/contracts/{c['id']}/submit", headers=world["other_h"]).status_code == 404
    assert client.get(f"/api/v1/contracts/{c['id']}").status_code == 401
    s = client.post(
        f"/api/v1/contracts/{c['id']}/submit", json={"version": c["version"]}, headers=world["buyer_h"]
    )
    assert s.status_code == 200 and s.json()["state"] == "submitted"
    stale = client.post(
        f"/api/v1/contracts/{c['id']}/return",
        json={"version": c["version"], "reason": "x"},
        headers=world["officer_h"],
    )
    assert stale.status_code == 409
    bad = client.post(
        f"/api/v1/contracts/{c['id']}/register",
        json={"registration_number": "2026-31010400012"},
        headers=world["officer_h"],
    )
    assert bad.status_code == 422 and fields(bad) == ["registration_number"]
    ok = client.post(
        f"/api/v1/contracts/{c['id']}/register",
        json={"version": s.json()["version"], "registration_number": "2026310104000123"},
        headers=world["officer_h"],
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["registration_region_code"] == "310104" and ok.json()["state"] == "registered"
    d = client.post("/api/v1/contracts", json=body(world), headers=world["seller_h"]).json()
    client.post(f"/api/v1/contracts/{d['id']}/submit", headers=world["seller_h"])
    dup = client.post(
        f"/api/v1/contracts/{d['id']}/register",
        json={"registration_number": "2026310104000123"},
        headers={**world["officer_h"], **EN},
    )
    assert dup.status_code == 409 and "2026310104000123" in dup.json()["title"]
    queue = client.get("/api/v1/contracts", params={"state": "submitted"}, headers=world["officer_h"]).json()
    assert [i["id"] for i in queue["items"]] == [d["id"]] and queue["queue"] == 1
    assert client.get("/api/v1/contracts", headers=world["other_h"]).json()["total"] == 0


def test_stale_edit_is_409(client: TestClient, world: dict[str, Any]) -> None:
    c = client.post("/api/v1/contracts", json=body(world), headers=world["buyer_h"]).json()
    edit = {**body(world, total_amount="2000000"), "version": c["version"]}
    first = client.put(f"/api/v1/contracts/{c['id']}", json=edit, headers=world["seller_h"])
    assert first.status_code == 200 and first.json()["technology_amount"] == "1880000.00"
    again = client.put(f"/api/v1/contracts/{c['id']}", json=edit, headers=world["buyer_h"])
    assert again.status_code == 409


def test_the_contract_document_honours_visibility(client: TestClient, world: dict[str, Any]) -> None:
    c = client.post("/api/v1/contracts", json=body(world), headers=world["buyer_h"]).json()
    url = f"/api/v1/records/contract/{c['id']}/documents"
    octet = {"Content-Type": "application/octet-stream"}
    refused = client.post(
        url,
        params={"name": "合同.pdf", "kind": "contract"},
        content=samples.pdf(),
        headers={**octet, **world["other_h"]},
    )
    assert refused.status_code == 404
    up = client.post(
        url,
        params={"name": "合同.pdf", "kind": "contract"},
        content=samples.pdf(),
        headers={**octet, **world["buyer_h"]},
    )
    assert up.status_code == 201, up.text
    doc = up.json()
    assert (
        client.get(f"/api/v1/documents/{doc['id']}/content", headers=world["seller_h"]).content
        == samples.pdf()
    )
    assert client.get(f"/api/v1/documents/{doc['id']}/content", headers=world["officer_h"]).status_code == 200
    assert client.get(f"/api/v1/documents/{doc['id']}/content", headers=world["other_h"]).status_code == 404
    assert client.get(f"/api/v1/documents/{doc['id']}/content").status_code == 404
    assert client.get(url, headers=world["other_h"]).status_code == 404
    history = client.get(f"/api/v1/contracts/{c['id']}", headers=world["buyer_h"]).json()["history"]
    assert [h["action"] for h in history] == ["create", "file.upload"]
    assert history[-1]["action_zh"] == "上传文件"
