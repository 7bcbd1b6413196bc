"""Pydantic input/output of technology contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from innobridge.core.security import StorableText
from innobridge.core.timestamps import UtcDateTime
from innobridge.core.workflow_views import ActionOut, TimelineEntry
from innobridge.transfer.models import ContractState, ContractType

_ID = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Yuan with fen; 16 digits before the point. Negative amounts are refused here (422 naming the field).
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


class _In(StorableText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyIn(_In):
    """A buyer or seller: a registry organisation (its id), or a name with credit code, region and country."""

    organisation_id: _ID | None = Field(
        None, description="A registry organisation; the rest is copied from it"
    )
    name: str | None = Field(None, min_length=1, max_length=300)
    credit_code: str | None = Field(
        None, min_length=18, max_length=18, description="统一社会信用代码 (GB 32100), required for CN parties"
    )
    region_code: str | None = Field(
        None, pattern=r"^[0-9]{6}$", description="GB/T 2260, required for CN parties"
    )
    country_code: str = Field("CN", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")

    @field_validator("credit_code", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.strip().upper() if isinstance(v, str) else v


class ContractIn(_In):
    contract_type: ContractType
    project_name: str = Field(min_length=1, max_length=300)
    buyer: PartyIn
    seller: PartyIn
    signed_on: date
    valid_from: date
    valid_until: date
    total_amount: Money = Field(description="技术合同成交额, yuan")
    equipment_amount: Money = Field(
        Decimal(0), description="Purchased equipment, instruments, parts, materials"
    )
    need_id: _ID | None = None
    achievement_id: _ID | None = None
    introduction_id: _ID | None = None


class ContractUpdateIn(ContractIn):
    version: _ID = Field(description="The version you saw; a stale one is refused with 409")


class ContractMoveIn(_In):
    version: _ID | None = Field(None, description="The version you saw; a stale one is refused with 409")
    reason: str | None = Field(None, max_length=2000)
    reason_code: str | None = Field(None, max_length=64, description="One of the action's reason codes")
    registration_number: str | None = Field(
        None, max_length=32, description="register only: the 16-digit registration number"
    )


class PartyOut(BaseModel):
    organisation_id: int | None = None
    name: str
    credit_code: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    country_code: str


HistoryOut = TimelineEntry  # one timeline shape for every workflow (core/workflow_views.py)


class LinkOut(BaseModel):
    id: int
    title: str | None = None  # None when the actor may not read the linked record


class ContractOut(BaseModel):
    id: int
    contract_type: ContractType
    type_label_zh: str
    type_label_en: str
    project_name: str
    buyer: PartyOut
    seller: PartyOut
    signed_on: date
    valid_from: date
    valid_until: date
    total_amount: Decimal
    equipment_amount: Decimal
    technology_amount: Decimal = Field(description="技术交易额 = total − equipment part (computed)")
    need: LinkOut | None = None
    achievement: LinkOut | None = None
    introduction: LinkOut | None = None
    state: ContractState
    state_label_zh: str
    state_label_en: str
    registration_number: str | None = None
    registered_on: date | None = None
    registration_region_code: str | None = None
    registration_region_name: str | None = None
    created_by_id: int | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    submitted_at: UtcDateTime | None = None
    registered_at: UtcDateTime | None = None
    version: int = Field(description="Send it back with a change: a stale version is refused (409)")
    allowed_actions: list[ActionOut] = Field(
        default_factory=list, description="Workflow moves the acting user may take now"
    )
    may_update: bool = False
    may_attach: bool = False
    history: list[HistoryOut] = Field(default_factory=list, description="What happened (single reads only)")


class ContractQuery(_In):
    state: ContractState | None = None
    contract_type: ContractType | None = None
    organisation_id: _ID | None = Field(None, description="Contracts this organisation is party to")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=200)


class ContractPage(BaseModel):
    items: list[ContractOut]
    total: int
    page: int
    page_size: int
    queue: int | None = Field(None, description="Contracts waiting for registration (officers only)")
