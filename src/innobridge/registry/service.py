"""Registry use cases: read with visibility, create, update, delete, bulk upsert. The only writer.

Every function takes the acting Principal and Pydantic input and returns Pydantic output; the caller's
UnitOfWork commits. Reads take a plain Session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, Select, String, cast, false, func, insert, or_, select, update
from sqlalchemy.orm import Session

from innobridge.core.audit import AuditEvent
from innobridge.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.visibility import RECORDS, Columns
from innobridge.registry.entities import EntitySpec
from innobridge.registry.models import Organisation
from innobridge.registry.policy import POLICY, RECORD_ACTIONS, REGISTRY_ACTIONS

_CONTACT_FIELDS = ("email", "phone")


def _owner_col(spec: EntitySpec) -> Any:
    return spec.model.id if spec.model is Organisation else spec.model.organisation_id  # type: ignore[attr-defined]


def visible_clause(spec: EntitySpec, actor: Principal) -> ColumnElement[bool]:
    """SQL condition: records of `spec` that `actor` may read (core/visibility.py's SQL form)."""
    model: Any = spec.model
    return RECORDS.clause(actor, Columns(model.visibility, _owner_col(spec), model.created_by_id))


def to_out(spec: EntitySpec, obj: Any, actor: Principal) -> BaseModel:
    out = spec.schema_out.model_validate(obj, from_attributes=True)
    out.allowed_actions = POLICY.allowed(actor, obj, RECORD_ACTIONS)  # type: ignore[attr-defined]
    if actor.is_anonymous and any(f in spec.schema_out.model_fields for f in _CONTACT_FIELDS):
        out = out.model_copy(update=dict.fromkeys(_CONTACT_FIELDS))
    return out


def _load(session: Session, spec: EntitySpec, record_id: int, actor: Principal) -> Any:
    obj = session.get(spec.model, record_id)
    if obj is None or not POLICY.may("read", actor, obj):
        raise NotFound(entity=spec.name, id=record_id)  # do not reveal that an unreadable record exists
    return obj


def allowed_actions(*, actor: Principal) -> list[str]:
    """The registry-wide actions `actor` may take (import, merge, …), for pages that offer them."""
    return POLICY.allowed(actor, None, REGISTRY_ACTIONS)


def get_record(session: Session, *, actor: Principal, spec: EntitySpec, record_id: int) -> BaseModel:
    return to_out(spec, _load(session, spec, record_id, actor), actor)


@dataclass(frozen=True)
class ListQuery:
    page: int = 1
    page_size: int = 20
    sort: str = "-id"
    kind: str | None = None
    region: str | None = None  # prefix match: 310000 → all of Shanghai when given as 31
    field: str | None = None  # a discipline / industry / IPC code held in any code list of the record
    created_from: date | None = None
    created_to: date | None = None
    organisation_id: int | None = None
    q: str | None = None  # simple substring on the title field (full-text search lives in matching)


def apply_filters(spec: EntitySpec, stmt: Select[Any], lq: ListQuery) -> Select[Any]:
    model: Any = spec.model
    cols = model.__table__.c
    if lq.kind and "kind" in cols:
        allowed = [m.value for m in cols["kind"].type.enum_class]
        if lq.kind not in allowed:
            raise Invalid([FieldError("kind", "field.invalid", {"detail": f"one of {', '.join(allowed)}"})])
        stmt = stmt.where(model.kind == lq.kind)
    if lq.region and "region_code" in cols:
        stmt = stmt.where(model.region_code.startswith(lq.region.rstrip("0") or lq.region))
    if lq.field:
        code_cols = [c for c in ("discipline_codes", "industry_codes", "ipc_codes") if c in cols]
        # JSON lists are stored as text on both backends; match the quoted code as a prefix, with LIKE's
        # wildcards (% _) taken literally.
        code = lq.field.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        conds = [cast(cols[c], String).like(f'%"{code}%', escape="!") for c in code_cols]
        stmt = stmt.where(or_(*conds) if conds else false())
    if lq.created_from:
        stmt = stmt.where(model.created_at >= datetime.combine(lq.created_from, time.min, UTC))
    if lq.created_to:  # inclusive: the whole of that day
        stmt = stmt.where(
            model.created_at < datetime.combine(lq.created_to + timedelta(days=1), time.min, UTC)
        )
    if lq.organisation_id is not None:
        stmt = stmt.where(_owner_col(spec) == lq.organisation_id)
    if lq.q:
        stmt = stmt.where(getattr(model, spec.title_field).contains(lq.q, autoescape=True))
    return stmt


def list_records(
    session: Session, *, actor: Principal, spec: EntitySpec, query: ListQuery
) -> tuple[list[BaseModel], int]:
    model: Any = spec.model
    stmt = apply_filters(spec, select(model).where(visible_clause(spec, actor)), query)
    if "merged_into_id" in model.__table__.c:
        stmt = stmt.where(model.merged_into_id.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    sort_field = query.sort.lstrip("-")
    if sort_field not in spec.sortable:
        raise Invalid([FieldError("sort", "field.invalid", {"detail": f"one of {', '.join(spec.sortable)}"})])
    col = getattr(model, sort_field)
    stmt = stmt.order_by(col.desc() if query.sort.startswith("-") else col.asc(), model.id.asc())
    stmt = stmt.offset((query.page - 1) * query.page_size).limit(query.page_size)
    rows = session.scalars(stmt).all()
    return [to_out(spec, r, actor) for r in rows], total


def validation_errors(exc: ValidationError, row: int | None = None) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "__row__"
        detail = err["msg"].removeprefix("Value error, ")
        out.append(FieldError(loc, f"pydantic.{err['type']}", {"detail": detail}, row))
    return out


def _values(spec: EntitySpec, data: BaseModel) -> dict[str, Any]:
    values = data.model_dump()
    values["key"] = spec.natural_key(values)
    return values


def _check_key_free(session: Session, spec: EntitySpec, key: str, own_id: int | None = None) -> None:
    model: Any = spec.model
    other = session.scalar(select(model.id).where(model.key == key))
    if other is not None and other != own_id:
        raise Conflict("error.duplicate_key", entity=spec.name, key=key, existing_id=other)


def _check_org_refs(session: Session, spec: EntitySpec, values: dict[str, Any]) -> None:
    for ref in spec.org_refs:
        ref_id = values.get(ref)
        if ref_id is not None and session.get(Organisation, ref_id) is None:
            raise Invalid([FieldError(ref, "field.unknown_reference", {"value": ref_id})])


def create_record(uow: UnitOfWork, *, actor: Principal, spec: EntitySpec, data: BaseModel) -> BaseModel:
    POLICY.require("create", actor)
    session = uow.session
    values = _values(spec, data)
    _check_owner(actor, values.get("organisation_id"))
    _check_org_refs(session, spec, values)
    _check_key_free(session, spec, values["key"])
    obj = spec.model(**values, created_by_id=actor.user_id)
    session.add(obj)
    session.flush()
    uow.audit(actor=actor, action="create", entity=spec.name, entity_id=obj.id, changes=_jsonable(values))  # type: ignore[attr-defined]
    uow.changed(spec.name, obj.id)  # type: ignore[attr-defined]
    return to_out(spec, obj, actor)


def _check_owner(actor: Principal, owner: int | None) -> None:
    """A record may be placed only with an organisation the actor may act for."""
    if owner is not None and not POLICY.may("assign_owner", actor, SimpleNamespace(owner_org_id=owner)):
        raise Forbidden("error.not_member_of_owner")


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | list | type(None)) else str(v)
        for k, v in values.items()
    }


