"""Helpers shared by matching's use cases: loading registry rows by (entity, id), titles, owners."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.principal import Principal
from innobridge.core.visibility import RECORDS
from innobridge.matching.models import CandidateKind
from innobridge.matching.schemas import (
    OrgRef,
)
from innobridge.registry import search as registry_search
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Organisation
from innobridge.search.types import FilterValue, Hit

# Candidate lists of a need, in the order pages show them: output field → document kind.
NEED_LISTS = {
    "achievements": CandidateKind.achievement,
    "experts": CandidateKind.person,
    "institutions": CandidateKind.organisation,
    "instruments": CandidateKind.instrument,
}
PER_OWNER = 2  # at most this many results of one organisation in a list
_DEPTH_FACTOR = 5  # candidates fetched per list before diversification: per_kind × this (at least 50)
_QUERY_TEXT_CHARS = 600  # a long description adds little beyond its start and slows BM25
# Code schemes whose overlap with the query is shown as a reason.
_CODE_SCHEMES = {k: registry_search.ANCESTORS[k] for k in ("discipline", "industry", "region")}


# --- shared helpers -------------------------------------------------------------------------------
def _access_filter(actor: Principal) -> dict[str, FilterValue]:
    return {"access": RECORDS.actor_tokens(actor)}


def _load_rows(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, rid in keys:
        by_entity[entity].add(rid)
    out: dict[tuple[str, int], Any] = {}
    for entity, ids in by_entity.items():
        model: Any = SPECS[entity].model
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            out[(entity, row.id)] = row
    return out


def _readable(actor: Principal, row: Any) -> bool:
    return row is not None and RECORDS.may_read(actor, row.visibility, row.owner_org_id, row.created_by_id)


def _org_refs(session: Session, actor: Principal, ids: Iterable[int | None]) -> dict[int, OrgRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
    return {o.id: OrgRef(id=o.id, name_zh=o.name_zh, name_en=o.name_en) for o in rows if _readable(actor, o)}


def _title(entity: str, row: Any) -> tuple[str, str | None]:
    if entity in ("organisation", "person", "instrument"):
        return row.name_zh, row.name_en
    return row.title, getattr(row, "title_en", None)


def _year(entity: str, row: Any) -> int | None:
    if entity == "project":
        return row.start_year  # type: ignore[no-any-return]
    if entity == "need":
        return row.created_at.year if row.created_at else None
    return getattr(row, "year", None)


def _hit_key(hit: Hit) -> tuple[str, int]:
    return registry_search.parse_doc_id(hit.id)
