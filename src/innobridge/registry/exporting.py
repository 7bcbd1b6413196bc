"""Export use case: the records an actor may read, in the import schema (export → import round-trips)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.principal import Principal
from innobridge.registry.entities import EntitySpec
from innobridge.registry.models import Organisation
from innobridge.registry.service import ListQuery, apply_filters, visible_clause


def _cell(value: Any, flat: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return ";".join(str(v) for v in value) if flat else value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export_rows(
    session: Session,
    *,
    actor: Principal,
    spec: EntitySpec,
    flat: bool = True,
    filters: ListQuery | None = None,
) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers (field names, as `innobridge schema` documents them) and rows; references as natural keys.

    `flat` joins lists with ';' for CSV/XLSX; JSON keeps them as lists. `filters` are a list page's
    filters (paging and sorting ignored): an export holds every matching record.
    """
    model: Any = spec.model
    headers = spec.fields
    org_keys = (
        {r[0]: r[1] for r in session.execute(select(Organisation.id, Organisation.key))}
        if spec.org_refs
        else {}
    )
    stmt = select(model).where(visible_clause(spec, actor))
    if filters is not None:
        stmt = apply_filters(spec, stmt, filters)
    if "merged_into_id" in model.__table__.c:
        stmt = stmt.where(model.merged_into_id.is_(None))
    stmt = stmt.order_by(model.id).execution_options(yield_per=2000)

    def rows() -> Iterator[list[Any]]:
        for obj in session.scalars(stmt):
            out = []
            for f in headers:
                v = getattr(obj, f)
                if f in spec.org_refs and v is not None:
                    v = org_keys.get(v, "")
                out.append(_cell(v, flat))
            yield out

    return headers, rows()
