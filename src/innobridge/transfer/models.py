"""Transfer tables: technology contracts (技术合同) and their registration (认定登记)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from innobridge.core.models import Base, utcnow


class ContractType(enum.StrEnum):
    development = "development"  # 技术开发
    transfer = "transfer"  # 技术转让
    licence = "licence"  # 技术许可
    consultancy = "consultancy"  # 技术咨询
    service = "service"  # 技术服务 (intermediation and training included)


class ContractState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"  # waiting in the registration queue
    registered = "registered"
    returned = "returned"  # sent back for correction; the parties edit and submit again
    refused = "refused"


def _enum(e: type[enum.Enum]) -> Enum:
    return Enum(e, native_enum=False, length=32, validate_strings=True)


# Money in yuan with fen; 16 digits before the point is far above any contract.
MONEY = Numeric(18, 2)


class Contract(Base):
    """A technology contract between a buyer and a seller. Each party is a registry organisation (its id;
    name, credit code and region are copied at save time) or a name with credit code, region and country.
    `state` changes only through the workflow (service/contracts.WORKFLOW)."""

    __tablename__ = "contracts"
    # The registration queue: submitted contracts, oldest first.
    __table_args__ = (Index("ix_contracts_queue", "state", "submitted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_type: Mapped[ContractType] = mapped_column(_enum(ContractType), index=True)
    project_name: Mapped[str] = mapped_column(String(300))
    buyer_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    buyer_name: Mapped[str] = mapped_column(String(300))
    buyer_credit_code: Mapped[str | None] = mapped_column(String(18))
    buyer_region_code: Mapped[str | None] = mapped_column(String(6))
    buyer_country_code: Mapped[str] = mapped_column(String(2), default="CN")
    seller_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    seller_name: Mapped[str] = mapped_column(String(300))
    seller_credit_code: Mapped[str | None] = mapped_column(String(18))
    seller_region_code: Mapped[str | None] = mapped_column(String(6))
    seller_country_code: Mapped[str] = mapped_column(String(2), default="CN")
    signed_on: Mapped[date] = mapped_column(Date, index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    total_amount: Mapped[Decimal] = mapped_column(MONEY)  # 技术合同成交额 (yuan)
    equipment_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))  # purchased equipment etc.
    technology_amount: Mapped[Decimal] = mapped_column(MONEY)  # 技术交易额: computed (rules), never typed in
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    achievement_id: Mapped[int | None] = mapped_column(
        ForeignKey("achievements.id", ondelete="SET NULL"), index=True
    )
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[ContractState] = mapped_column(
        _enum(ContractState), default=ContractState.draft, index=True
    )
    registration_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    registered_on: Mapped[date | None] = mapped_column(Date, index=True)
    registration_region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Lists read newest change first (indexed: the officers' list pages through every contract).
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )
    # When each stage was reached (the funnel and the queue read these).
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optimistic concurrency: every change bumps it; a change made on a stale version is refused (409).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}
