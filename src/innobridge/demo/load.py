"""Load the demo set through the registry and account services, idempotently.

Records are written with `registry.service.upsert_many` (natural keys make a second run a no-op);
organisation references are resolved from the demo's refs to ids by natural key. Demo users are
registered with `core.accounts` and given their roles and memberships only when missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.accounts import UserIn, register_user, set_membership
from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import Membership, OrgRole, Role, User
from innobridge.demo.generate import SOURCE, DemoRecord, build_demo, external_id
from innobridge.registry import service
from innobridge.registry.entities import ORDER, SPECS
from innobridge.registry.models import Organisation

Progress = Callable[[str, int], None]
"""Called after each step with the step's name (an entity or "user") and the records it covers."""


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    role: Role
    name: str
    org_ref: str | None = None  # demo organisation the user belongs to
    org_role: OrgRole = OrgRole.member


# Demo-only accounts with published passwords: created solely by `innobridge demo`, never in production.
DEMO_USERS: list[DemoUser] = [
    DemoUser("admin@demo.innobridge.example.org", "Admin-demo-2026", Role.platform_admin, "平台管理员"),
    DemoUser(
        "officer@demo.innobridge.example.org",
        "Officer-demo-2026",
        Role.programme_officer,
        "项目主管（科委）",
        "g_stc",
    ),
    DemoUser(
        "manager@demo.innobridge.example.org",
        "Manager-demo-2026",
        Role.tech_manager,
        "技术经理人",
        "s_tt",
    ),
    DemoUser(
        "enterprise@demo.innobridge.example.org",
        "Enterprise-demo-2026",
        Role.member,
        "企业用户（浦江智能芯片）",
        "e_chip",
    ),
    DemoUser(
        "researcher@demo.innobridge.example.org",
        "Research-demo-2026",
        Role.member,
        "科研人员（申江大学）",
        "u_sj",
    ),
]


def _validated(entity: str, values: dict[str, Any], org_ids: dict[str, int], rec: DemoRecord) -> BaseModel:
    spec = SPECS[entity]
    data = dict(values)
    if rec.org_ref is not None:
        data["organisation_id"] = org_ids[rec.org_ref]
    if rec.parent_ref is not None:
        data["parent_id"] = org_ids[rec.parent_ref]
    return spec.schema_in.model_validate(data)


def _ids_by_key(session: Session, model: Any, keys: list[str]) -> dict[str, int]:
    rows = session.execute(select(model.key, model.id).where(model.key.in_(keys))).all()
    return {k: i for k, i in rows}


def _load_records(uow: UnitOfWork, progress: Progress | None) -> dict[str, int]:
    demo = build_demo()
    by_entity = demo.by_entity()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    org_spec = SPECS["organisation"]
    org_ids: dict[str, int] = {}

    def upsert(entity: str, recs: list[DemoRecord]) -> None:
        spec = SPECS[entity]
        rows = [_validated(entity, r.values, org_ids, r) for r in recs]
        res = service.upsert_many(uow, actor=SYSTEM, spec=spec, rows=rows, source=SOURCE)
        counts["created"] += res.created
        counts["updated"] += res.updated
        counts["unchanged"] += res.unchanged
        if entity == "organisation":
            keys = [spec.natural_key(row.model_dump()) for row in rows]
            ids = _ids_by_key(uow.session, Organisation, keys)
            org_ids.update({r.ref: ids[k] for r, k in zip(recs, keys, strict=True)})

    # Parents first, so that children are written once with their parent_id (a rerun changes nothing).
    orgs = by_entity["organisation"]
    upsert("organisation", [r for r in orgs if r.parent_ref is None])
    upsert("organisation", [r for r in orgs if r.parent_ref is not None])
    if progress:
        progress(org_spec.name, len(orgs))
    for entity in ORDER:
        if entity == "organisation":
            continue
        upsert(entity, by_entity[entity])
        if progress:
            progress(entity, len(by_entity[entity]))
    return counts | {entity: len(recs) for entity, recs in by_entity.items()}


def _org_ids_by_ref(session: Session, refs: set[str]) -> dict[str, int]:
    wanted = {external_id("organisation", r): r for r in refs}
    rows = session.execute(
        select(Organisation.external_id, Organisation.id).where(Organisation.external_id.in_(wanted))
    ).all()
    return {wanted[e]: i for e, i in rows if e is not None}


def _load_users(uow: UnitOfWork) -> int:
    session = uow.session
    org_ids = _org_ids_by_ref(session, {u.org_ref for u in DEMO_USERS if u.org_ref})
    created = 0
    for u in DEMO_USERS:
        user_id = session.scalar(select(User.id).where(User.email == u.email))
        if user_id is None:
            out = register_user(
                uow, data=UserIn(email=u.email, name=u.name, password=u.password), role=u.role, actor=SYSTEM
            )
            user_id, created = out.id, created + 1
        if u.org_ref is None:
            continue
        org_id = org_ids[u.org_ref]
        has = session.scalar(
            select(Membership.id).where(Membership.user_id == user_id, Membership.organisation_id == org_id)
        )
        if has is None:
            set_membership(uow, actor=SYSTEM, user_id=user_id, organisation_id=org_id, role=u.org_role)
    return created


def load_demo(ctx: Context, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the demo set and demo users. Idempotent: a second run creates and changes nothing.

    Returns the number of records per entity in the demo set, `users` (demo accounts), and the
    `created` / `updated` / `unchanged` record counts of this run (`users_created` for accounts).
    """
    with ctx.uow() as uow:
        counts = _load_records(uow, progress)
    with ctx.uow() as uow:
        users_created = _load_users(uow)
    if progress:
        progress("user", len(DEMO_USERS))
    return counts | {"users": len(DEMO_USERS), "users_created": users_created}
