"""Pydantic in/out of stored documents."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from innobridge.core.timestamps import UtcDateTime


class DocumentKind(StrEnum):
    """What a document is for; labels are the `storage.kind.*` messages."""

    contract = "contract"
    evidence = "evidence"
    application = "application"
    report = "report"
    other = "other"


class RecordRef(BaseModel):
    """A record by the entity name core/policy.py registers it under and its id."""

    entity: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    entity_id: int = Field(ge=1, le=2**31 - 1)


class UploadIn(RecordRef):
    name: str = Field(min_length=1, max_length=1000, description="The file's name as the uploader has it.")
    kind: DocumentKind = DocumentKind.other


class StoredFileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    entity: str
    entity_id: int
    kind: str
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by_id: int | None
    uploaded_at: UtcDateTime  # with its offset, also from SQLite (RFC 3339)
    allowed_actions: list[str] = Field(
        default_factory=list, description="What the acting user may do with it: download, remove."
    )


class PruneOut(BaseModel):
    removed: int = Field(description="Blobs deleted: no document refers to them and they are old enough.")
    kept: int = Field(description="Blobs still referenced, or written or reused within the grace period.")
