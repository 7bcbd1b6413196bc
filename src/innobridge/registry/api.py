"""JSON API for registry records: list, read, create, update, delete for every entity (thin)."""

# No `from __future__ import annotations`: FastAPI must see the per-entity classes, not strings.

from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from innobridge.core.http import get_principal, get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import service
from innobridge.registry.entities import SPECS, EntitySpec
from innobridge.registry.schemas import Page

router = APIRouter(prefix="/api/v1")
_ID = Path(ge=1, le=2**31 - 1)


def _kinds(spec: EntitySpec) -> dict[str, Any] | None:
    """The allowed `kind` values, in the OpenAPI document, for entities that have kinds."""
    column: Any = spec.model.__table__.c.get("kind")
    return {"enum": [k.value for k in column.type.enum_class]} if column is not None else None


def _add_routes(spec: EntitySpec) -> None:
    In: Any = spec.schema_in  # noqa: N806 - a class, named like one
    Out: Any = spec.schema_out  # noqa: N806
    PageOut: Any = Page[Out]  # noqa: N806
    tag = f"{spec.label_en} · {spec.label_zh}"
    base = f"/{spec.plural}"

    @router.get(base, response_model=PageOut, tags=[tag], name=f"list_{spec.plural}")
    def list_(
        page: int = Query(1, ge=1, le=100_000),
        page_size: int = Query(20, ge=1, le=200),
        sort: str = Query(
            "-id",
            max_length=40,
            description=f"one of {', '.join(spec.sortable)}; '-' for descending",
            json_schema_extra={"enum": [p + f for f in spec.sortable for p in ("", "-")]},
        ),
        kind: str | None = Query(None, max_length=40, json_schema_extra=_kinds(spec)),
        region: str | None = Query(None, pattern=r"^\d{1,6}$"),
        field: str | None = Query(
            None, max_length=20, description="discipline / industry / IPC code (prefix)"
        ),
        created_from: date | None = Query(None, description="created on or after (YYYY-MM-DD)"),
        created_to: date | None = Query(None, description="created on or before (YYYY-MM-DD)"),
        organisation_id: int | None = Query(None, ge=1, le=2**31 - 1),
        q: str | None = Query(None, max_length=200),
        session: Session = Depends(get_session),
        actor: Principal = Depends(get_principal),
    ) -> BaseModel:
        lq = service.ListQuery(
            page, page_size, sort, kind, region, field, created_from, created_to, organisation_id, q
        )
        items, total = service.list_records(session, actor=actor, spec=spec, query=lq)
        return PageOut(items=items, total=total, page=page, page_size=page_size)  # type: ignore[no-any-return]

    @router.get(base + "/{record_id}", response_model=Out, tags=[tag], name=f"get_{spec.name}")
    def get(
        record_id: int = _ID,
        session: Session = Depends(get_session),
        actor: Principal = Depends(get_principal),
    ) -> BaseModel:
        return service.get_record(session, actor=actor, spec=spec, record_id=record_id)

    @router.post(base, response_model=Out, status_code=201, tags=[tag], name=f"create_{spec.name}")
    def create(
        data: In = Body(...),
        uow: UnitOfWork = Depends(get_uow),
        actor: Principal = Depends(require_user),
    ) -> BaseModel:
        with uow:
            return service.create_record(uow, actor=actor, spec=spec, data=data)

    @router.patch(base + "/{record_id}", response_model=Out, tags=[tag], name=f"update_{spec.name}")
    def update(
        record_id: int = _ID,
        patch: dict[str, Any] = Body(..., description=f"Any fields of {In.__name__}"),
        uow: UnitOfWork = Depends(get_uow),
        actor: Principal = Depends(require_user),
    ) -> BaseModel:
        with uow:
            return service.update_record(uow, actor=actor, spec=spec, record_id=record_id, patch=patch)

    @router.delete(base + "/{record_id}", status_code=204, tags=[tag], name=f"delete_{spec.name}")
    def delete(
        record_id: int = _ID,
        uow: UnitOfWork = Depends(get_uow),
        actor: Principal = Depends(require_user),
    ) -> Response:
        with uow:
            service.delete_record(uow, actor=actor, spec=spec, record_id=record_id)
        return Response(status_code=204)


for _spec in SPECS.values():
    _add_routes(_spec)
