"""Stored documents through the service layer on the default store (a local directory): content checks,
content-hash names, one copy per content, audit events, and who may upload, list, download and remove."""

from __future__ import annotations

import itertools
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import make_user
from tests.integration.core import storage_samples as samples
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.errors import Forbidden, NotFound
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.storage import service
from innobridge.core.storage.backends import LocalStore
from innobridge.core.storage.checks import KINDS
from innobridge.core.storage.models import StoredFile
from innobridge.core.storage.schemas import DocumentKind, RecordRef, UploadIn
from innobridge.core.storage.service import Storage, TypeRefused
from innobridge.core.storage.spool import Empty, TooLarge, spool
from innobridge.core.users import Role


@pytest.fixture
def storage(ctx: Context) -> Storage:
    return service.storage_for(ctx)


def _upload(
    ctx: Context,
    storage: Storage,
    actor: Principal,
    data: bytes,
    *,
    entity: str = "achievement",
    entity_id: int,
    name: str = "文件.bin",
    kind: DocumentKind = DocumentKind.evidence,
) -> service.StoredFileOut:
    staged = spool([data], staging_dir=storage.store.staging_dir, limit=storage.max_bytes, name=name)
    with ctx.uow() as uow:
        return service.upload_document(
            uow,
            actor=actor,
            storage=storage,
            data=UploadIn(entity=entity, entity_id=entity_id, name=name, kind=kind),
            upload=staged,
        )


def _read(storage: Storage, ctx: Context, actor: Principal, file_id: int) -> bytes:
    with ctx.session() as s:
        _, chunks = service.open_document(s, actor=actor, storage=storage, file_id=file_id)
    return b"".join(chunks)


def _blobs(storage: Storage) -> list[Path]:
    assert isinstance(storage.store, LocalStore)
    return sorted(p for p in storage.store.root.rglob("*") if p.is_file() and ".staging" not in p.parts)


def _staged(storage: Storage) -> list[Path]:
    return list(storage.store.staging_dir.glob("*")) if storage.store.staging_dir.exists() else []


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_each_accepted_kind_is_stored_by_hash_with_its_checked_type(
    ctx: Context, storage: Storage, officer: Principal, kind: str
) -> None:
    rec = create(ctx, "achievement", title="固态电池隔膜", kind="patent")
    data = samples.SAMPLES[kind]()
    out = _upload(ctx, storage, officer, data, entity_id=rec, name=f"技术合同{KINDS[kind].extensions[0]}")
    assert out.content_type == KINDS[kind].content_type
    assert out.name == f"技术合同{KINDS[kind].extensions[0]}"
    assert out.size == len(data)
    [blob] = _blobs(storage)
    assert (
        blob.relative_to(storage.store.root).as_posix() == f"{out.sha256[:2]}/{out.sha256[2:4]}/{out.sha256}"
    )
    assert blob.read_bytes() == data
    assert not stat.S_IMODE(blob.stat().st_mode) & 0o222  # written once, never changed in place
    assert _staged(storage) == []
    assert _read(storage, ctx, officer, out.id) == data


def test_the_name_gets_the_extension_of_what_the_content_is(
    ctx: Context, storage: Storage, officer: Principal
) -> None:
    rec = create(ctx, "achievement", title="甲", kind="patent")
    out = _upload(ctx, storage, officer, samples.pdf(), entity_id=rec, name="../../etc/scan.png")
    assert out.name == "scan.png.pdf"
    assert out.content_type == "application/pdf"


def test_identical_content_is_stored_once(ctx: Context, storage: Storage, officer: Principal) -> None:
    a = create(ctx, "achievement", title="甲", kind="patent")
    b = create(ctx, "need", title="乙")
    first = _upload(ctx, storage, officer, samples.pdf(), entity_id=a, name="a.pdf")
    second = _upload(ctx, storage, officer, samples.pdf(), entity="need", entity_id=b, name="b.pdf")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len(_blobs(storage)) == 1
    assert _staged(storage) == []