def current_input(spec: EntitySpec, obj: Any) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in spec.fields}


def update_record(
    uow: UnitOfWork, *, actor: Principal, spec: EntitySpec, record_id: int, patch: dict[str, Any]
) -> BaseModel:
    session = uow.session
    obj = _load(session, spec, record_id, actor)
    POLICY.require("update", actor, obj)
    unknown = set(patch) - set(spec.fields)
    if unknown:
        raise Invalid([FieldError(f, "field.not_editable") for f in sorted(unknown)])
    try:
        data = spec.schema_in.model_validate({**current_input(spec, obj), **patch})
    except ValidationError as exc:
        raise Invalid(validation_errors(exc)) from exc
    values = _values(spec, data)
    if values.get("organisation_id") != getattr(obj, "organisation_id", None):
        _check_owner(actor, values.get("organisation_id"))  # moving a record is placing it anew
    _check_org_refs(session, spec, values)
    _check_key_free(session, spec, values["key"], own_id=obj.id)
    diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if diff:
        before = {k: getattr(obj, k) for k in diff}
        for k, v in diff.items():
            setattr(obj, k, v)
        session.flush()
        uow.audit(
            actor=actor,
            action="update",
            entity=spec.name,
            entity_id=obj.id,
            changes={"before": _jsonable(before), "after": _jsonable(diff)},
        )
        uow.changed(spec.name, obj.id)
    return to_out(spec, obj, actor)


