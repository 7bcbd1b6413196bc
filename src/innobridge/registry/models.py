"""Registry tables: the resource data hub's records (CERIF-inspired; labels are bilingual elsewhere)."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from innobridge.core.models import Base, RecordMixin


def _enum(e: type[enum.Enum]) -> Enum:
    return Enum(e, native_enum=False, length=32, validate_strings=True)


class OrgKind(enum.StrEnum):
    university = "university"
    research_institute = "research_institute"
    key_lab = "key_lab"
    new_rd_institute = "new_rd_institute"
    enterprise = "enterprise"
    hospital = "hospital"
    incubator = "incubator"
    service_provider = "service_provider"
    government = "government"
    other = "other"


class AchievementKind(enum.StrEnum):
    patent = "patent"
    paper = "paper"
    technology = "technology"
    software = "software"
    standard = "standard"
    new_variety = "new_variety"
    other = "other"


class InstrumentStatus(enum.StrEnum):
    in_service = "in_service"
    maintenance = "maintenance"
    retired = "retired"


class ProjectStatus(enum.StrEnum):
    planned = "planned"
    ongoing = "ongoing"
    completed = "completed"
    terminated = "terminated"


class NeedStatus(enum.StrEnum):
    open = "open"
    matched = "matched"
    closed = "closed"


class Keyed:
    """Natural key (see rules.natural_key) that makes imports idempotent; unique per table."""

    key: Mapped[str] = mapped_column(String(300), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(100))


class Organisation(Keyed, RecordMixin, Base):
    __tablename__ = "organisations"

    name_zh: Mapped[str] = mapped_column(String(300), index=True)
    name_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    moe_code: Mapped[str | None] = mapped_column(String(10))
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    high_tech: Mapped[bool] = mapped_column(Boolean, default=False)
    foreign_rd: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))

    @property
    def owner_org_id(self) -> int:
        return self.id


class Owned:
    """Records that belong to an organisation (their owner for permissions)."""

    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )

    @property
    def owner_org_id(self) -> int | None:
        return self.organisation_id


class Person(Owned, Keyed, RecordMixin, Base):
    __tablename__ = "people"

    name_zh: Mapped[str] = mapped_column(String(100), index=True)
    name_en: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    profile: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    orcid: Mapped[str | None] = mapped_column(String(19))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Affiliation(Base):
    """A person's role at an organisation over a period (history; Person.organisation_id is the current)."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(100))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)


class Instrument(Owned, Keyed, RecordMixin, Base):
    __tablename__ = "instruments"

    name_zh: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    model: Mapped[str | None] = mapped_column(String(200))
    maker: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    asset_no: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(300))
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    original_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # yuan
    status: Mapped[InstrumentStatus] = mapped_column(
        _enum(InstrumentStatus), default=InstrumentStatus.in_service
    )
    sharing_terms: Mapped[str | None] = mapped_column(Text)
    fee: Mapped[str | None] = mapped_column(String(200))
    bookable: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)


class Project(Owned, Keyed, RecordMixin, Base):
    __tablename__ = "projects"

    title: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    approval_no: Mapped[str | None] = mapped_column(String(100))
    programme: Mapped[str | None] = mapped_column(String(200))
    funder: Mapped[str | None] = mapped_column(String(200))
    pi_name: Mapped[str | None] = mapped_column(String(100))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # 万元
    start_year: Mapped[int | None] = mapped_column(Integer, index=True)
    end_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ProjectStatus] = mapped_column(_enum(ProjectStatus), default=ProjectStatus.ongoing)
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    abstract: Mapped[str | None] = mapped_column(Text)


class Achievement(Owned, Keyed, RecordMixin, Base):
    __tablename__ = "achievements"

    kind: Mapped[AchievementKind] = mapped_column(_enum(AchievementKind), index=True)
    title: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    abstract: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    owners: Mapped[str | None] = mapped_column(String(500))
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    ipc_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    trl: Mapped[int | None] = mapped_column(Integer)
    ip_number: Mapped[str | None] = mapped_column(String(100))
    doi: Mapped[str | None] = mapped_column(String(200))
    ip_status: Mapped[str | None] = mapped_column(String(50))
    transfer_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    asking_price: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # 万元
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)


class Need(Owned, Keyed, RecordMixin, Base):
    """An enterprise's technology need (技术需求). Status moves only through the matching workflow."""

    __tablename__ = "needs"

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # 万元
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    deadline: Mapped[date | None] = mapped_column(Date)
    cooperation_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    status: Mapped[NeedStatus] = mapped_column(_enum(NeedStatus), default=NeedStatus.open, index=True)


class Dataset(Owned, Keyed, RecordMixin, Base):
    __tablename__ = "datasets"

    title: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))
    format: Mapped[str | None] = mapped_column(String(50))
    doi: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)


class Code(Base):
    """An entry of a code list: discipline (GB/T 13745), industry (GB/T 4754), region (GB/T 2260), ipc."""

    __tablename__ = "codes"

    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    parent: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