@pytest.mark.parametrize(
    ("make", "detected"),
    [
        (samples.exe, "application/vnd.microsoft.portable-executable"),
        (samples.html, "text/html"),
        (samples.plain_zip, "application/zip"),
        (samples.docm, "Office document with macros"),
        (lambda: "技术合同".encode("gbk"), "application/octet-stream"),  # text, but not UTF-8
        (lambda: "合同\x1b[31m 红字".encode(), "application/octet-stream"),  # UTF-8 with control codes
        (lambda: b"\x00\x01\x02binary\x00", "application/octet-stream"),
        (lambda: b"PK\x03\x04 truncated", "application/zip (damaged)"),
    ],
)
def test_content_outside_the_allow_list_is_refused_by_what_it_is(
    ctx: Context, storage: Storage, officer: Principal, make: object, detected: str
) -> None:
    rec = create(ctx, "achievement", title="甲", kind="patent")
    with pytest.raises(TypeRefused) as refused:
        _upload(ctx, storage, officer, make(), entity_id=rec, name="合同.pdf")  # type: ignore[operator]
    assert refused.value.params["detected"] == detected
    assert refused.value.params["name"] == "合同.pdf"
    assert _blobs(storage) == [] and _staged(storage) == []
    with ctx.session() as s:
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_the_allow_list_comes_from_the_settings(ctx: Context, officer: Principal) -> None:
    ctx.settings.upload_allowed_types = ("pdf",)
    storage = Storage.from_settings(ctx.settings)
    rec = create(ctx, "achievement", title="甲", kind="patent")
    with pytest.raises(TypeRefused) as refused:
        _upload(ctx, storage, officer, samples.png(), entity_id=rec, name="x.png")
    assert refused.value.params == {"name": "x.png", "detected": "image/png", "allowed": "pdf"}
    assert _upload(ctx, storage, officer, samples.pdf(), entity_id=rec, name="x.pdf").size > 0


def test_spooling_stops_at_the_limit_and_leaves_nothing(storage: Storage) -> None:
    consumed = itertools.count()

    def endless() -> Iterator[bytes]:  # an upload that never ends: only the limit stops it
        while True:
            next(consumed)
            yield b"x" * 1000

    with pytest.raises(TooLarge) as refused:
        spool(endless(), staging_dir=storage.store.staging_dir, limit=10_000, name="大文件.pdf")
    assert next(consumed) == 11  # ten chunks fit, the eleventh passed the limit, none was read after it
    assert refused.value.params == {"name": "大文件.pdf", "limit": "10 KB"}
    assert _staged(storage) == []


def test_exactly_the_limit_is_accepted(storage: Storage) -> None:
    staged = spool([b"a" * 600, b"b" * 400], staging_dir=storage.store.staging_dir, limit=1000)
    assert staged.size == 1000
    staged.discard()


def test_an_empty_file_is_refused(storage: Storage) -> None:
    with pytest.raises(Empty) as refused:
        spool([b""], staging_dir=storage.store.staging_dir, limit=1000, name="空.pdf")
    assert refused.value.params == {"name": "空.pdf"}
    assert _staged(storage) == []


def test_upload_and_removal_are_audited_and_removal_keeps_the_shared_blob(
    ctx: Context, storage: Storage, officer: Principal
) -> None:
    rec = create(ctx, "achievement", title="甲", kind="patent")
    out = _upload(ctx, storage, officer, samples.text(), entity_id=rec, name="说明.txt")
    with ctx.uow() as uow:
        service.remove_document(uow, actor=officer, file_id=out.id)
    with ctx.session() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action.like("file.%")).order_by(AuditEvent.id)
        ).all()
        assert s.get(StoredFile, out.id) is None
    assert [(e.action, e.entity, e.entity_id, e.actor_id) for e in events] == [
        ("file.upload", "achievement", rec, officer.user_id),
        ("file.remove", "achievement", rec, officer.user_id),
    ]
    assert events[0].changes is not None and events[0].changes["sha256"] == out.sha256
    assert events[1].changes is not None and events[1].changes["name"] == "说明.txt"
    assert len(_blobs(storage)) == 1


def _world(ctx: Context) -> dict[str, object]:
    org_a = org(ctx, "甲大学")
    return {
        "owner": member_of(ctx, org_a),
        "stranger": member_of(ctx, org(ctx, "乙公司", kind="enterprise")),
        "public": create(ctx, "achievement", title="公开成果", kind="patent", organisation_id=org_a),
        "internal": create(
            ctx, "achievement", title="内部成果", kind="patent", organisation_id=org_a, visibility="internal"
        ),
    }


