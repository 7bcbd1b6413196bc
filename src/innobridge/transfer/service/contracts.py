"""Technology contracts through their registration workflow: create, edit, read, move, list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from innobridge.core.accounts import members_of
from innobridge.core.errors import Conflict, FieldError, Invalid, NotFound, Unauthorized
from innobridge.core.notifications import notify, register_event
from innobridge.core.policy import RecordAccess, may_read_record, register_record
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.workflow import Notice, Transition, Workflow
from innobridge.core.workflow_views import allowed_out, timeline
from innobridge.matching import service as matching
from innobridge.registry.models import Achievement, Code, Need, Organisation
from innobridge.registry.rules import is_valid_credit_code
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
    LinkOut,
    PartyIn,
    PartyOut,
)

ENTITY = "contract"


def _audience(session: Session, contract: Contract) -> set[int]:
    """Who hears of a move: the members of both parties' organisations."""
    return members_of(session, (contract.buyer_org_id, contract.seller_org_id))


def _notice_params(session: Session, move: Transition) -> dict[str, str | int | None]:
    contract: Contract = move.item
    code = move.reason_code
    return {
        "project": contract.project_name,
        "buyer": contract.buyer_name,
        "seller": contract.seller_name,
        "number": contract.registration_number or "—",
        "state_zh": WORKFLOW.state(move.to_state).label_zh,
        "state_en": WORKFLOW.state(move.to_state).label_en,
        "reason": move.reason or "—",
        "reason_code_zh": move.action.reason_label(code, "zh") if code else "—",
        "reason_code_en": move.action.reason_label(code, "en") if code else "—",
    }


WORKFLOW = Workflow(
    name=ENTITY,
    states=rules.STATES,
    actions=rules.ACTIONS,
    policy=POLICY,
    notice=Notice(recipients=_audience, params=_notice_params, link=lambda c: f"/contracts/{c.id}"),
)
for _action in rules.ACTIONS:
    register_event(f"contract.{_action.name}")
register_event("contract.created")
# Documents (core/storage) and notification links address contracts by (entity, id).
register_record(
    ENTITY,
    RecordAccess(load=lambda s, i: s.get(Contract, i), policy=POLICY, read="read", write="attach"),
)


# --- input → row ------------------------------------------------------------------------------------
def _party(session: Session, actor: Principal, side: str, party: PartyIn) -> dict[str, Any]:
    """The party's columns: copied from its registry organisation, or checked as given."""
    if party.organisation_id is not None:
        org = session.get(Organisation, party.organisation_id)
        if org is None or not may_read_record(
            session, actor=actor, entity="organisation", entity_id=party.organisation_id
        ):
            raise Invalid(
                [
                    FieldError(
                        f"{side}.organisation_id", "field.unknown_reference", {"value": party.organisation_id}
                    )
                ]
            )
        return {
            "org_id": org.id,
            "name": org.name_zh,
            "credit_code": org.credit_code,
            "region_code": org.region_code,
            "country_code": "CN",  # registry organisations are Chinese legal persons
        }
    errors = []
    if not party.name:
        errors.append(FieldError(f"{side}.name", "transfer.error.party_name_required"))
    domestic = party.country_code == "CN"
    if party.credit_code is not None and not is_valid_credit_code(party.credit_code):
        errors.append(
            FieldError(f"{side}.credit_code", "transfer.error.credit_code", {"value": party.credit_code})
        )
    elif domestic and party.credit_code is None:
        errors.append(FieldError(f"{side}.credit_code", "transfer.error.credit_code_required"))
    if domestic and party.region_code is None:
        errors.append(FieldError(f"{side}.region_code", "transfer.error.region_required"))
    if errors:
        raise Invalid(errors)
    return {
        "org_id": None,
        "name": party.name,
        "credit_code": party.credit_code,
        "region_code": party.region_code,
        "country_code": party.country_code,
    }


def _check_link(session: Session, actor: Principal, field: str, entity: str, record_id: int | None) -> None:
    if record_id is None:
        return
    if entity == "introduction":
        try:
            matching.get_introduction(session, actor=actor, introduction_id=record_id)
        except NotFound:
            readable = False
        else:
            readable = True
    else:
        readable = may_read_record(session, actor=actor, entity=entity, entity_id=record_id)
    if not readable:  # unknown and unreadable look the same: nothing is revealed
        raise Invalid([FieldError(field, "field.unknown_reference", {"value": record_id})])


