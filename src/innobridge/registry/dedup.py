"""De-duplication of organisations and people: find candidate pairs, merge keeping history.

Finding is pure (`candidate_pairs` over `NameRow`s): identical strong identifiers (credit code, MOE code,
ORCID) make a pair certain; otherwise names are folded with `rules.normalise_name` (width, case,
traditional → simplified, punctuation, company suffixes) and compared with difflib's ratio inside blocks
of the same scope (region for organisations, organisation for people), so the work grows with the
number of records, not its square.

Merging (`merge_records`) keeps every record: the merged ones get `merged_into_id` (lists, exports and
the search index already hide them), every reference to them is re-pointed to the kept record, empty
fields of the kept record are filled from the merged ones, and both sides get a "merge" audit event with
the reason and the moved references.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Column, ColumnElement, Table, select, update
from sqlalchemy.orm import Session

from innobridge.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from innobridge.core.models import Base
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import Membership, OrgRole
from innobridge.registry import rules
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Organisation, Person
from innobridge.registry.policy import POLICY
from innobridge.registry.service import current_input

DedupEntity = Literal["organisation", "person"]
DEFAULT_THRESHOLD: dict[str, float] = {"organisation": 0.9, "person": 0.9}
# Identifiers that name exactly one legal entity / researcher: equal values make a pair certain.
CERTAIN_IDS = frozenset({"credit_code", "moe_code", "orcid"})
# A strong hint, not proof (a lab may share one mailbox).
EMAIL_SCORE = 0.95
# Leading place names that say nothing within one region ("上海浦江…" ≈ "浦江…").
_PLACE_PREFIXES = ("中国", "上海市", "上海", "china", "shanghai")
_WINDOW = 50  # compare each name with this many neighbours in its sorted block
# Fields a merge never copies: provenance and visibility stay those of the kept record.
_NOT_FILLED = frozenset({"visibility", "source", "external_id", "parent_id"})


# --- pure candidate finding -------------------------------------------------------------------------
@dataclass(frozen=True)
class NameRow:
    """What candidate finding needs of one record."""

    id: int
    name: str
    name_en: str | None = None
    scope: str | None = None  # organisations: region code; people: organisation id
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, value): credit_code, moe_code, orcid, email


@dataclass
class Pair:
    a: int
    b: int
    score: float = 0.0
    certain: bool = False
    reasons: set[str] = field(default_factory=set)


def name_core(name: str) -> str:
    """The normalised name without a leading place name (used within one scope only)."""
    s = rules.normalise_name(name)
    for prefix in _PLACE_PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix) + 1:
            return s[len(prefix) :]
    return s


def similarity(a: str, b: str) -> float:
    """Ratio in [0, 1] of two folded names."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _name_score(x: NameRow, y: NameRow) -> float:
    score = similarity(name_core(x.name), name_core(y.name))
    if x.name_en and y.name_en:
        score = max(score, similarity(rules.normalise_name(x.name_en), rules.normalise_name(y.name_en)))
    return score