def test_owners_upload_readers_list_and_download_others_are_told_not_found(
    ctx: Context, storage: Storage
) -> None:
    w = _world(ctx)
    owner, stranger = w["owner"], w["stranger"]
    assert isinstance(owner, Principal) and isinstance(stranger, Principal)
    public, internal = int(w["public"]), int(w["internal"])  # type: ignore[call-overload]
    manager = member_of(ctx, org(ctx, "丙中心"), role=Role.tech_manager)
    on_public = _upload(ctx, storage, owner, samples.pdf(), entity_id=public, name="公开.pdf")
    on_internal = _upload(ctx, storage, owner, samples.png(), entity_id=internal, name="内部.png")

    # Readers of the record list and download; only writers see "remove".
    for reader in (ANONYMOUS, stranger):
        with ctx.session() as s:
            listed = service.list_documents(
                s, actor=reader, record=RecordRef(entity="achievement", entity_id=public)
            )
        assert [(d.id, d.allowed_actions) for d in listed] == [(on_public.id, ["download"])]
        assert _read(storage, ctx, reader, on_public.id) == samples.pdf()
    with ctx.session() as s:
        mine = service.list_documents(
            s, actor=owner, record=RecordRef(entity="achievement", entity_id=public)
        )
    assert mine[0].allowed_actions == ["download", "remove"]
    assert _read(storage, ctx, manager, on_internal.id) == samples.png()  # managers read internal records

    # Those who may not read the record learn nothing: not the list, not the file, not that it exists.
    for outsider in (ANONYMOUS, stranger):
        with ctx.session() as s, pytest.raises(NotFound):
            service.list_documents(
                s, actor=outsider, record=RecordRef(entity="achievement", entity_id=internal)
            )
        with ctx.session() as s, pytest.raises(NotFound):
            service.open_document(s, actor=outsider, storage=storage, file_id=on_internal.id)
        with ctx.session() as s, pytest.raises(NotFound):
            service.get_document(s, actor=outsider, file_id=on_internal.id)

    # Readers who may not write can neither add nor remove.
    for reader in (stranger, manager):
        with pytest.raises(NotFound):
            _upload(ctx, storage, reader, samples.pdf(), entity_id=public, name="x.pdf")
        with pytest.raises(NotFound), ctx.uow() as uow:
            service.remove_document(uow, actor=reader, file_id=on_public.id)
    assert _staged(storage) == []

    # Unknown entities and ids are the same "not found".
    for entity, entity_id in (("achievement", 999_999), ("no_such_entity", public)):
        with pytest.raises(NotFound):
            _upload(ctx, storage, owner, samples.pdf(), entity=entity, entity_id=entity_id, name="x.pdf")
        with ctx.session() as s, pytest.raises(NotFound):
            service.list_documents(s, actor=owner, record=RecordRef(entity=entity, entity_id=entity_id))

    with ctx.uow() as uow:
        service.remove_document(uow, actor=owner, file_id=on_internal.id)
    with ctx.session() as s, pytest.raises(NotFound):
        service.get_document(s, actor=owner, file_id=on_internal.id)


def test_a_missing_blob_is_reported_not_streamed_as_empty(
    ctx: Context, storage: Storage, officer: Principal
) -> None:
    rec = create(ctx, "achievement", title="甲", kind="patent")
    out = _upload(ctx, storage, officer, samples.pdf(), entity_id=rec, name="a.pdf")
    for blob in _blobs(storage):
        blob.unlink()
    with ctx.session() as s, pytest.raises(service.BlobMissing):
        service.open_document(s, actor=officer, storage=storage, file_id=out.id)


def test_staging_files_left_by_a_crash_are_swept_when_the_store_opens(ctx: Context) -> None:
    staging = service.storage_for(ctx).store.staging_dir
    staging.mkdir(parents=True, exist_ok=True)
    old, fresh = staging / "upload-old.part", staging / "upload-fresh.part"
    old.write_bytes(b"half an upload")
    fresh.write_bytes(b"an upload in progress")
    os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
    Storage.from_settings(ctx.settings)
    assert not old.exists() and fresh.exists()


def test_the_types_settings_accept_are_the_types_the_checks_know() -> None:
    from typing import get_args

    from innobridge.core.config import Settings

    annotation = Settings.model_fields["upload_allowed_types"].annotation
    (literal, _ellipsis) = get_args(annotation)
    assert set(get_args(literal)) == set(KINDS) == set(Settings.model_fields["upload_allowed_types"].default)


def test_pruning_deletes_old_blobs_no_document_refers_to(
    ctx: Context, storage: Storage, officer: Principal
) -> None:
    admin = make_user(ctx, role=Role.platform_admin)
    rec = create(ctx, "achievement", title="甲", kind="patent")
    kept = _upload(ctx, storage, officer, samples.pdf(), entity_id=rec, name="留.pdf")
    gone = _upload(ctx, storage, officer, samples.png(), entity_id=rec, name="删.png")
    reused = _upload(ctx, storage, officer, samples.text(), entity_id=rec, name="再用.txt")
    with ctx.uow() as uow:
        service.remove_document(uow, actor=officer, file_id=gone.id)
        service.remove_document(uow, actor=officer, file_id=reused.id)
    two_days_ago = time.time() - 2 * 24 * 3600
    for blob in _blobs(storage):
        os.utime(blob, (two_days_ago, two_days_ago))
    # An upload of the same text is under way (its row not committed yet): storing it renews the blob.
    assert (
        storage.store.put(spool([samples.text()], staging_dir=storage.store.staging_dir, limit=10**6))
        is False
    )

    with ctx.session() as s:
        for not_allowed in (officer, make_user(ctx)):
            with pytest.raises(Forbidden):
                service.prune_blobs(s, actor=not_allowed, storage=storage)
        out = service.prune_blobs(s, actor=admin, storage=storage)
    assert (out.removed, out.kept) == (1, 2)
    assert {b.name for b in _blobs(storage)} == {kept.sha256, reused.sha256}
    assert _read(storage, ctx, officer, kept.id) == samples.pdf()
