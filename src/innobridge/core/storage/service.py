"""Documents attached to records: upload, list, open, remove.

Who may is asked of core/policy.py (`may_read_record` / `may_write_record`); a record the actor may not
read — or, for changes, not write — answers NotFound, so its existence is never revealed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.errors import AppError, Forbidden, NotFound
from innobridge.core.models import utcnow
from innobridge.core.policy import PLATFORM_ADMIN, may_read_record, may_write_record
from innobridge.core.principal import Principal
from innobridge.core.storage import messages as _messages  # noqa: F401 - registers the zh/en texts
from innobridge.core.storage.backends import FileStore, store_from_url
from innobridge.core.storage.checks import KINDS, detect
from innobridge.core.storage.models import StoredFile
from innobridge.core.storage.names import display_name, with_extension
from innobridge.core.storage.schemas import PruneOut, RecordRef, StoredFileOut, UploadIn
from innobridge.core.storage.spool import Spool, Spooled, remove_stale
from innobridge.core.unit_of_work import UnitOfWork

log = logging.getLogger("innobridge.storage")


class TypeRefused(AppError):
    status = 415
    code = "storage.type_refused"


class BlobMissing(AppError):
    status = 500
    code = "storage.blob_missing"


@dataclass(frozen=True)
class Storage:
    """The configured store and the upload rules (one per process: `storage_for(ctx)`)."""

    store: FileStore
    max_bytes: int
    allowed: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> Storage:
        store = store_from_url(settings.storage_url, data_dir=settings.data_dir)
        remove_stale(store.staging_dir)
        return cls(store, settings.upload_max_bytes, tuple(settings.upload_allowed_types))

    def spool(self, name: str) -> Spool:
        """A staging file for one upload, refusing (TooLarge) as soon as max_bytes is passed."""
        return Spool(self.store.staging_dir, self.max_bytes, name=display_name(name))


def storage_for(ctx: Context) -> Storage:
    storage = ctx.services.get("storage")
    if not isinstance(storage, Storage):
        storage = ctx.services["storage"] = Storage.from_settings(ctx.settings)
    return storage


def require_writable(session: Session, *, actor: Principal, record: RecordRef) -> None:
    """NotFound unless `actor` may change `record` (asked before an upload's bytes are read)."""
    if not may_write_record(session, actor=actor, entity=record.entity, entity_id=record.entity_id):
        raise NotFound()


def upload_document(
    uow: UnitOfWork, *, actor: Principal, storage: Storage, data: UploadIn, upload: Spooled
) -> StoredFileOut:
    """Check the staged upload's content, store it by hash, attach it to the record, audit it."""
    try:
        require_writable(uow.session, actor=actor, record=data)
        name = display_name(data.name)
        found = detect(upload.path)
        if found.kind is None or found.kind not in storage.allowed:
            raise TypeRefused(
                name=name,
                detected=found.label if found.kind is None else KINDS[found.kind].content_type,
                allowed=", ".join(storage.allowed),
            )
        kind = KINDS[found.kind]
        storage.store.put(upload)  # a blob with no row (the commit failing) is harmless: same hash, reused
    finally:
        upload.discard()  # gone already when the store took it
    row = StoredFile(
        entity=data.entity,
        entity_id=data.entity_id,
        kind=data.kind.value,
        name=with_extension(name, kind.extensions),
        size=upload.size,
        content_type=kind.content_type,
        sha256=upload.sha256,
        uploaded_by_id=actor.user_id,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.audit(
        actor=actor,
        action="file.upload",
        entity=data.entity,
        entity_id=data.entity_id,
        changes=_summary(row),
    )
    return _out(row, writable=True)


def list_documents(session: Session, *, actor: Principal, record: RecordRef) -> list[StoredFileOut]:
    if not may_read_record(session, actor=actor, entity=record.entity, entity_id=record.entity_id):
        raise NotFound()
    writable = may_write_record(session, actor=actor, entity=record.entity, entity_id=record.entity_id)
    rows = session.scalars(
        select(StoredFile)
        .where(StoredFile.entity == record.entity, StoredFile.entity_id == record.entity_id)
        .order_by(StoredFile.uploaded_at, StoredFile.id)
    )
    return [_out(row, writable=writable) for row in rows]


def get_document(session: Session, *, actor: Principal, file_id: int) -> StoredFileOut:
    row = _readable(session, actor, file_id)
    writable = may_write_record(session, actor=actor, entity=row.entity, entity_id=row.entity_id)
    return _out(row, writable=writable)


def open_document(
    session: Session, *, actor: Principal, storage: Storage, file_id: int
) -> tuple[StoredFileOut, Iterator[bytes]]:
    """The document's description and its bytes in chunks, for a reader of its record."""
    row = _readable(session, actor, file_id)
    try:
        chunks = storage.store.open(row.sha256)
    except FileNotFoundError:
        log.error("stored file %s: blob %s missing from %s", row.id, row.sha256, storage.store.describe())
        raise BlobMissing() from None
    return _out(row, writable=False), chunks


def remove_document(uow: UnitOfWork, *, actor: Principal, file_id: int) -> None:
    """Detach a document from its record. The blob stays (other documents may share it): `prune_blobs`."""
    row = uow.session.get(StoredFile, file_id)
    if row is None or not may_write_record(
        uow.session, actor=actor, entity=row.entity, entity_id=row.entity_id
    ):
        raise NotFound()
    summary = _summary(row)
    uow.session.delete(row)
    uow.audit(actor=actor, action="file.remove", entity=row.entity, entity_id=row.entity_id, changes=summary)


def prune_blobs(
    session: Session, *, actor: Principal, storage: Storage, older_than: timedelta = timedelta(days=1)
) -> PruneOut:
    """Delete blobs that no document refers to and that were not written or reused within `older_than`
    (platform admins and the platform itself). The grace period protects an upload that is reusing a
    blob but has not committed its row yet: reusing renews the blob's time (backends.py), and each
    blob's time is read again just before it is deleted."""
    if not PLATFORM_ADMIN(actor):
        raise Forbidden()
    cutoff = utcnow() - older_than
    listed = list(storage.store.blobs())
    old = [sha for sha, modified in listed if modified < cutoff]
    referenced: set[str] = set()
    for start in range(0, len(old), 500):  # bounded IN lists
        batch = old[start : start + 500]
        referenced.update(session.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(batch))))
    removed = 0
    for sha in old:
        if sha in referenced:
            continue
        modified = storage.store.modified(sha)
        if modified is None or modified >= cutoff:  # gone already, or reused since it was listed
            continue
        storage.store.delete(sha)
        removed += 1
    log.info("pruned %d of %d blobs from %s", removed, len(listed), storage.store.describe())
    return PruneOut(removed=removed, kept=len(listed) - removed)


def _readable(session: Session, actor: Principal, file_id: int) -> StoredFile:
    row = session.get(StoredFile, file_id)
    if row is None or not may_read_record(session, actor=actor, entity=row.entity, entity_id=row.entity_id):
        raise NotFound()
    return row


def _summary(row: StoredFile) -> dict[str, object]:
    return {
        "file_id": row.id,
        "name": row.name,
        "kind": row.kind,
        "size": row.size,
        "content_type": row.content_type,
        "sha256": row.sha256,
    }


def _out(row: StoredFile, *, writable: bool) -> StoredFileOut:
    out = StoredFileOut.model_validate(row)
    out.allowed_actions = ["download", "remove"] if writable else ["download"]
    return out
