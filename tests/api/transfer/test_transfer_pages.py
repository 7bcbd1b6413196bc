"""Technology-contract pages: a party records a contract through the form (amounts shown as money,
names not codes), the form names a bad field, an officer registers it from the queue, and a member of a
third organisation gets 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user
from tests.integration.matching.factories import org
from tests.integration.transfer.conftest import ucc

from innobridge.core.accounts import set_membership
from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role
from innobridge.registry.models import Code
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


def member(ctx: Context, email: str, org_id: int) -> None:
    user = make_user(ctx, email=email)
    with ctx.uow() as uow:
        set_membership(uow, actor=SYSTEM, user_id=user.user_id, organisation_id=org_id)  # type: ignore[arg-type]


def form(**over: str) -> dict[str, str]:
    data = {
        "contract_type": "development",
        "project_name": "焊接机器人视觉系统开发",
        "seller.name": "上海某大学",
        "seller.credit_code": ucc("12310000425000003"),
        "seller.region_code": "310104",
        "seller.country_code": "CN",
        "signed_on": "2026-09-01",
        "valid_from": "2026-09-01",
        "valid_until": "2027-08-31",
        "total_amount": "1250000",
        "equipment_amount": "250000.5",
    }
    data.update(over)
    return data


def test_record_submit_and_register_through_the_pages(client: TestClient, ctx: Context) -> None:
    firm = org(
        ctx, "精密制造有限公司", kind="enterprise", credit_code=ucc("91310000MA1FL0001"), region_code="310115"
    )
    org(ctx, "无关科技有限公司", kind="enterprise")
    with ctx.uow() as uow:
        uow.session.add(Code(scheme="region", code="310104", name_zh="徐汇区", name_en="Xuhui"))
    member(ctx, "buyer@example.org", firm)
    log_in(client, "buyer@example.org")
    page = client.get("/contracts/new").text
    assert "精密制造有限公司" in page  # the user's organisations are the pick-list

    bad = client.post(
        "/contracts/new",
        data={
            **form(equipment_amount="2000000"),
            "buyer.organisation_id": str(firm),
            "csrf_token": csrf(client, "/"),
        },
    )
    assert bad.status_code == 422
    assert 'data-field="equipment_amount"' in bad.text and "不能高于合同成交额" in bad.text

    r = client.post(
        "/contracts/new",
        data={**form(), "buyer.organisation_id": str(firm), "csrf_token": csrf(client, "/")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    html = client.get(url).text
    assert 'data-testid="total">1,250,000.00 元' in html
    assert 'data-testid="technology">999,999.50 元' in html
    assert "徐汇区" in html and "技术开发" in html  # names, not codes
    r = client.post(
        url + "/move", data={"action": "submit", "csrf_token": csrf(client, "/")}, follow_redirects=False
    )
    assert r.status_code == 303
    assert 'data-testid="state">待登记<' in client.get(url).text

    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    make_user(ctx, email="officer@example.org", role=Role.programme_officer)
    log_in(client, "officer@example.org")
    assert "待登记 1 份" in client.get("/contracts").text
    r = client.post(
        url + "/move",
        data={"action": "register", "registration_number": "2026-1", "csrf_token": csrf(client, "/")},
    )
    assert r.status_code == 422 and "16 位数字" in r.text
    r = client.post(
        url + "/move",
        data={
            "action": "register",
            "registration_number": "2026310104000123",
            "csrf_token": csrf(client, "/"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = client.get(url).text
    assert 'data-testid="number">2026310104000123<' in html and 'data-testid="state">已登记<' in html
    assert html.count("<li><time>") == 3  # create, submit, register


def test_a_third_organisation_gets_404(client: TestClient, ctx: Context) -> None:
    firm = org(ctx, "精密制造有限公司", kind="enterprise")
    stranger = org(ctx, "无关科技有限公司", kind="enterprise")
    member(ctx, "buyer@example.org", firm)
    member(ctx, "stranger@example.org", stranger)
    log_in(client, "buyer@example.org")
    r = client.post(
        "/contracts/new",
        data={**form(), "buyer.organisation_id": str(firm), "csrf_token": csrf(client, "/")},
        follow_redirects=False,
    )
    url = r.headers["location"]
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    log_in(client, "stranger@example.org")
    assert client.get(url).status_code == 404
    assert client.get(url + "/edit").status_code == 404
    assert "精密制造" not in client.get("/contracts").text
