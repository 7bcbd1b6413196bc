"""Registry records as pages: list with filters, detail with related records, create, edit, delete.

One set of routes per entity of the registry's spec table, so every entity gets its pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core.errors import AppError, Invalid
from innobridge.core.http import get_principal, get_session, get_uow, require_user
from innobridge.core.i18n import Lang
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import service
from innobridge.registry.entities import ORDER, SPECS, EntitySpec
from innobridge.registry.pages import related
from innobridge.web.forms import FieldView, errors_by_field, form_to_input, pydantic_errors, schema_fields
from innobridge.web.lang import request_lang
from innobridge.web.pages.deps import form_data
from innobridge.web.render import flash, redirect, render

router = APIRouter()
PAGE_SIZE = 20
RELATED_SIZE = 10


def _id() -> Any:
    """A fresh path parameter each use (FastAPI binds one object to the first name it is used under)."""
    return Path(ge=1, le=2**31 - 1)


# A few columns per entity on list pages (the title column always comes first).
SUMMARY: dict[str, tuple[str, ...]] = {
    "organisation": ("kind", "region_code"),
    "person": ("title", "organisation_id"),
    "instrument": ("category", "organisation_id", "status"),
    "project": ("programme", "organisation_id", "start_year", "status"),
    "achievement": ("kind", "organisation_id", "trl", "year"),
    "need": ("organisation_id", "deadline", "status"),
    "dataset": ("organisation_id", "format", "year"),
}
# Related lists on an organisation's page.
ORG_RELATED = ("person", "instrument", "achievement", "project", "need", "dataset")


def owner_of(spec: EntitySpec, record: BaseModel) -> int | None:
    return record.id if spec.name == "organisation" else getattr(record, "organisation_id", None)  # type: ignore[attr-defined]


def org_names(session: Session, principal: Principal, records: list[BaseModel]) -> dict[int, BaseModel]:
    """Organisations the records point to, as far as the viewer may read them."""
    ids = {getattr(r, "organisation_id", None) for r in records} | {
        getattr(r, "parent_id", None) for r in records
    }
    out: dict[int, BaseModel] = {}
    for org_id in ids:
        if org_id is None:
            continue
        try:
            out[org_id] = service.get_record(
                session, actor=principal, spec=SPECS["organisation"], record_id=org_id
            )
        except AppError:
            continue
    return out


def _my_orgs(session: Session, principal: Principal) -> list[tuple[str, str]]:
    orgs = org_names(session, principal, [_Ref(organisation_id=i) for i in sorted(principal.org_ids)])
    return [(str(i), getattr(o, "name_zh", str(i))) for i, o in orgs.items()]


class _Ref(BaseModel):
    organisation_id: int


def record_fields(
    session: Session,
    principal: Principal,
    spec: EntitySpec,
    lang: Lang,
    values: dict[str, Any],
    errors: dict[str, list[str]],
) -> list[FieldView]:
    fields = schema_fields(spec.schema_in, lang, values, errors)
    if "assign_any_owner" not in service.allowed_actions(actor=principal):
        for f in fields:
            if f.name == "organisation_id":
                f.widget = "select"
                f.options = [("", "—"), *_my_orgs(session, principal)]
    return fields


def _add_routes(spec: EntitySpec) -> None:
    base = f"/{spec.plural}"

    @router.get(base, name=f"page_list_{spec.plural}")
    def list_page(
        request: Request,
        q: str | None = Query(None, max_length=200),
        kind: str | None = Query(None, max_length=40),
        region: str | None = Query(None, pattern=r"^\d{0,6}$"),
        field: str | None = Query(None, max_length=20),
        organisation_id: int | None = Query(None, ge=1, le=2**31 - 1),
        sort: str = Query("-id", max_length=40),
        page: int = Query(1, ge=1, le=100_000),
        session: Session = Depends(get_session),
        principal: Principal = Depends(get_principal),
    ) -> Response:
        lq = service.ListQuery(
            page=page,
            page_size=PAGE_SIZE,
            sort=sort,
            kind=kind or None,
            region=region or None,
            field=field or None,
            organisation_id=organisation_id,
            q=q or None,
        )
        items, total = service.list_records(session, actor=principal, spec=spec, query=lq)
        kinds = schema_fields(spec.schema_in, request_lang(request), skip=frozenset())
        kind_field = next((f for f in kinds if f.name == "kind"), None)
        return render(
            request,
            "registry/record_list.html",
            principal=principal,
            title=_entity_label(spec, request),
            spec=spec,
            items=items,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            columns=SUMMARY[spec.name],
            orgs=org_names(session, principal, items),
            kind_options=kind_field.options if kind_field else [],
            filters={"q": q or "", "kind": kind or "", "region": region or "", "field": field or ""},
            export_query=str(request.query_params),
        )

    @router.get(base + "/new", name=f"page_new_{spec.name}")
    def new_page(
        request: Request,
        session: Session = Depends(get_session),
        principal: Principal = Depends(require_user),
    ) -> Response:
        values: dict[str, Any] = {}
        if len(principal.org_ids) == 1 and "organisation_id" in spec.fields:
            values["organisation_id"] = next(iter(principal.org_ids))
        fields = record_fields(session, principal, spec, request_lang(request), values, {})
        return render(
            request,
            "registry/record_form.html",
            principal=principal,
            spec=spec,
            fields=fields,
            action=base + "/new",
            record=None,
            form_errors=[],
        )

    @router.post(base + "/new")
    def create(
        request: Request,
        form: FormData = Depends(form_data),
        session: Session = Depends(get_session),
        uow: UnitOfWork = Depends(get_uow),
        principal: Principal = Depends(require_user),
    ) -> Response:
        raw = form_to_input(spec.schema_in, form)
        try:
            data = spec.schema_in.model_validate(raw)
            with uow:
                out = service.create_record(uow, actor=principal, spec=spec, data=data)
        except (ValidationError, Invalid) as exc:
            return _form_again(request, session, principal, spec, raw, exc, base + "/new", None)
        flash(request, "ui.record.created")
        if spec.name in ("need", "achievement"):  # post and match: straight to the candidates
            return redirect(f"{base}/{out.id}/matches")  # type: ignore[attr-defined]
        return redirect(f"{base}/{out.id}")  # type: ignore[attr-defined]

    @router.get(base + "/{record_id}", name=f"page_{spec.name}")
    def detail(
        request: Request,
        record_id: int = _id(),
        session: Session = Depends(get_session),
        principal: Principal = Depends(get_principal),
    ) -> Response:
        record = service.get_record(session, actor=principal, spec=spec, record_id=record_id)
        sections = _related(session, principal, spec, record)
        fields = schema_fields(spec.schema_in, request_lang(request), record.model_dump(), skip=frozenset())
        return render(
            request,
            "registry/record_detail.html",
            principal=principal,
            spec=spec,
            record=record,
            title=str(getattr(record, spec.title_field)),
            fields=fields,
            sections=sections,
            orgs=org_names(session, principal, [record]),
            can_write="update" in record.allowed_actions,  # type: ignore[attr-defined]
        )

    @router.get(base + "/{record_id}/edit")
    def edit_page(
        request: Request,
        record_id: int = _id(),
        session: Session = Depends(get_session),
        principal: Principal = Depends(require_user),
    ) -> Response:
        record = service.get_record(session, actor=principal, spec=spec, record_id=record_id)
        fields = record_fields(session, principal, spec, request_lang(request), record.model_dump(), {})
        return render(
            request,
            "registry/record_form.html",
            principal=principal,
            spec=spec,
            fields=fields,
            action=f"{base}/{record_id}/edit",
            record=record,
            form_errors=[],
        )

    @router.post(base + "/{record_id}/edit")
    def edit(
        request: Request,
        record_id: int = _id(),
        form: FormData = Depends(form_data),
        session: Session = Depends(get_session),
        uow: UnitOfWork = Depends(get_uow),
        principal: Principal = Depends(require_user),
    ) -> Response:
        raw = form_to_input(spec.schema_in, form)
        try:
            spec.schema_in.model_validate(raw)  # inline errors before touching the record
            with uow:
                service.update_record(uow, actor=principal, spec=spec, record_id=record_id, patch=raw)
        except (ValidationError, Invalid) as exc:
            record = service.get_record(session, actor=principal, spec=spec, record_id=record_id)
            return _form_again(
                request, session, principal, spec, raw, exc, f"{base}/{record_id}/edit", record
            )
        flash(request, "ui.record.saved")
        return redirect(f"{base}/{record_id}")

    @router.post(base + "/{record_id}/delete")
    def delete(
        request: Request,
        record_id: int = _id(),
        uow: UnitOfWork = Depends(get_uow),
        principal: Principal = Depends(require_user),
    ) -> Response:
        with uow:
            service.delete_record(uow, actor=principal, spec=spec, record_id=record_id)
        flash(request, "ui.record.deleted")
        return redirect(base)


def _entity_label(spec: EntitySpec, request: Request) -> str:
    return spec.label_en if request_lang(request) == "en" else spec.label_zh


def _form_again(
    request: Request,
    session: Session,
    principal: Principal,
    spec: EntitySpec,
    raw: dict[str, Any],
    exc: ValidationError | Invalid,
    action: str,
    record: BaseModel | None,
) -> Response:
    lang = request_lang(request)
    problems = pydantic_errors(exc) if isinstance(exc, ValidationError) else exc.errors
    errors = errors_by_field(problems, lang)
    fields = record_fields(session, principal, spec, lang, raw, errors)
    shown = {f.name for f in fields}
    form_errors = [m for name, msgs in errors.items() if name not in shown for m in msgs]
    return render(
        request,
        "registry/record_form.html",
        principal=principal,
        spec=spec,
        fields=fields,
        action=action,
        record=record,
        form_errors=form_errors,
        status_code=422,
    )


def _related(
    session: Session, principal: Principal, spec: EntitySpec, record: BaseModel
) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    rid: int = record.id  # type: ignore[attr-defined]
    if spec.name == "organisation":
        for name in ORG_RELATED:
            other = SPECS[name]
            items, total = service.list_records(
                session,
                actor=principal,
                spec=other,
                query=service.ListQuery(page_size=RELATED_SIZE, organisation_id=rid),
            )
            if items:
                sections.append(
                    {
                        "spec": other,
                        "items": items,
                        "total": total,
                        "more": f"/{other.plural}?organisation_id={rid}",
                    }
                )
    elif spec.name == "person":
        for other, items in (
            (SPECS["project"], related.person_projects(session, actor=principal, person=record)),
            (SPECS["achievement"], related.person_achievements(session, actor=principal, person=record)),
        ):
            if items:
                sections.append({"spec": other, "items": items, "total": len(items), "more": None})
    return sections


for _name in ORDER:
    _add_routes(SPECS[_name])


@router.get("/records")
def records_index(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
) -> Response:
    counts = []
    for name in ORDER:
        spec = SPECS[name]
        _, total = service.list_records(
            session, actor=principal, spec=spec, query=service.ListQuery(page_size=1)
        )
        counts.append((spec, total))
    return render(request, "registry/records_index.html", principal=principal, counts=counts)
