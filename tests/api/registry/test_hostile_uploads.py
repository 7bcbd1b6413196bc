"""Hostile files uploaded on the import page: a 422 naming what is wrong next to the file field, never a
500; web JSON imports keep a leading apostrophe exactly as the command line does."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.web.helpers import csrf, log_in
from tests.conftest import make_user
from tests.integration.registry import hostile_files as hostile

from innobridge.core.context import Context
from innobridge.core.i18n import t
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role
from innobridge.index import service as indexing
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.search.engine import SearchEngine
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    ctx.settings = ctx.settings.model_copy(
        update={"import_max_expanded_bytes": 20_000_000, "import_max_upload_bytes": 2_000_000}
    )
    indexing.install(ctx, start_vectors=False, engine=SearchEngine(None))
    with TestClient(create_app(ctx), raise_server_exceptions=False) as c:
        make_user(ctx, email="officer@example.org", role=Role.programme_officer)
        log_in(c, "officer@example.org")
        yield c


def upload(client: TestClient, name: str, body: bytes) -> tuple[int, str]:
    r = client.post(
        "/data/import",
        data={"entity": "organisation", "csrf_token": csrf(client, "/data")},
        files={"file": (name, body, "application/octet-stream")},
    )
    return r.status_code, r.text


def org_names(ctx: Context) -> list[str]:
    with ctx.session() as s:
        items, _ = service.list_records(
            s, actor=SYSTEM, spec=SPECS["organisation"], query=service.ListQuery(sort="id")
        )
    return [i.name_zh for i in items]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_hostile_upload_is_refused_next_to_the_field(client: TestClient, ctx: Context, name: str) -> None:
    build, kind, code = hostile.HOSTILE[name]
    status, text = upload(client, f"hostile.{kind}", build())
    assert status == 422 and 'data-field="file"' in text
    first_words = t(code, "zh").split("{")[0][:8]
    assert html.escape(first_words) in text
    assert org_names(ctx) == []


def test_zip_bomb_and_oversized_upload_are_refused(client: TestClient, ctx: Context) -> None:
    status, text = upload(client, "bomb.xlsx", hostile.zip_bomb(64_000_000))
    assert status == 422 and "INNOBRIDGE_IMPORT_MAX_EXPANDED_BYTES" in text
    just_over = b"name_zh,kind\n" + b"A,enterprise\n" * (2_000_000 // 13 + 1)  # limit 2,000,000 bytes
    status, text = upload(client, "big.csv", just_over)
    assert status == 422 and "2000000" in text and 'data-field="file"' in text
    status, text = upload(client, "bigger.csv", just_over * 2)  # refused before the form is read
    assert status == 413 and "2000000" in text
    assert org_names(ctx) == []


def test_web_json_keeps_a_leading_apostrophe_as_the_cli_does(client: TestClient, ctx: Context) -> None:
    body = '[{"name_zh": "\'=json机构", "kind": "enterprise"}]'.encode()
    status, _ = upload(client, "orgs.json", body)
    assert status == 200
    status, _ = upload(client, "orgs.csv", "name_zh,kind\n'=表格机构,enterprise\n".encode())
    assert status == 200
    assert org_names(ctx) == ["'=json机构", "=表格机构"]


def test_the_form_states_the_limits(client: TestClient) -> None:
    text = client.get("/data").text
    assert "100,000" in text and "2 MB" in text  # the fixture's upload limit is 2,000,000 bytes