def candidate_pairs(rows: Sequence[NameRow], *, threshold: float) -> list[Pair]:
    """Pairs of rows that may be the same entity, best first."""
    pairs: dict[tuple[int, int], Pair] = {}

    def note(x: NameRow, y: NameRow, score: float, reason: str, certain: bool = False) -> None:
        a, b = sorted((x.id, y.id))
        if a == b:
            return
        p = pairs.setdefault((a, b), Pair(a, b))
        p.score = max(p.score, score)
        p.certain = p.certain or certain
        p.reasons.add(reason)

    # 1. Identifiers: equal (folded) values.
    by_id: dict[tuple[str, str], list[NameRow]] = defaultdict(list)
    for r in rows:
        for kind, value in r.identifiers:
            folded = "".join(value.split()).upper() if kind != "email" else value.strip().lower()
            if folded:
                by_id[(kind, folded)].append(r)
    for (kind, _), group in by_id.items():
        certain = kind in CERTAIN_IDS
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                note(x, y, 1.0 if certain else EMAIL_SCORE, f"same_{kind}", certain)

    # 2. Names: identical folded names (across scopes when one scope is unknown) ...
    cores = {r.id: name_core(r.name) for r in rows}
    by_core: dict[str, list[NameRow]] = defaultdict(list)
    for r in rows:
        if cores[r.id]:
            by_core[cores[r.id]].append(r)
    for group in by_core.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                if x.scope == y.scope or x.scope is None or y.scope is None:
                    note(x, y, 1.0, "same_name" if x.scope == y.scope else "same_name_scope_unknown")

    # ... and near-identical names in the same scope, blocked by their first and last two characters.
    blocks: dict[tuple[str, str, str], list[NameRow]] = defaultdict(list)
    for r in rows:
        core = cores[r.id]
        if r.scope is not None and len(core) >= 2:
            blocks[(r.scope, "head", core[:2])].append(r)
            blocks[(r.scope, "tail", core[-2:])].append(r)
    for block in blocks.values():
        block.sort(key=lambda r: (cores[r.id], r.id))
        for i, x in enumerate(block):
            for y in block[i + 1 : i + 1 + _WINDOW]:
                if cores[x.id] == cores[y.id]:
                    continue  # already noted
                score = _name_score(x, y)
                if score >= threshold:
                    note(x, y, score, "similar_name_same_scope")

    found = [p for p in pairs.values() if p.certain or p.score >= threshold]
    return sorted(found, key=lambda p: (not p.certain, -p.score, p.a, p.b))


# --- service: find ------------------------------------------------------------------------------------
class DuplicateRecord(BaseModel):
    id: int
    name: str
    name_en: str | None = None
    scope: str | None = Field(None, description="Region code (organisations) or organisation id (people)")


class DuplicateCandidate(BaseModel):
    """Two records that may be one: `certain` when an identifier is shared, else scored by name."""

    entity: DedupEntity
    a: DuplicateRecord
    b: DuplicateRecord
    score: float
    certain: bool
    reasons: list[str]


def _require_overseer(actor: Principal) -> None:
    if not POLICY.may("merge", actor):
        raise Forbidden("error.dedup_needs_officer")


def _rows(session: Session, entity: DedupEntity) -> list[NameRow]:
    out = []
    if entity == "organisation":
        for o in session.scalars(select(Organisation).where(Organisation.merged_into_id.is_(None))):
            ids = (("credit_code", o.credit_code), ("moe_code", o.moe_code))
            out.append(
                NameRow(
                    o.id, o.name_zh, o.name_en, o.region_code, tuple((k, v) for k, v in ids if v is not None)
                )
            )
    else:
        for p in session.scalars(select(Person).where(Person.merged_into_id.is_(None))):
            ids = (("orcid", p.orcid), ("email", p.email))
            scope = str(p.organisation_id) if p.organisation_id is not None else None
            out.append(NameRow(p.id, p.name_zh, p.name_en, scope, tuple((k, v) for k, v in ids if v)))
    return out


def find_duplicates(
    session: Session, *, actor: Principal, entity: DedupEntity, threshold: float | None = None
) -> list[DuplicateCandidate]:
    """Candidate duplicate pairs among records not yet merged, certain ones first, then by score."""
    _require_overseer(actor)
    if entity not in DEFAULT_THRESHOLD:
        raise Invalid([FieldError("entity", "field.invalid", {"value": entity})])
    limit = DEFAULT_THRESHOLD[entity] if threshold is None else threshold
    if not 0 < limit <= 1:
        raise Invalid([FieldError("threshold", "field.invalid", {"value": threshold})])
    rows = _rows(session, entity)
    by_id = {r.id: r for r in rows}

    def rec(i: int) -> DuplicateRecord:
        r = by_id[i]
        return DuplicateRecord(id=r.id, name=r.name, name_en=r.name_en, scope=r.scope)

    return [
        DuplicateCandidate(
            entity=entity,
            a=rec(p.a),
            b=rec(p.b),
            score=round(p.score, 4),
            certain=p.certain,
            reasons=sorted(p.reasons),
        )
        for p in candidate_pairs(rows, threshold=limit)
    ]