def delete_record(
    uow: UnitOfWork, *, actor: Principal, spec: EntitySpec, record_id: int, reason: str | None = None
) -> None:
    session = uow.session
    obj = _load(session, spec, record_id, actor)
    POLICY.require("delete", actor, obj)
    session.delete(obj)
    session.flush()
    uow.audit(
        actor=actor,
        action="delete",
        entity=spec.name,
        entity_id=record_id,
        reason=reason,
        changes={"key": obj.key},
    )
    uow.changed(spec.name, record_id, "delete")


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)


def _chunks(seq: Sequence[Any], n: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def upsert_many(
    uow: UnitOfWork,
    *,
    actor: Principal,
    spec: EntitySpec,
    rows: Sequence[BaseModel],
    source: str | None = None,
    dry_run: bool = False,
) -> UpsertResult:
    """Insert new records and update changed ones by natural key, in bulk (imports).

    Rows must already be valid and their keys unique among themselves. Unchanged rows are left alone, so
    re-importing a file changes nothing.
    """
    if not POLICY.may("import", actor):
        raise Forbidden("error.import_needs_officer")
    session = uow.session
    table: Any = spec.model.__table__
    fields = spec.fields
    values_list = []
    for r in rows:
        values_list.append(_values(spec, r))
    existing: dict[str, Any] = {}
    cols = [table.c.id, table.c.key, *(table.c[f] for f in fields)]
    for chunk in _chunks([v["key"] for v in values_list], 500):
        for row in session.execute(select(*cols).where(table.c.key.in_(chunk))).mappings():
            existing[row["key"]] = row
    result = UpsertResult()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for v in values_list:
        old = existing.get(v["key"])
        if old is None:  # the file's name is the provenance of new records that name none themselves
            inserts.append({**v, "source": v.get("source") or source, "created_by_id": actor.user_id})
            continue
        # An existing record keeps its provenance unless the row states one.
        diff = {f: v[f] for f in fields if old[f] != v[f] and not (f == "source" and v[f] is None)}
        if not diff:
            result.unchanged += 1
            continue
        updates.append({"id": old["id"], **diff})
        result.updated_ids.append(old["id"])
        audits.append(
            {
                "actor_id": actor.user_id,
                "action": "import_update",
                "entity": spec.name,
                "entity_id": old["id"],
                "reason": source,
                "changes": {"before": _jsonable({f: old[f] for f in diff}), "after": _jsonable(diff)},
            }
        )
    result.created = len(inserts)
    result.updated = len(updates)
    if dry_run:
        return result
    for chunk in _chunks(inserts, 2000):
        ids = session.execute(insert(table).returning(table.c.id), list(chunk)).scalars().all()
        result.created_ids.extend(ids)
    for chunk in _chunks(updates, 2000):
        session.execute(update(spec.model), list(chunk))
    created_audits = [
        {
            "actor_id": actor.user_id,
            "action": "import_create",
            "entity": spec.name,
            "entity_id": i,
            "reason": source,
        }
        for i in result.created_ids
    ]
    for chunk in _chunks(created_audits + audits, 5000):
        session.execute(insert(AuditEvent.__table__), list(chunk))
    for i in result.created_ids + result.updated_ids:
        uow.changed(spec.name, i)
    return result


def count_records(session: Session, spec: EntitySpec) -> int:
    return session.scalar(select(func.count()).select_from(spec.model)) or 0
