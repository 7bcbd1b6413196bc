"""Technology contracts through their registration workflow: create, edit, read, move, list."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from innobridge.core.errors import Conflict, FieldError, Invalid, NotFound, Unauthorized
from innobridge.core.notifications import notify
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.workflow import flush_versioned
from innobridge.core.workflow_views import timeline
from innobridge.registry.models import Organisation
from innobridge.transfer import rules
from innobridge.transfer.models import Contract, ContractState
from innobridge.transfer.policy import POLICY
from innobridge.transfer.schemas import (
    ContractIn,
    ContractOut,
    ContractPage,
    ContractQuery,
    ContractUpdateIn,
    HistoryOut,
)
from innobridge.transfer.service.inputs import fill_contract, snapshot
from innobridge.transfer.service.views import contract_out, linked_titles, one_out, region_names
from innobridge.transfer.service.workflow import ENTITY, WORKFLOW, audience


def _announce(uow: UnitOfWork, actor: Principal, contract: Contract) -> None:
    people = audience(uow.session, contract) - {actor.user_id}
    if people:
        notify(
            uow,
            user_ids=sorted(people),
            event="contract.created",
            params={
                "project": contract.project_name,
                "buyer": contract.buyer_name,
                "seller": contract.seller_name,
            },
            link=f"/contracts/{contract.id}",
            entity=ENTITY,
            entity_id=contract.id,
        )


def create_contract(uow: UnitOfWork, *, actor: Principal, data: ContractIn) -> ContractOut:
    """A draft contract; the author's organisation must be one of the parties (managers: any)."""
    POLICY.require("create", actor)
    session = uow.session
    contract = Contract(state=ContractState.draft, created_by_id=actor.user_id)
    fill_contract(session, actor, contract, data)
    session.add(contract)
    session.flush()
    uow.audit(
        actor=actor,
        action="create",
        entity=ENTITY,
        entity_id=contract.id,
        to_state=ContractState.draft.value,
        changes=snapshot(contract),
    )
    uow.changed(ENTITY, contract.id)
    _announce(uow, actor, contract)
    return one_out(session, actor, contract)


def _load(session: Session, actor: Principal, contract_id: int, *, lock: bool = False) -> Contract:
    contract = session.get(Contract, contract_id, with_for_update=lock or None)
    if contract is None or not POLICY.may("read", actor, contract):
        raise NotFound(entity=ENTITY, id=contract_id)  # do not reveal that it exists
    return contract


def update_contract(
    uow: UnitOfWork, *, actor: Principal, contract_id: int, data: ContractUpdateIn
) -> ContractOut:
    """The parties correct a draft or a returned contract (the version they saw, else 409)."""
    if actor.is_anonymous:
        raise Unauthorized()
    session = uow.session
    contract = _load(session, actor, contract_id, lock=True)
    POLICY.require("update", actor, contract)
    if data.version != contract.version:
        raise Conflict("workflow.error.stale", current=contract.version, seen=data.version)
    if contract.state not in rules.EDITABLE:
        raise Conflict(
            "transfer.error.not_editable",
            state=WORKFLOW.state(contract.state).label_zh,
            state_en=WORKFLOW.state(contract.state).label_en,
        )
    before = snapshot(contract)
    fill_contract(session, actor, contract, data)
    after = snapshot(contract)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        flush_versioned(session)
        uow.audit(actor=actor, action="update", entity=ENTITY, entity_id=contract.id, changes=changes)
        uow.changed(ENTITY, contract.id)
    return one_out(session, actor, contract)


def _prepare_registration(session: Session, actor: Principal, contract: Contract, number: str | None) -> None:
    """Number (format, unique), date and region (the seller's) of a registration, set before the move."""
    POLICY.require("register", actor, contract)
    if not number:
        raise Invalid([FieldError("registration_number", "transfer.error.number_required")])
    if not rules.is_registration_number(number):
        raise Invalid([FieldError("registration_number", "transfer.error.number_format", {"value": number})])
    taken = session.scalar(
        select(Contract.id).where(Contract.registration_number == number, Contract.id != contract.id)
    )
    if taken is not None:
        raise Conflict("transfer.error.number_taken", number=number)
    if contract.seller_region_code is None:
        raise Invalid([FieldError("seller.region_code", "transfer.error.seller_region_missing")])
    contract.registration_number = number
    contract.registered_on = date.today()
    contract.registration_region_code = contract.seller_region_code


