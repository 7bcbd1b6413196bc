"""The OpenAPI document says how routes fail (problem+json), what `sort`, `kind` and `until` accept, and a
405 names the methods the resource has."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from innobridge.registry.entities import SPECS

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def _problem(operation: dict[str, Any], status: int) -> bool:
    content = operation["responses"].get(str(status), {}).get("content", {})
    return content.get("application/problem+json", {}).get("schema") == PROBLEM


def test_error_answers_are_documented_as_problem_json(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    create, update = paths["/api/v1/needs"]["post"], paths["/api/v1/needs/{record_id}"]["patch"]
    for status in (401, 403, 404, 409, 422):
        assert _problem(create, status) and _problem(update, status), status
    read = paths["/api/v1/needs/{record_id}"]["get"]
    assert _problem(read, 404) and _problem(read, 401) and "403" not in read["responses"]
    assert "409" not in paths["/api/v1/needs"]["get"]["responses"]
    assert "401" not in paths["/api/v1/stats/matching-rate"]["get"]["responses"]  # asks nobody's name
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert _problem(operation, 422), f"{method} {path}: 422 is problem+json"
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "code"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_sort_kind_and_until_list_their_allowed_values(schema: dict[str, Any]) -> None:
    def param(path: str, name: str) -> dict[str, Any]:
        found = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
        return found[0]["schema"]  # type: ignore[no-any-return]

    for spec in SPECS.values():
        sort = param(f"/api/v1/{spec.plural}", "sort")
        assert set(sort["enum"]) == set(spec.sortable) | {f"-{f}" for f in spec.sortable}
    kinds = param("/api/v1/organisations", "kind")["enum"]
    assert "university" in kinds and "enterprise" in kinds
    assert "patent" in param("/api/v1/achievements", "kind")["enum"]
    assert param("/api/v1/stats/matching-rate", "until")["pattern"].startswith("^(19")


def test_sort_outside_the_documented_values_is_a_422(client: TestClient) -> None:
    r = client.get("/api/v1/needs", params={"sort": "password_hash"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sort"


def test_a_405_names_every_method_the_resource_has(client: TestClient, schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        documented = {m.upper() for m in operations}
        url = re.sub(r"\{[^}]+\}", "1", path.replace("{entity}", "need"))
        unsupported = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in documented)
        r = client.request(unsupported, url, headers={"Authorization": "Bearer not-a-token"})
        assert r.status_code == 405, (unsupported, url, r.status_code)
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert allowed - {"HEAD"} == documented, (url, allowed, documented)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_timestamps_are_rfc3339_with_an_offset_on_every_database(
    client: TestClient, officer_headers: dict[str, str]
) -> None:
    created = client.post("/api/v1/needs", json={"title": "时间"}, headers=officer_headers).json()
    for field in ("created_at", "updated_at"):  # SQLite hands them back without one
        stamp = client.get(f"/api/v1/needs/{created['id']}").json()[field]
        assert re.search(r"(Z|[+-]\d\d:\d\d)$", stamp), stamp
