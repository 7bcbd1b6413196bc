"""The stored_files table: one row per document attached to a record (the bytes live in the store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from innobridge.core.models import Base, utcnow


class StoredFile(Base):
    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_record", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The record it belongs to, by the name core/policy.py registers it under (e.g. "achievement").
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # purpose: contract, evidence, application, …
    name: Mapped[str] = mapped_column(String(255))  # the uploader's file name, sanitised for display
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(127))  # recognised from the content
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # also the key in the store
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
