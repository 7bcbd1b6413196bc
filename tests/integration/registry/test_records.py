"""Registry records through the service layer: create, read with visibility, update, delete, upsert."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from innobridge.core.models import Visibility
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.rules import ucc_check_char
from innobridge.registry.schemas import AchievementIn, OrganisationIn

ORG = SPECS["organisation"]
ACH = SPECS["achievement"]


def ucc(body: str) -> str:
    return body + ucc_check_char(body)


def test_create_read_and_audit(ctx: Context, officer: Principal) -> None:
    data = OrganisationIn(
        name_zh="上海示例研究院", kind="research_institute", credit_code=ucc("12310000425000001")
    )
    with ctx.uow() as uow:
        out = service.create_record(uow, actor=officer, spec=ORG, data=data)
    with ctx.session() as s:
        got = service.get_record(s, actor=ANONYMOUS, spec=ORG, record_id=out.id)  # type: ignore[attr-defined]
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "organisation")).all()
    assert got.name_zh == "上海示例研究院"  # type: ignore[attr-defined]
    assert got.key == "ucc:" + data.credit_code  # type: ignore[attr-defined,operator]
    assert [e.action for e in events] == ["create"]
    assert events[0].actor_id == officer.user_id


def test_anonymous_cannot_create(ctx: Context) -> None:
    with pytest.raises(Unauthorized), ctx.uow() as uow:
        service.create_record(
            uow, actor=ANONYMOUS, spec=ORG, data=OrganisationIn(name_zh="甲", kind="enterprise")
        )


def test_internal_records_hidden_from_anonymous_and_other_members(
    ctx: Context, officer: Principal, member: Principal
) -> None:
    with ctx.uow() as uow:
        hidden = service.create_record(
            uow,
            actor=officer,
            spec=ACH,
            data=AchievementIn(kind="patent", title="内部专利", visibility=Visibility.internal),
        )
        service.create_record(
            uow, actor=officer, spec=ACH, data=AchievementIn(kind="patent", title="公开专利")
        )
    with ctx.session() as s:
        for who in (ANONYMOUS, member):
            with pytest.raises(NotFound):
                service.get_record(s, actor=who, spec=ACH, record_id=hidden.id)  # type: ignore[attr-defined]
            items, total = service.list_records(s, actor=who, spec=ACH, query=service.ListQuery())
            assert [i.title for i in items] == ["公开专利"]  # type: ignore[attr-defined]
            assert total == 1
        _, total = service.list_records(s, actor=officer, spec=ACH, query=service.ListQuery())
        assert total == 2


def test_duplicate_natural_key_conflicts(ctx: Context, officer: Principal) -> None:
    code = ucc("91310000MA1FL0000")
    with ctx.uow() as uow:
        service.create_record(
            uow,
            actor=officer,
            spec=ORG,
            data=OrganisationIn(name_zh="甲公司", kind="enterprise", credit_code=code),
        )
    with pytest.raises(Conflict), ctx.uow() as uow:
        service.create_record(
            uow,
            actor=officer,
            spec=ORG,
            data=OrganisationIn(name_zh="乙公司", kind="enterprise", credit_code=code),
        )


def test_update_validates_whole_record_and_audits_diff(
    ctx: Context, officer: Principal, member: Principal
) -> None:
    with ctx.uow() as uow:
        rec = service.create_record(
            uow, actor=officer, spec=ACH, data=AchievementIn(kind="technology", title="旧名", trl=3)
        )
    rid = rec.id  # type: ignore[attr-defined]
    with pytest.raises(Invalid), ctx.uow() as uow:
        service.update_record(uow, actor=officer, spec=ACH, record_id=rid, patch={"trl": 12})
    with pytest.raises(Forbidden), ctx.uow() as uow:
        service.update_record(uow, actor=member, spec=ACH, record_id=rid, patch={"title": "被改"})
    with ctx.uow() as uow:
        out = service.update_record(
            uow, actor=officer, spec=ACH, record_id=rid, patch={"title": "新名", "trl": 6}
        )
    assert (out.title, out.trl) == ("新名", 6)  # type: ignore[attr-defined]
    with ctx.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    # The natural key follows the title when no identifier is given, and the audit shows it.
    assert ev.changes == {
        "before": {"title": "旧名", "trl": 3, "key": "name:旧名|0"},
        "after": {"title": "新名", "trl": 6, "key": "name:新名|0"},
    }


def test_sql_like_strings_are_stored_verbatim(ctx: Context, officer: Principal) -> None:
    title = "x'); DROP TABLE achievements; --"
    with ctx.uow() as uow:
        rec = service.create_record(
            uow, actor=officer, spec=ACH, data=AchievementIn(kind="paper", title=title)
        )
    with ctx.session() as s:
        assert service.get_record(s, actor=officer, spec=ACH, record_id=rec.id).title == title  # type: ignore[attr-defined]


def test_upsert_many_is_idempotent(ctx: Context, officer: Principal) -> None:
    rows = [AchievementIn(kind="patent", title=f"专利{i}", ip_number=f"CN10000{i}A") for i in range(5)]
    with ctx.uow() as uow:
        first = service.upsert_many(uow, actor=officer, spec=ACH, rows=rows)
    with ctx.uow() as uow:
        again = service.upsert_many(uow, actor=officer, spec=ACH, rows=rows)
    changed = [*rows[:4], AchievementIn(kind="patent", title="专利4（修订）", ip_number="CN100004A")]
    with ctx.uow() as uow:
        third = service.upsert_many(uow, actor=officer, spec=ACH, rows=changed)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    with ctx.session() as s:
        assert service.count_records(s, ACH) == 5
