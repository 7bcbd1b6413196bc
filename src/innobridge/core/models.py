"""Declarative base and the columns every record carries."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Visibility(enum.StrEnum):
    """Open-data grade of a record: who may read it."""

    public = "public"  # everyone, anonymous included
    registered = "registered"  # any logged-in user
    internal = "internal"  # the owning organisation, managers and officers


class RecordMixin:
    """id, timestamps, author, visibility and provenance: on every registry record."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visibility: Mapped[Visibility] = mapped_column(
        Enum(Visibility, native_enum=False, length=16), default=Visibility.public, index=True
    )
    source: Mapped[str | None] = mapped_column(String(200))