def _fill(session: Session, actor: Principal, contract: Contract, data: ContractIn) -> None:
    """Check `data` and write it into `contract` (amounts, dates, parties, links)."""
    errors = []
    try:
        technology = rules.technology_amount(data.total_amount, data.equipment_amount)
    except rules.AmountError as exc:
        errors.append(FieldError(exc.field, exc.code))
    if data.valid_until < data.valid_from:
        errors.append(FieldError("valid_until", "transfer.error.validity_order"))
    if errors:
        raise Invalid(errors)
    buyer = _party(session, actor, "buyer", data.buyer)
    seller = _party(session, actor, "seller", data.seller)
    if not POLICY.may("list_all", actor) and not {buyer["org_id"], seller["org_id"]} & set(actor.org_ids):
        # A member records contracts of their own organisation only (else they could not read it back).
        raise Invalid([FieldError("buyer.organisation_id", "transfer.error.not_a_party")])
    _check_link(session, actor, "need_id", "need", data.need_id)
    _check_link(session, actor, "achievement_id", "achievement", data.achievement_id)
    _check_link(session, actor, "introduction_id", "introduction", data.introduction_id)
    for side, party in (("buyer", buyer), ("seller", seller)):
        setattr(contract, f"{side}_org_id", party["org_id"])
        for key in ("name", "credit_code", "region_code", "country_code"):
            setattr(contract, f"{side}_{key}", party[key])
    contract.contract_type = data.contract_type
    contract.project_name = data.project_name
    contract.signed_on = data.signed_on
    contract.valid_from = data.valid_from
    contract.valid_until = data.valid_until
    contract.total_amount = data.total_amount
    contract.equipment_amount = data.equipment_amount
    contract.technology_amount = technology
    contract.need_id = data.need_id
    contract.achievement_id = data.achievement_id
    contract.introduction_id = data.introduction_id


_FIELDS = (
    "contract_type",
    "project_name",
    "buyer_org_id",
    "buyer_name",
    "seller_org_id",
    "seller_name",
    "signed_on",
    "valid_from",
    "valid_until",
    "total_amount",
    "equipment_amount",
    "technology_amount",
    "need_id",
    "achievement_id",
    "introduction_id",
)


def _snapshot(contract: Contract) -> dict[str, Any]:
    return {f: (str(v) if (v := getattr(contract, f)) is not None else None) for f in _FIELDS}


# --- row → output -----------------------------------------------------------------------------------
def _region_names(session: Session, contracts: Iterable[Contract]) -> dict[str, str]:
    codes = set()
    for c in contracts:
        codes |= {c.buyer_region_code, c.seller_region_code, c.registration_region_code}
    codes.discard(None)
    if not codes:
        return {}
    rows = session.execute(
        select(Code.code, Code.name_zh).where(Code.scheme == "region", Code.code.in_(codes))
    )
    return {str(code): str(name) for code, name in rows}


def _titles(session: Session, actor: Principal, contracts: Iterable[Contract]) -> dict[tuple[str, int], str]:
    """Titles of linked needs and achievements the actor may read."""
    contracts = list(contracts)
    rows: list[tuple[str, int, str]] = []
    need_ids = {c.need_id for c in contracts if c.need_id is not None}
    if need_ids:
        rows += [
            ("need", i, t)
            for i, t in session.execute(select(Need.id, Need.title).where(Need.id.in_(need_ids)))
        ]
    ach_ids = {c.achievement_id for c in contracts if c.achievement_id is not None}
    if ach_ids:
        stmt = select(Achievement.id, Achievement.title).where(Achievement.id.in_(ach_ids))
        rows += [("achievement", i, t) for i, t in session.execute(stmt)]
    return {
        (entity, i): title
        for entity, i, title in rows
        if may_read_record(session, actor=actor, entity=entity, entity_id=i)
    }


