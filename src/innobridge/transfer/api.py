"""JSON API of technology contracts (thin routes). Documents attach through the generic files API:
`/api/v1/records/contract/{id}/documents` (docs/files.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query
from sqlalchemy.orm import Session

from innobridge.core.http import get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.transfer import service
from innobridge.transfer.models import ContractState, ContractType
from innobridge.transfer.schemas import (
    ContractIn,
    ContractMoveIn,
    ContractOut,
    ContractPage,
    ContractQuery,
    ContractUpdateIn,
)

router = APIRouter(prefix="/api/v1", tags=["Transfer · 技术合同"])


# FastAPI binds a parameter object to the first name it is used under: one fresh object per use.
def _id() -> Any:
    return Path(ge=1, le=2**31 - 1)


@router.get("/contracts", response_model=ContractPage)
def list_contracts(
    state: ContractState | None = Query(None, description="`submitted` is the registration queue"),
    contract_type: ContractType | None = Query(None),
    organisation_id: int | None = Query(None, ge=1, le=2**31 - 1, description="Contracts it is party to"),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=200),
    session: Session = Depends(get_session),
    actor: Principal = Depends(require_user),
) -> ContractPage:
    query = ContractQuery(
        state=state,
        contract_type=contract_type,
        organisation_id=organisation_id,
        page=page,
        page_size=page_size,
    )
    return service.list_contracts(session, actor=actor, query=query)


@router.post("/contracts", response_model=ContractOut, status_code=201)
def create_contract(
    data: ContractIn, uow: UnitOfWork = Depends(get_uow), actor: Principal = Depends(require_user)
) -> ContractOut:
    with uow:
        return service.create_contract(uow, actor=actor, data=data)


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(
    contract_id: int = _id(),
    session: Session = Depends(get_session),
    actor: Principal = Depends(require_user),
) -> ContractOut:
    return service.get_contract(session, actor=actor, contract_id=contract_id)


@router.put("/contracts/{contract_id}", response_model=ContractOut)
def update_contract(
    data: ContractUpdateIn,
    contract_id: int = _id(),
    uow: UnitOfWork = Depends(get_uow),
    actor: Principal = Depends(require_user),
) -> ContractOut:
    with uow:
        return service.update_contract(uow, actor=actor, contract_id=contract_id, data=data)


@router.post("/contracts/{contract_id}/{action}", response_model=ContractOut)
def move_contract(
    contract_id: int = _id(),
    action: str = Path(max_length=20, pattern=r"^[a-z_]+$", description="submit, register, return, refuse"),
    data: ContractMoveIn | None = Body(None),
    uow: UnitOfWork = Depends(get_uow),
    actor: Principal = Depends(require_user),
) -> ContractOut:
    data = data or ContractMoveIn()
    with uow:
        return service.move_contract(
            uow,
            actor=actor,
            contract_id=contract_id,
            action=action,
            version=data.version,
            reason=data.reason,
            reason_code=data.reason_code,
            registration_number=data.registration_number,
        )