def move_contract(
    uow: UnitOfWork,
    *,
    actor: Principal,
    contract_id: int,
    action: str,
    version: int | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
    registration_number: str | None = None,
) -> ContractOut:
    """Take one action of the registration workflow (rules.ACTIONS) through the engine: who may, the
    version the actor saw (409 when stale), legality, reason and reason code; audit and notices follow.
    `register` also takes the registration number (16 digits, unique: a duplicate is a 409 naming it)."""
    if actor.is_anonymous:
        raise Unauthorized()
    session = uow.session
    contract = _load(session, actor, contract_id, lock=True)
    act = WORKFLOW.action(action)
    if act.name == "register":
        _prepare_registration(session, actor, contract, registration_number)
    elif registration_number:
        raise Invalid([FieldError("registration_number", "field.not_editable")])
    try:
        WORKFLOW.apply(
            uow,
            actor=actor,
            item=contract,
            action=action,
            version=version,
            reason=reason,
            reason_code=reason_code,
        )
    except IntegrityError as exc:  # another officer took the same number a moment ago
        raise Conflict("transfer.error.number_taken", number=registration_number) from exc
    return one_out(session, actor, contract)


def get_contract(session: Session, *, actor: Principal, contract_id: int) -> ContractOut:
    if actor.is_anonymous:
        raise Unauthorized()
    contract = _load(session, actor, contract_id)
    out = one_out(session, actor, contract)
    out.history = _history(session, contract)
    return out


def _history(session: Session, contract: Contract) -> list[HistoryOut]:
    return timeline(session, WORKFLOW, contract.id, other_labels="transfer.history")


def _scope(stmt: Select[Any], actor: Principal) -> Select[Any]:
    if POLICY.may("list_all", actor):
        return stmt
    if not actor.org_ids:
        return stmt.where(Contract.id.is_(None))
    return stmt.where(
        or_(Contract.buyer_org_id.in_(actor.org_ids), Contract.seller_org_id.in_(actor.org_ids))
    )


def list_contracts(session: Session, *, actor: Principal, query: ContractQuery) -> ContractPage:
    """Managers and officers see every contract (and the size of the registration queue); members see
    the contracts their organisations are party to."""
    if actor.is_anonymous:
        raise Unauthorized()
    stmt = _scope(select(Contract), actor)
    if query.state is not None:
        stmt = stmt.where(Contract.state == query.state)
    if query.contract_type is not None:
        stmt = stmt.where(Contract.contract_type == query.contract_type)
    if query.organisation_id is not None:
        org = query.organisation_id
        stmt = stmt.where(or_(Contract.buyer_org_id == org, Contract.seller_org_id == org))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    # The queue reads oldest-submitted first; other lists newest change first.
    order = (
        (Contract.submitted_at.asc(), Contract.id.asc())
        if query.state == ContractState.submitted
        else (Contract.updated_at.desc(), Contract.id.desc())
    )
    rows = session.scalars(
        stmt.order_by(*order).offset((query.page - 1) * query.page_size).limit(query.page_size)
    ).all()
    regions = region_names(session, rows)
    titles = linked_titles(session, actor, rows)
    queue = None
    if POLICY.may("register", actor):
        queue = session.scalar(
            select(func.count(Contract.id)).where(Contract.state == ContractState.submitted)
        )
    return ContractPage(
        items=[contract_out(c, actor, regions, titles) for c in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
        queue=queue,
    )


def party_organisations(session: Session, *, actor: Principal) -> list[tuple[int, str]]:
    """(id, name) of the organisations the actor may name as a party on a form: their own."""
    if actor.is_anonymous or not actor.org_ids:
        return []
    rows = session.execute(
        select(Organisation.id, Organisation.name_zh)
        .where(Organisation.id.in_(actor.org_ids))
        .order_by(Organisation.name_zh)
    )
    return [(int(i), str(n)) for i, n in rows]
