"""Documents over HTTP: upload as the request body, list, download with safe headers, remove; refusals
name what was refused, in the caller's language; who may not see a record gets 404."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import quote

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.api.conftest import token_for
from tests.integration.core import storage_samples as samples
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.context import Context
from innobridge.core.i18n import Lang, t
from innobridge.core.storage.schemas import StoredFileOut
from innobridge.core.storage.service import storage_for
from innobridge.web.app import create_app
from innobridge.web.render import environment

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(ctx: Context) -> dict[str, object]:
    org_a = org(ctx, "甲大学")
    return {
        "owner": token_for(ctx, member_of(ctx, org_a)),
        "stranger": token_for(ctx, member_of(ctx, org(ctx, "乙公司", kind="enterprise"))),
        "public": create(ctx, "achievement", title="公开成果", kind="patent", organisation_id=org_a),
        "internal": create(ctx, "need", title="内部需求", organisation_id=org_a, visibility="internal"),
    }


def _post(client: TestClient, headers: object, entity: str, entity_id: object, data: object, **query: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/records/{entity}/{entity_id}/documents",
        params=query,
        content=data,  # type: ignore[arg-type]
        headers={"Content-Type": "application/octet-stream", **headers},  # type: ignore[dict-item]
    )


def test_upload_list_download_remove(client: TestClient, ctx: Context, world: dict[str, object]) -> None:
    owner = world["owner"]
    # The client's content type says PNG; the bytes are a PDF, and the bytes decide.
    r = client.post(
        f"/api/v1/records/achievement/{world['public']}/documents",
        params={"name": "技术转让合同 v2.pdf", "kind": "contract"},
        content=samples.pdf(),
        headers={"Content-Type": "image/png", **owner},  # type: ignore[dict-item]
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["name"], doc["kind"], doc["content_type"], doc["size"]) == (
        "技术转让合同 v2.pdf",
        "contract",
        "application/pdf",
        len(samples.pdf()),
    )
    assert doc["allowed_actions"] == ["download", "remove"]
    assert datetime.fromisoformat(doc["uploaded_at"]).utcoffset() is not None  # RFC 3339, also on SQLite

    listed = client.get(f"/api/v1/records/achievement/{world['public']}/documents")  # anonymous reader
    assert [(d["id"], d["allowed_actions"]) for d in listed.json()] == [(doc["id"], ["download"])]

    got = client.get(f"/api/v1/documents/{doc['id']}/content", headers=world["stranger"])  # type: ignore[arg-type]
    assert got.status_code == 200
    assert got.content == samples.pdf()
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"v2.pdf\"; filename*=UTF-8''" + quote("技术转让合同 v2.pdf")
    )
    assert got.headers["content-length"] == str(len(samples.pdf()))

    assert client.delete(f"/api/v1/documents/{doc['id']}", headers=world["stranger"]).status_code == 404  # type: ignore[arg-type]
    assert client.delete(f"/api/v1/documents/{doc['id']}", headers=owner).status_code == 204  # type: ignore[arg-type]
    assert client.get(f"/api/v1/documents/{doc['id']}/content").status_code == 404
    assert client.get(f"/api/v1/records/achievement/{world['public']}/documents").json() == []


def test_plain_text_downloads_as_utf8_text(client: TestClient, world: dict[str, object]) -> None:
    r = _post(client, world["owner"], "achievement", world["public"], samples.text(), name="说明")
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "说明.txt"
    got = client.get(f"/api/v1/documents/{r.json()['id']}/content")
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.headers["content-disposition"].startswith('attachment; filename="document.txt"; filename*=')
    assert got.text == samples.text().decode()


def test_a_record_nobody_may_show_you_is_404_for_everything(
    client: TestClient, world: dict[str, object]
) -> None:
    r = _post(client, world["owner"], "need", world["internal"], samples.png(), name="图.png")
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    for headers in ({}, world["stranger"]):
        assert (
            client.get(f"/api/v1/records/need/{world['internal']}/documents", headers=headers).status_code
            == 404
        )  # type: ignore[arg-type]
        assert client.get(f"/api/v1/documents/{doc_id}", headers=headers).status_code == 404  # type: ignore[arg-type]
        assert client.get(f"/api/v1/documents/{doc_id}/content", headers=headers).status_code == 404  # type: ignore[arg-type]
    # Never-existing records and files answer the same.
    assert client.get(f"/api/v1/documents/{doc_id + 1000}", headers=world["stranger"]).status_code == 404  # type: ignore[arg-type]
    refused = _post(client, world["stranger"], "need", world["internal"], samples.pdf(), name="x.pdf")
    assert refused.status_code == 404
    # Reading a public record is not writing it.
    assert (
        _post(
            client, world["stranger"], "achievement", world["public"], samples.pdf(), name="x.pdf"
        ).status_code
        == 404
    )
    # Anonymous callers must log in first (401 says nothing about the record).
    assert _post(client, {}, "achievement", world["public"], samples.pdf(), name="x.pdf").status_code == 401


@pytest.mark.parametrize(
    ("data", "status", "code", "words"),
    [
        (samples.exe(), 415, "storage.type_refused", ["setup.pdf", "portable-executable", "accepted: pdf"]),
        (samples.html(), 415, "storage.type_refused", ["setup.pdf", "text/html"]),
        (samples.docm(), 415, "storage.type_refused", ["Office document with macros"]),
        (b"", 422, "storage.empty", ["setup.pdf is empty"]),
    ],
)
def test_refusals_name_the_file_and_what_was_refused(
    client: TestClient, world: dict[str, object], data: bytes, status: int, code: str, words: list[str]
) -> None:
    r = _post(client, {**world["owner"], **EN}, "achievement", world["public"], data, name="setup.pdf")  # type: ignore[dict-item]
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == code
    for word in words:
        assert word in r.json()["title"]
    zh = _post(client, world["owner"], "achievement", world["public"], data, name="setup.pdf")
    assert "「setup.pdf」" in zh.json()["title"]  # the same refusal in Chinese


def test_too_large_is_refused_early_and_when_streamed(
    client: TestClient, ctx: Context, world: dict[str, object]
) -> None:
    ctx.settings.upload_max_bytes = 50_000
    staging = storage_for(ctx).store.staging_dir
    # Declared too large: refused before the body is read.
    r = _post(
        client,
        {**world["owner"], **EN},
        "achievement",
        world["public"],
        b"%PDF-" + b"0" * 60_000,
        name="大.pdf",
    )  # type: ignore[dict-item]
    assert r.status_code == 413
    assert r.json()["title"] == "大.pdf is larger than the 50 KB limit and was refused"

    sent = 0

    def chunked() -> Iterator[bytes]:  # no Content-Length: only counting stops it
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b"%PDF-" + b"0" * 9_995

    r = _post(client, world["owner"], "achievement", world["public"], chunked(), name="大.pdf")
    assert r.status_code == 413
    assert "50 KB" in r.json()["title"]
    assert list(staging.glob("*")) == []
    assert client.get(f"/api/v1/records/achievement/{world['public']}/documents").json() == []


def test_a_multipart_form_is_refused_with_a_hint(client: TestClient, world: dict[str, object]) -> None:
    r = client.post(
        f"/api/v1/records/achievement/{world['public']}/documents",
        params={"name": "a.pdf"},
        files={"file": ("a.pdf", samples.pdf(), "application/pdf")},
        headers={**world["owner"], **EN},  # type: ignore[dict-item]
    )
    assert r.status_code == 415
    assert r.json()["code"] == "storage.raw_body_needed"


def _documents_partial(docs: list[StoredFileOut], *, can_upload: bool, lang: Lang = "zh") -> str:
    template = environment().from_string(
        '{% from "_documents.html" import documents with context %}'
        '{{ documents("achievement", 7, docs, can_upload=can_upload) }}'
    )
    return template.render(
        _=lambda key, **params: t(key, lang, **params), csrf_token="tok", docs=docs, can_upload=can_upload
    )


def test_the_documents_partial_lists_links_and_offers_upload_to_writers(
    client: TestClient, world: dict[str, object]
) -> None:
    r = _post(
        client,
        world["owner"],
        "achievement",
        world["public"],
        samples.pdf(),
        name="<img src=x onerror=alert(1)>合同.pdf",
    )
    assert r.status_code == 201, r.text
    mine = [
        StoredFileOut.model_validate(d)
        for d in client.get(
            f"/api/v1/records/achievement/{world['public']}/documents",
            headers=world["owner"],  # type: ignore[arg-type]
        ).json()
    ]
    html = _documents_partial(mine, can_upload=True)
    assert f'href="/api/v1/documents/{mine[0].id}/content"' in html
    assert "&lt;img src=x onerror=alert(1)&gt;合同.pdf" in html and "<img" not in html  # escaped
    assert f'data-remove-document="/api/v1/documents/{mine[0].id}"' in html
    assert "data-upload-document" in html and 'src="/static/documents.js"' in html
    assert client.get("/static/documents.js").status_code == 200

    theirs = [d.model_copy(update={"allowed_actions": ["download"]}) for d in mine]
    html = _documents_partial(theirs, can_upload=False, lang="en")
    assert "data-remove-document" not in html and "data-upload-document" not in html
    assert "Documents" in html and "evidence" not in html and "other" in html
    assert "No documents yet" in _documents_partial([], can_upload=False, lang="en")


def test_a_real_server_stops_reading_an_endless_upload_at_the_limit(
    ctx: Context, world: dict[str, object]
) -> None:
    """Over a socket to uvicorn (the test client buffers whole bodies): a chunked upload that would never
    end is answered 413 once the limit is passed, and the server stops taking its bytes."""
    ctx.settings.upload_max_bytes = 1_000_000
    with _served(ctx) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        auth = world["owner"]["Authorization"]  # type: ignore[index]
        head = (
            f"POST /api/v1/records/achievement/{world['public']}/documents?name=big.pdf HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: {auth}\r\nContent-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        )
        conn.sendall(head.encode())
        chunk = b"%x\r\n%s\r\n" % (65536, b"%PDF-" + b"0" * (65536 - 5))
        sent, answer = 0, b""
        while sent < 500_000_000:  # 500 MB if nobody stops it
            if select.select([conn], [], [], 0)[0]:
                answer = conn.recv(65536)
                break
            try:
                conn.sendall(chunk)
            except OSError:  # the server closed the connection: read what it said
                break
            sent += len(chunk)
        answer = answer or conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 50_000_000, f"the server took {sent} bytes before refusing"
    assert list(storage_for(ctx).store.staging_dir.glob("*")) == []


@contextmanager
def _served(ctx: Context) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(ctx), host="127.0.0.1", port=port, lifespan="off", ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def test_the_openapi_document_describes_upload_refusals(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    upload = paths["/api/v1/records/{entity}/{entity_id}/documents"]["post"]
    assert "application/octet-stream" in upload["requestBody"]["content"]
    for status in ("401", "404", "413", "415", "422"):
        assert "application/problem+json" in upload["responses"][status]["content"], status
