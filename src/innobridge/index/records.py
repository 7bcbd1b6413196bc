"""Registry records as search hits: loading rows by (entity, id), their titles, years and owners, and
what the acting user may read of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.documents import parse_doc_id
from innobridge.core.principal import Principal
from innobridge.core.visibility import RECORDS
from innobridge.index.schemas import OrgRef
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Organisation
from innobridge.search.types import FilterValue, Hit


def access_filter(actor: Principal) -> dict[str, FilterValue]:
    return {"access": RECORDS.actor_tokens(actor)}


def load_rows(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, rid in keys:
        by_entity[entity].add(rid)
    out: dict[tuple[str, int], Any] = {}
    for entity, ids in by_entity.items():
        model: Any = SPECS[entity].model
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            out[(entity, row.id)] = row
    return out


def readable(actor: Principal, row: Any) -> bool:
    return row is not None and RECORDS.may_read(actor, row.visibility, row.owner_org_id, row.created_by_id)


def org_refs(session: Session, actor: Principal, ids: Iterable[int | None]) -> dict[int, OrgRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
    return {o.id: OrgRef(id=o.id, name_zh=o.name_zh, name_en=o.name_en) for o in rows if readable(actor, o)}


def title_of(entity: str, row: Any) -> tuple[str, str | None]:
    if entity in ("organisation", "person", "instrument"):
        return row.name_zh, row.name_en
    return row.title, getattr(row, "title_en", None)


def year_of(entity: str, row: Any) -> int | None:
    if entity == "project":
        return row.start_year  # type: ignore[no-any-return]
    if entity == "need":
        return row.created_at.year if row.created_at else None
    return getattr(row, "year", None)


def hit_key(hit: Hit) -> tuple[str, int]:
    return parse_doc_id(hit.id)
