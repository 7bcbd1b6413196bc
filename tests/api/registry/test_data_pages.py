"""Data pages over HTTP: imports with a row-error report only its author downloads, refusals, and
exports that never include records the user may not see."""

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
