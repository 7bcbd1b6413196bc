"""Building matching test data through the registry's services (so the index listener sees it)."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_user

from innobridge.core.accounts import principal_for, set_membership
from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM, Principal
from innobridge.core.users import Role
from innobridge.registry import schemas as s
from innobridge.registry import service
from innobridge.registry.entities import SPECS

_IN = {
    "organisation": s.OrganisationIn,
    "person": s.PersonIn,
    "instrument": s.InstrumentIn,
    "project": s.ProjectIn,
    "achievement": s.AchievementIn,
    "need": s.NeedIn,
    "dataset": s.DatasetIn,
}


def create(ctx: Context, entity: str, actor: Principal = SYSTEM, **fields: Any) -> int:
    with ctx.uow() as uow:
        out = service.create_record(uow, actor=actor, spec=SPECS[entity], data=_IN[entity](**fields))
    return out.id  # type: ignore[attr-defined, no-any-return]


def org(ctx: Context, name: str, kind: str = "university", **fields: Any) -> int:
    return create(ctx, "organisation", name_zh=name, kind=kind, **fields)


def member_of(ctx: Context, org_id: int, role: Role = Role.member) -> Principal:
    user = make_user(ctx, role=role)
    assert user.user_id is not None
    with ctx.uow() as uow:
        set_membership(uow, actor=SYSTEM, user_id=user.user_id, organisation_id=org_id)
    with ctx.session() as sess:
        principal = principal_for(sess, user.user_id)
    assert principal is not None
    return principal