# --- service: merge -----------------------------------------------------------------------------------
class MergeOut(BaseModel):
    entity: DedupEntity
    kept_id: int
    merged_ids: list[int]
    # "table.column" -> ids of the rows whose reference now points at the kept record
    moved: dict[str, list[int]]
    filled: list[str]  # fields of the kept record filled from merged ones


def _references(table_name: str) -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) with a foreign key to `table_name`.id, in any feature's tables."""
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and fk.column.name == "id":
                out.append((table, fk.parent))
    return sorted(out, key=lambda tc: (tc[0].name, tc[1].name))


def _move_memberships(session: Session, keep_id: int, merge_ids: list[int]) -> list[int]:
    """Memberships are unique per (user, organisation): fold duplicates, keeping the stronger role."""
    moved = []
    rows = session.scalars(select(Membership).where(Membership.organisation_id.in_(merge_ids))).all()
    for m in sorted(rows, key=lambda m: m.id):
        existing = session.scalar(
            select(Membership).where(Membership.user_id == m.user_id, Membership.organisation_id == keep_id)
        )
        moved.append(m.id)
        if existing is None:
            m.organisation_id = keep_id
        else:
            if m.role == OrgRole.org_admin:
                existing.role = OrgRole.org_admin
            session.delete(m)
        session.flush()
    return moved


def _repoint(
    uow: UnitOfWork, entity: DedupEntity, keep_id: int, merge_ids: list[int]
) -> tuple[dict[str, list[int]], dict[int, dict[str, list[int]]]]:
    """Point every reference to a merged record at the kept one. Returns all moves, and moves by origin."""
    session = uow.session
    target = SPECS[entity].model.__table__.name  # type: ignore[attr-defined]
    entity_of_table = {spec.model.__table__.name: name for name, spec in SPECS.items()}  # type: ignore[attr-defined]
    moved: dict[str, list[int]] = {}
    by_origin: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for table, col in _references(target):
        label = f"{table.name}.{col.name}"
        if table.name == Membership.__tablename__:
            origins = dict(session.execute(select(table.c.id, col).where(col.in_(merge_ids))).all())
            ids = _move_memberships(session, keep_id, merge_ids)
        elif "id" in table.c:
            cond: ColumnElement[bool] = col.in_(merge_ids)
            if table.name == target:
                # The kept record never points at itself: a parent merged into it is dropped instead.
                session.execute(update(table).where(table.c.id == keep_id, cond).values({col.name: None}))
                cond = cond & (table.c.id != keep_id)
            origins = dict(session.execute(select(table.c.id, col).where(cond)).all())
            ids = sorted(origins)
            if ids:
                session.execute(update(table).where(table.c.id.in_(ids)).values({col.name: keep_id}))
        else:  # pragma: no cover - every table of ours has an id column
            continue
        if not ids:
            continue
        moved[label] = ids
        for row_id in ids:
            by_origin[origins[row_id]].setdefault(label, []).append(row_id)
        changed_entity = entity_of_table.get(table.name)
        if changed_entity is not None and col.name != "merged_into_id":
            for row_id in ids:
                uow.changed(changed_entity, row_id)
    session.flush()
    return moved, by_origin


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _fill(
    uow: UnitOfWork, entity: DedupEntity, keep: Any, merged: list[Any], merge_ids: list[int]
) -> list[str]:
    """Fill empty fields of `keep` from the merged records (first non-empty wins), moving unique
    identifiers and, when the kept record's natural key changes to a merged record's, that key too."""
    spec = SPECS[entity]
    session = uow.session
    table: Any = spec.model.__table__
    unique_cols = {c.name for c in table.columns if c.unique and c.name not in ("id", "key")}
    filled: dict[str, Any] = {}
    for name in spec.fields:
        if name in _NOT_FILLED or not _empty(getattr(keep, name)):
            continue
        for m in merged:
            value = getattr(m, name)
            if _empty(value) or (name == "organisation_id" and value in merge_ids):
                continue
            if name in unique_cols:
                setattr(m, name, None)  # the identifier moves: free it first
                session.flush()
            setattr(keep, name, value)
            filled[name] = value
            break
    if not filled:
        return []
    data = spec.schema_in.model_validate(current_input(spec, keep)).model_dump()
    new_key = spec.natural_key(data)
    if new_key != keep.key:
        model: Any = spec.model
        holder = session.scalar(select(model).where(model.key == new_key))
        if holder is not None and holder.id not in merge_ids:
            raise Conflict("error.duplicate_key", entity=entity, key=new_key, existing_id=holder.id)
        if holder is not None:  # the merged record's identity now belongs to the kept one
            holder.key = f"merged:{holder.id}:{holder.key}"[:300]
            session.flush()
        keep.key = new_key
        filled["key"] = new_key
    session.flush()
    return sorted(filled)


