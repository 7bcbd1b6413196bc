"""The S3-compatible store against a real S3 API server running here (moto's standalone server over
HTTP): what this proves is that our adapter speaks the S3 protocol correctly through obstore — keys,
multipart uploads, streamed reads, existence checks — not how a particular cloud or MinIO behaves
under load, nor its permissions or durability."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from tests.conftest import make_user
from tests.integration.core import storage_samples as samples
from tests.integration.matching.factories import create

from innobridge.core.context import Context
from innobridge.core.principal import Principal
from innobridge.core.storage import service
from innobridge.core.storage.backends import S3Store, key_for, store_from_url
from innobridge.core.storage.schemas import UploadIn
from innobridge.core.storage.spool import spool
from innobridge.core.users import Role

BUCKET = "innobridge-docs"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = _client(endpoint)
    client.create_bucket(Bucket=BUCKET)
    client.close()  # no unclosed sockets left for the garbage collector to warn about
    yield endpoint
    server.stop()


@pytest.fixture
def storage(ctx: Context, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> service.Storage:
    # obstore reads the usual AWS_* variables, as it would in production; moto accepts any key.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    ctx.settings.storage_url = f"s3://{BUCKET}/{os.urandom(4).hex()}?endpoint={s3_endpoint}&region=us-east-1"
    storage = service.storage_for(ctx)
    assert isinstance(storage.store, S3Store)
    return storage


def _client(endpoint: str) -> Any:
    """A second, independent S3 client (boto3) to look into the bucket."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )


def _object(endpoint: str, storage: service.Storage, sha256: str) -> bytes:
    assert isinstance(storage.store, S3Store)
    client = _client(endpoint)
    try:
        found = client.get_object(Bucket=BUCKET, Key=f"{storage.store.prefix}/{key_for(sha256)}")
        with found["Body"] as body:
            return body.read()  # type: ignore[no-any-return]
    finally:
        client.close()


def test_upload_and_download_through_the_bucket(
    ctx: Context, storage: service.Storage, officer: Principal, s3_endpoint: str
) -> None:
    rec = create(ctx, "achievement", title="固态电池隔膜", kind="patent")
    data = samples.docx()
    staged = spool([data], staging_dir=storage.store.staging_dir, limit=storage.max_bytes)
    with ctx.uow() as uow:
        out = service.upload_document(
            uow,
            actor=officer,
            storage=storage,
            data=UploadIn(entity="achievement", entity_id=rec, name="合同.docx"),
            upload=staged,
        )
    assert _object(s3_endpoint, storage, out.sha256) == data  # in the bucket, by hash
    with ctx.session() as s:
        _, chunks = service.open_document(s, actor=officer, storage=storage, file_id=out.id)
        assert b"".join(chunks) == data
    assert list(storage.store.staging_dir.glob("*")) == []


def test_identical_content_is_put_once(storage: service.Storage) -> None:
    first = spool([samples.pdf()], staging_dir=storage.store.staging_dir, limit=storage.max_bytes)
    again = spool([samples.pdf()], staging_dir=storage.store.staging_dir, limit=storage.max_bytes)
    assert storage.store.put(first) is True
    assert storage.store.put(again) is False
    assert storage.store.exists(first.sha256)
    assert not first.path.exists() and not again.path.exists()


def test_a_large_file_goes_up_in_parts_and_streams_back_whole(storage: service.Storage) -> None:
    data = os.urandom(12 * 1024 * 1024)  # above obstore's 5 MB part size: a multipart upload
    staged = spool(
        (data[i : i + 65536] for i in range(0, len(data), 65536)),
        staging_dir=storage.store.staging_dir,
        limit=len(data),
    )
    assert storage.store.put(staged)
    digest = hashlib.sha256()
    pieces = 0
    for chunk in storage.store.open(staged.sha256):
        digest.update(chunk)
        pieces += 1
    assert digest.hexdigest() == staged.sha256 == hashlib.sha256(data).hexdigest()
    assert pieces > 1  # streamed, not read whole
    storage.store.delete(staged.sha256)
    assert not storage.store.exists(staged.sha256)
    with pytest.raises(FileNotFoundError):
        storage.store.open(staged.sha256)


def test_storage_urls_are_checked(tmp_path: object) -> None:
    from pathlib import Path

    data = Path(str(tmp_path))
    assert store_from_url("", data_dir=data).describe() == f"local directory {data / 'files'}"
    assert store_from_url("file:///srv/docs", data_dir=data).describe() == "local directory /srv/docs"
    for bad in ("s3://", "s3://b?endpoint=x&secret=y", "ftp://host/x"):
        with pytest.raises(ValueError):
            store_from_url(bad, data_dir=data)


def test_an_s3_url_without_the_s3_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    monkeypatch.setitem(sys.modules, "obstore.store", None)  # as if obstore were not installed
    with pytest.raises(RuntimeError, match=r"pip install 'innobridge\[s3\]'"):
        store_from_url("s3://bucket", data_dir=Path(str(tmp_path)))


def test_pruning_the_bucket_keeps_what_documents_refer_to(
    ctx: Context, storage: service.Storage, officer: Principal
) -> None:
    admin = make_user(ctx, role=Role.platform_admin)
    rec = create(ctx, "achievement", title="甲", kind="patent")
    staged = spool([samples.xlsx()], staging_dir=storage.store.staging_dir, limit=storage.max_bytes)
    with ctx.uow() as uow:
        doc = service.upload_document(
            uow,
            actor=officer,
            storage=storage,
            data=UploadIn(entity="achievement", entity_id=rec, name="表.xlsx"),
            upload=staged,
        )
    orphan = spool([samples.pdf()], staging_dir=storage.store.staging_dir, limit=storage.max_bytes)
    storage.store.put(orphan)  # stored, but no document refers to it
    with ctx.session() as s:
        out = service.prune_blobs(s, actor=admin, storage=storage, older_than=timedelta(0))
    assert (out.removed, out.kept) == (1, 1)
    assert storage.store.exists(doc.sha256) and not storage.store.exists(orphan.sha256)
