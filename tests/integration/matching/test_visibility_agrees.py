"""Visibility is declared once (core/visibility.py) in three forms — Python, SQL and index — and they
agree: for every indexed entity and every kind of user, the records each form lets through are the same."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.context import Context
from innobridge.core.documents import doc_id
from innobridge.core.principal import ANONYMOUS, SYSTEM, Principal
from innobridge.core.users import Role
from innobridge.core.visibility import RECORDS
from innobridge.index.service import IndexService
from innobridge.registry import search as registry_search
from innobridge.registry.entities import SPECS
from innobridge.registry.service import visible_clause
from innobridge.search.types import Query

LEVELS = ("public", "registered", "internal")
FIELDS: dict[str, dict[str, Any]] = {
    "person": {"name_zh": "张三"},
    "instrument": {"name_zh": "质谱仪"},
    "project": {"title": "固态电池项目"},
    "achievement": {"title": "固态电池隔膜", "kind": "patent"},
    "need": {"title": "电池回收需求"},
    "dataset": {"title": "电池数据集"},
}


def _world(ctx: Context) -> dict[str, Principal]:
    org_a, org_b = org(ctx, "甲大学"), org(ctx, "乙公司", kind="enterprise")
    a_user, b_user = member_of(ctx, org_a), member_of(ctx, org_b)
    loner = member_of(ctx, org(ctx, "丙研究所", kind="research_institute", visibility="internal"))
    for level in LEVELS:
        org(ctx, f"{level}组织", visibility=level)
        for entity, fields in FIELDS.items():
            # owned by A; with no owner; by a member of B for B; by B's member with no owner (author grant)
            create(ctx, entity, **_renamed(fields, level + "甲"), visibility=level, organisation_id=org_a)
            create(ctx, entity, **_renamed(fields, level + "无主"), visibility=level)
            create(
                ctx, entity, b_user, **_renamed(fields, level + "乙"), visibility=level, organisation_id=org_b
            )
            create(ctx, entity, b_user, **_renamed(fields, level + "乙个人"), visibility=level)
    return {
        "anonymous": ANONYMOUS,
        "member of A": a_user,
        "member of B": b_user,
        "member of an internal org": loner,
        "signed in, no organisation": member_of_none(ctx),
        "technology manager": member_of(ctx, org_a, Role.tech_manager),
        "programme officer": member_of(ctx, org_b, Role.programme_officer),
        "platform admin": member_of(ctx, org_b, Role.platform_admin),
        "the platform itself": SYSTEM,
    }


def member_of_none(ctx: Context) -> Principal:
    from tests.conftest import make_user

    return make_user(ctx)


def _renamed(fields: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k: (prefix + v if k in ("title", "name_zh") else v) for k, v in fields.items()}


def test_python_sql_and_index_forms_agree(ctx: Context, index: IndexService) -> None:
    actors = _world(ctx)
    with ctx.session() as session:
        rows = {
            entity: session.scalars(select(SPECS[entity].model)).all()
            for entity in registry_search.INDEXED_ENTITIES
        }
        assert sum(len(r) for r in rows.values()) == 6 + 6 * 3 * 4
        for who, actor in actors.items():
            by_python = {
                doc_id(entity, r.id)
                for entity, rs in rows.items()
                for r in rs
                if RECORDS.may_read(actor, r.visibility, r.owner_org_id, r.created_by_id)
            }
            by_sql = {
                doc_id(entity, rid)
                for entity in registry_search.INDEXED_ENTITIES
                for rid in session.scalars(
                    select(SPECS[entity].model.id).where(visible_clause(SPECS[entity], actor))
                )
            }
            result = index.search(
                Query(text="", filters={"access": RECORDS.actor_tokens(actor)}, limit=1000, mode="lexical")
            )
            by_index = {hit.id for hit in result.hits}
            assert result.total == len(by_index)
            assert by_python == by_sql == by_index, who
            if who != "anonymous":
                assert by_python, who
    # the forms are not trivially equal: each kind of user sees a different slice
    assert len({frozenset(_ids(ctx, index, a)) for a in actors.values()}) >= 5


def _ids(ctx: Context, index: IndexService, actor: Principal) -> set[str]:
    q = Query(text="", filters={"access": RECORDS.actor_tokens(actor)}, limit=1000, mode="lexical")
    return {h.id for h in index.search(q).hits}
