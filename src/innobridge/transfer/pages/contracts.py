"""Technology contracts as pages: list (mine, or every contract and the queue for officers), detail with
timeline and actions, the create/edit form. Thin: the service decides; the page shows and forwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core.errors import FieldError, Invalid
from innobridge.core.http import get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.storage.schemas import RecordRef
from innobridge.core.storage.service import list_documents
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.transfer import service
from innobridge.transfer.models import ContractState, ContractType
from innobridge.transfer.schemas import ContractIn, ContractOut, ContractQuery, ContractUpdateIn
from innobridge.web.forms import message
from innobridge.web.lang import request_lang
from innobridge.web.pages.deps import form_data, form_str
from innobridge.web.render import flash, redirect, render

router = APIRouter()
PAGE_SIZE = 20
SIDES = ("buyer", "seller")
PARTY_KEYS = ("organisation_id", "name", "credit_code", "region_code", "country_code")
FIELDS = (
    "contract_type",
    "project_name",
    "signed_on",
    "valid_from",
    "valid_until",
    "total_amount",
    "equipment_amount",
    "need_id",
    "achievement_id",
    "introduction_id",
)


def _id() -> Any:
    """A fresh path parameter each use (FastAPI binds one object to the first name it is used under)."""
    return Path(ge=1, le=2**31 - 1)


def money(value: Decimal | None) -> str:
    """Yuan with thousands separators and fen: 1,250,000.00."""
    return "—" if value is None else f"{value:,.2f}"


@router.get("/contracts")
def contracts(
    request: Request,
    state: ContractState | None = Query(None),
    contract_type: ContractType | None = Query(None),
    page: int = Query(1, ge=1, le=10_000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    query = ContractQuery(state=state, contract_type=contract_type, page=page, page_size=PAGE_SIZE)
    result = service.list_contracts(session, actor=principal, query=query)
    return render(
        request,
        "transfer/list.html",
        principal=principal,
        title=None,
        items=result.items,
        total=result.total,
        queue=result.queue,
        page=page,
        pages=max(1, -(-result.total // PAGE_SIZE)),
        states=list(ContractState),
        types=list(ContractType),
        state=state.value if state else "",
        contract_type=contract_type.value if contract_type else "",
        money=money,
    )


def _form_values(form: FormData) -> dict[str, Any]:
    """The form as the schema's nested shape; empty fields left out (the schema's defaults apply)."""
    data: dict[str, Any] = {f: v for f in FIELDS if (v := form_str(form, f)[:300])}
    for side in SIDES:
        party = {k: v for k in PARTY_KEYS if (v := form_str(form, f"{side}.{k}")[:300])}
        if party.get("organisation_id"):  # a chosen organisation wins over typed details
            party = {"organisation_id": party["organisation_id"]}
        data[side] = party
    return data


def _schema_errors(exc: ValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"]) or "__form__"
        out.append(FieldError(name, f"pydantic.{err['type']}", {"detail": err["msg"]}))
    return out


def _values_of(contract: ContractOut) -> dict[str, Any]:
    values: dict[str, Any] = {f: getattr(contract, f) for f in FIELDS if hasattr(contract, f)}
    values["contract_type"] = contract.contract_type.value
    for link in ("need", "achievement", "introduction"):
        ref = getattr(contract, link)
        values[f"{link}_id"] = ref.id if ref else ""
    for side in SIDES:
        party = getattr(contract, side)
        values[side] = {k: getattr(party, k) or "" for k in PARTY_KEYS}
    return values


def _form(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict[str, Any],
    contract: ContractOut | None,
    errors: list[FieldError] | None = None,
) -> Response:
    lang = request_lang(request)
    by_field: dict[str, list[str]] = {}
    for e in errors or []:
        by_field.setdefault(e.field, []).append(message(e, lang))
    orgs = service.party_organisations(session, actor=principal)
    for side in SIDES:  # an organisation already on the contract stays choosable when editing
        party = getattr(contract, side) if contract else None
        if party and party.organisation_id and all(o[0] != party.organisation_id for o in orgs):
            orgs.append((party.organisation_id, party.name))
    return render(
        request,
        "transfer/form.html",
        principal=principal,
        status_code=422 if errors else 200,
        title=None,
        contract=contract,
        values=values,
        errors=by_field,
        orgs=orgs,
        types=list(ContractType),
    )


@router.get("/contracts/new")
def new_contract(
    request: Request, session: Session = Depends(get_session), principal: Principal = Depends(require_user)
) -> Response:
    orgs = service.party_organisations(session, actor=principal)
    values: dict[str, Any] = {
        "buyer": {"organisation_id": orgs[0][0] if orgs else ""},
        "seller": {"country_code": "CN"},
        "equipment_amount": "0",
    }
    return _form(request, session, principal, values=values, contract=None)


@router.post("/contracts/new")
def create(
    request: Request,
    form: FormData = Depends(form_data),
    session: Session = Depends(get_session),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    values = _form_values(form)
    try:
        data = ContractIn(**values)
        with uow:
            out = service.create_contract(uow, actor=principal, data=data)
    except ValidationError as exc:
        return _form(request, session, principal, values=values, contract=None, errors=_schema_errors(exc))
    except Invalid as exc:
        return _form(request, session, principal, values=values, contract=None, errors=exc.errors)
    flash(request, "ui.contract.saved")
    return redirect(f"/contracts/{out.id}")


@router.get("/contracts/{contract_id}")
def contract(
    request: Request,
    contract_id: int = _id(),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    return _detail(request, session, principal, contract_id)


def _detail(
    request: Request,
    session: Session,
    principal: Principal,
    contract_id: int,
    *,
    errors: list[str] | None = None,
    failed_action: str | None = None,
) -> Response:
    out = service.get_contract(session, actor=principal, contract_id=contract_id)
    docs = list_documents(
        session, actor=principal, record=RecordRef(entity="contract", entity_id=contract_id)
    )
    return render(
        request,
        "transfer/contract.html",
        principal=principal,
        status_code=422 if errors else 200,
        title=out.project_name,
        c=out,
        docs=docs,
        errors=errors or [],
        failed_action=failed_action,
        money=money,
    )


@router.get("/contracts/{contract_id}/edit")
def edit_contract(
    request: Request,
    contract_id: int = _id(),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    out = service.get_contract(session, actor=principal, contract_id=contract_id)
    if not out.may_update:
        return redirect(f"/contracts/{contract_id}")
    return _form(request, session, principal, values=_values_of(out), contract=out)


@router.post("/contracts/{contract_id}/edit")
def update(
    request: Request,
    contract_id: int = _id(),
    form: FormData = Depends(form_data),
    session: Session = Depends(get_session),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    current = service.get_contract(session, actor=principal, contract_id=contract_id)
    values = _form_values(form)
    values["version"] = form_str(form, "version")[:10]
    try:
        data = ContractUpdateIn(**values)
        with uow:
            service.update_contract(uow, actor=principal, contract_id=contract_id, data=data)
    except ValidationError as exc:
        return _form(request, session, principal, values=values, contract=current, errors=_schema_errors(exc))
    except Invalid as exc:
        return _form(request, session, principal, values=values, contract=current, errors=exc.errors)
    flash(request, "ui.contract.saved")
    return redirect(f"/contracts/{contract_id}")


@router.post("/contracts/{contract_id}/move")
def move(
    request: Request,
    contract_id: int = _id(),
    form: FormData = Depends(form_data),
    session: Session = Depends(get_session),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    action = form_str(form, "action")[:20]
    version = form_str(form, "version")
    try:
        with uow:
            service.move_contract(
                uow,
                actor=principal,
                contract_id=contract_id,
                action=action,
                version=int(version) if version.isdigit() and len(version) < 10 else None,
                reason=form_str(form, "reason")[:2000] or None,
                reason_code=form_str(form, "reason_code")[:64] or None,
                registration_number=form_str(form, "registration_number")[:32] or None,
            )
    except Invalid as exc:
        lang = request_lang(request)
        errors = [message(e, lang) for e in exc.errors]
        return _detail(request, session, principal, contract_id, errors=errors, failed_action=action)
    flash(request, "ui.contract.moved")
    return redirect(f"/contracts/{contract_id}")