def merge_records(
    uow: UnitOfWork,
    *,
    actor: Principal,
    entity: DedupEntity,
    keep_id: int,
    merge_ids: Iterable[int],
    reason: str,
) -> MergeOut:
    """Merge `merge_ids` into `keep_id` (programme officers and platform admins only)."""
    _require_overseer(actor)
    if entity not in DEFAULT_THRESHOLD:
        raise Invalid([FieldError("entity", "field.invalid", {"value": entity})])
    ids = sorted(set(merge_ids))
    errors = []
    if not reason or not reason.strip():
        errors.append(FieldError("reason", "field.required"))
    if not ids:
        errors.append(FieldError("merge_ids", "field.required"))
    if keep_id in ids:
        errors.append(
            FieldError("merge_ids", "field.invalid", {"detail": "the kept record cannot be merged"})
        )
    if errors:
        raise Invalid(errors)
    session = uow.session
    model: Any = SPECS[entity].model
    keep = session.get(model, keep_id)
    if keep is None:
        raise NotFound(entity=entity, id=keep_id)
    merged: list[Any] = []
    for i in ids:
        m = session.get(model, i)
        if m is None:
            raise NotFound(entity=entity, id=i)
        merged.append(m)
    for r in (keep, *merged):
        if r.merged_into_id is not None:
            raise Conflict("error.already_merged", entity=entity, id=r.id, merged_into_id=r.merged_into_id)

    moved, by_origin = _repoint(uow, entity, keep_id, ids)
    for r in (keep, *merged):
        session.refresh(r)  # bulk updates above bypassed the identity map
    filled = _fill(uow, entity, keep, merged, ids)
    for m in merged:
        m.merged_into_id = keep_id
    session.flush()

    reason = reason.strip()
    uow.audit(
        actor=actor,
        action="merge",
        entity=entity,
        entity_id=keep_id,
        reason=reason,
        changes={"merged_ids": ids, "moved": moved, "filled": filled},
    )
    for m in merged:
        uow.audit(
            actor=actor,
            action="merge",
            entity=entity,
            entity_id=m.id,
            from_state="active",
            to_state="merged",
            reason=reason,
            changes={"merged_into_id": keep_id, "moved": by_origin.get(m.id, {})},
        )
    uow.changed(entity, keep_id)
    for m in merged:
        uow.changed(entity, m.id)  # the index drops merged records (their document is None)
    return MergeOut(entity=entity, kept_id=keep_id, merged_ids=ids, moved=moved, filled=filled)


__all__ = [
    "DEFAULT_THRESHOLD",
    "DuplicateCandidate",
    "DuplicateRecord",
    "MergeOut",
    "NameRow",
    "candidate_pairs",
    "find_duplicates",
    "merge_records",
    "name_core",
    "similarity",
]