def _party_out(contract: Contract, side: str, regions: dict[str, str]) -> PartyOut:
    region = getattr(contract, f"{side}_region_code")
    return PartyOut(
        organisation_id=getattr(contract, f"{side}_org_id"),
        name=getattr(contract, f"{side}_name"),
        credit_code=getattr(contract, f"{side}_credit_code"),
        region_code=region,
        region_name=regions.get(region) if region else None,
        country_code=getattr(contract, f"{side}_country_code"),
    )


def _out(
    contract: Contract, actor: Principal, regions: dict[str, str], titles: dict[tuple[str, int], str]
) -> ContractOut:
    state = WORKFLOW.state(contract.state)
    zh, en = rules.TYPE_LABELS[contract.contract_type]

    def link(entity: str, record_id: int | None) -> LinkOut | None:
        return None if record_id is None else LinkOut(id=record_id, title=titles.get((entity, record_id)))

    return ContractOut(
        id=contract.id,
        contract_type=contract.contract_type,
        type_label_zh=zh,
        type_label_en=en,
        project_name=contract.project_name,
        buyer=_party_out(contract, "buyer", regions),
        seller=_party_out(contract, "seller", regions),
        signed_on=contract.signed_on,
        valid_from=contract.valid_from,
        valid_until=contract.valid_until,
        total_amount=contract.total_amount,
        equipment_amount=contract.equipment_amount,
        technology_amount=contract.technology_amount,
        need=link("need", contract.need_id),
        achievement=link("achievement", contract.achievement_id),
        introduction=None if contract.introduction_id is None else LinkOut(id=contract.introduction_id),
        state=contract.state,
        state_label_zh=state.label_zh,
        state_label_en=state.label_en,
        registration_number=contract.registration_number,
        registered_on=contract.registered_on,
        registration_region_code=contract.registration_region_code,
        registration_region_name=regions.get(contract.registration_region_code or ""),
        created_by_id=contract.created_by_id,
        created_at=contract.created_at,
        updated_at=contract.updated_at,
        submitted_at=contract.submitted_at,
        registered_at=contract.registered_at,
        version=contract.version,
        allowed_actions=allowed_out(WORKFLOW, actor, contract),
        may_update=contract.state in rules.EDITABLE and POLICY.may("update", actor, contract),
        may_attach=POLICY.may("attach", actor, contract),
    )


def _one_out(session: Session, actor: Principal, contract: Contract) -> ContractOut:
    return _out(contract, actor, _region_names(session, [contract]), _titles(session, actor, [contract]))


# --- use cases --------------------------------------------------------------------------------------
def _announce(uow: UnitOfWork, actor: Principal, contract: Contract) -> None:
    people = _audience(uow.session, contract) - {actor.user_id}
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
    _fill(session, actor, contract, data)
    session.add(contract)
    session.flush()
    uow.audit(
        actor=actor,
        action="create",
        entity=ENTITY,
        entity_id=contract.id,
        to_state=ContractState.draft.value,
        changes=_snapshot(contract),
    )
    uow.changed(ENTITY, contract.id)
    _announce(uow, actor, contract)
    return _one_out(session, actor, contract)


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
    before = _snapshot(contract)
    _fill(session, actor, contract, data)
    after = _snapshot(contract)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        try:
            session.flush()
        except StaleDataError as exc:  # the mapper's version column: a writer that raced us won
            raise Conflict("workflow.error.race") from exc
        uow.audit(actor=actor, action="update", entity=ENTITY, entity_id=contract.id, changes=changes)
        uow.changed(ENTITY, contract.id)
    return _one_out(session, actor, contract)


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
    return _one_out(session, actor, contract)


def get_contract(session: Session, *, actor: Principal, contract_id: int) -> ContractOut:
    if actor.is_anonymous:
        raise Unauthorized()
    contract = _load(session, actor, contract_id)
    out = _one_out(session, actor, contract)
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
    regions = _region_names(session, rows)
    titles = _titles(session, actor, rows)
    queue = None
    if POLICY.may("register", actor):
        queue = session.scalar(
            select(func.count(Contract.id)).where(Contract.state == ContractState.submitted)
        )
    return ContractPage(
        items=[_out(c, actor, regions, titles) for c in rows],
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
