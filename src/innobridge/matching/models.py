"""Matching tables: introductions (对接) of a need to a candidate, moved through rules.ACTIONS."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innobridge.core.models import Base, utcnow
from innobridge.registry.models import Need


class CandidateKind(enum.StrEnum):
    """What a need can be introduced to (the search document kinds of the same name)."""

    achievement = "achievement"
    person = "person"
    organisation = "organisation"
    instrument = "instrument"


class IntroState(enum.StrEnum):
    suggested = "suggested"  # proposed by matching or a manager; nobody contacted yet
    contacted = "contacted"  # both sides agreed to talk (the "accepted" of the matching rate)
    negotiating = "negotiating"
    signed = "signed"  # a contract was signed
    declined = "declined"  # a side said no
    withdrawn = "withdrawn"  # the need's side or the manager dropped it


def _enum(e: type[enum.Enum]) -> Enum:
    return Enum(e, native_enum=False, length=32, validate_strings=True)


class Introduction(Base):
    """need ↔ candidate. `state` changes only through the workflow (rules.WORKFLOW), never an update field."""

    __tablename__ = "introductions"
    __table_args__ = (UniqueConstraint("need_id", "candidate_kind", "candidate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    candidate_kind: Mapped[CandidateKind] = mapped_column(_enum(CandidateKind))
    candidate_id: Mapped[int] = mapped_column(Integer)
    # Organisation owning the candidate at suggestion time (the organisation itself for institutions).
    candidate_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[IntroState] = mapped_column(_enum(IntroState), default=IntroState.suggested, index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))  # "matching" or "manual"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When each stage was first reached (the matching-rate funnel reads these).
    contacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    negotiating_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optimistic concurrency: every move bumps it; a move made on a stale version is refused (409).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    need: Mapped[Need] = relationship(Need, lazy="joined", innerjoin=True)

    @property
    def need_org_id(self) -> int | None:
        """The organisation that posted the need (the need's side of the introduction)."""
        return self.need.organisation_id

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}
