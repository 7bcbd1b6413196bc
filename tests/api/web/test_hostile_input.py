"""Hostile input answers 4xx naming the field, never 500, on SQLite and PostgreSQL: NUL characters and lone
surrogates anywhere, integers past the columns, titles longer than the key column, LIKE wildcards."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from tests.api.web.helpers import csrf

from innobridge.core.context import Context
from innobridge.registry.models import Need
from innobridge.registry.schemas import NeedIn


def _fields(response: object) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/api/v1/needs", "/api/v1/search", "/api/v1/achievements"])
def test_nul_in_a_query_parameter_is_a_422_naming_it(client: TestClient, path: str) -> None:
    r = client.get(path + "?q=a%00b")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _fields(r) == ["query.q"]
    assert r.json()["errors"][0]["code"] == "field.nul"


def test_nul_in_a_page_query_is_a_422_page(client: TestClient) -> None:
    r = client.get("/needs?q=%00")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")


def test_nul_in_a_json_text_field_is_a_422_naming_it(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    r = client.post("/api/v1/needs", json={"title": "a\x00b"}, headers=officer_headers)
    assert r.status_code == 422 and _fields(r) == ["body.title"]
    r = client.post(
        "/api/v1/needs", json={"title": "ok", "keywords": ["x", "y\x00"]}, headers=officer_headers
    )
    assert r.status_code == 422 and _fields(r) == ["body.keywords.1"]
    rid = client.post("/api/v1/needs", json={"title": "正常"}, headers=officer_headers).json()["id"]
    r = client.patch(f"/api/v1/needs/{rid}", json={"description": "\x00"}, headers=officer_headers)
    assert r.status_code == 422 and _fields(r) == ["body.description"]
    # A lone surrogate (only JSON's \\ud800 escape can make one) cannot be stored either.
    raw = b'{"title": "a\\ud800b"}'
    r = client.post(
        "/api/v1/needs", content=raw, headers={**officer_headers, "content-type": "application/json"}
    )
    assert r.status_code == 422 and _fields(r) == ["body.title"]


def test_nul_in_a_form_field_is_a_422(client: TestClient) -> None:
    r = client.post(
        "/login", data={"email": "a\x00@example.org", "password": "x", "csrf_token": csrf(client)}
    )
    assert r.status_code == 422


def test_schemas_refuse_nul_for_input_that_does_not_come_over_http() -> None:
    with pytest.raises(ValidationError) as caught:
        NeedIn.model_validate({"title": "导入\x00的标题"})
    assert caught.value.errors()[0]["loc"] == ("title",)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/needs", {"title": "x", "organisation_id": 3_000_000_000}),
        ("/api/v1/organisations", {"name_zh": "x", "kind": "enterprise", "parent_id": 2**63}),
        ("/api/v1/introductions", {"need_id": 2**31, "candidate_kind": "achievement", "candidate_id": 1}),
    ],
)
def test_ids_past_the_integer_column_in_a_body_are_a_422(
    client: TestClient, officer_headers: dict[str, str], path: str, body: dict[str, object]
) -> None:
    r = client.post(path, json=body, headers=officer_headers)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/needs/3000000000",
        "/api/v1/needs/99999999999999999999999",
        "/api/v1/needs?organisation_id=99999999999999999999",
        "/api/v1/search?organisation_id=3000000000",
        "/api/v1/introductions/99999999999999999999",
        "/api/v1/introductions?need_id=3000000000",
    ],
)
def test_ids_past_the_integer_column_in_a_path_or_query_are_4xx(
    client: TestClient, officer_headers: dict[str, str], url: str
) -> None:
    r = client.get(url, headers=officer_headers)
    assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:200])


def test_a_title_as_long_as_titles_may_be_is_stored(
    client: TestClient, ctx: Context, officer_headers: dict[str, str]
) -> None:
    long = "高" * 499
    first = client.post("/api/v1/needs", json={"title": long + "甲"}, headers=officer_headers)
    second = client.post("/api/v1/needs", json={"title": long + "乙"}, headers=officer_headers)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["key"] != second.json()["key"]  # distinct records, though their keys were cut
    assert len(first.json()["key"]) <= 300
    # NFKC folding lengthens some characters (﷽ becomes 18 letters): the key still fits.
    r = client.post("/api/v1/needs", json={"title": "\ufdfd" * 100}, headers=officer_headers)
    assert r.status_code == 201 and len(r.json()["key"]) <= 300
    # The same long title again is the same record (keys stay deterministic), refused as a duplicate.
    again = client.post("/api/v1/needs", json={"title": long + "甲"}, headers=officer_headers)
    assert again.status_code == 409
    with ctx.session() as s:
        assert s.scalar(select(func.max(func.length(Need.key)))) <= 300
    too_long = client.post("/api/v1/needs", json={"title": "x" * 501}, headers=officer_headers)
    assert too_long.status_code == 422 and _fields(too_long) == ["body.title"]


def test_the_field_filter_takes_like_wildcards_literally(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    body = {"title": "芯片", "discipline_codes": ["52020"], "industry_codes": ["C3973"]}
    assert client.post("/api/v1/needs", json=body, headers=officer_headers).status_code == 201
    total = lambda field: client.get("/api/v1/needs", params={"field": field}).json()["total"]  # noqa: E731
    assert total("520") == 1 and total("C39") == 1  # a code prefix matches
    assert total("%") == 0 and total("5_0") == 0 and total("%20") == 0 and total("_") == 0
