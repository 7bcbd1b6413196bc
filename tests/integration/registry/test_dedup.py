"""De-duplication on the database: find candidates, merge with history, audit and index notices."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import make_user

from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from innobridge.core.principal import SYSTEM, Principal
from innobridge.core.unit_of_work import Change
from innobridge.core.users import Membership, OrgRole
from innobridge.registry import service
from innobridge.registry.dedup import find_duplicates, merge_records
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Achievement, Affiliation, Organisation, Person
from innobridge.registry.rules import ucc_check_char
from innobridge.registry.schemas import AchievementIn, OrganisationIn, PersonIn

ORG, PERSON, ACH = SPECS["organisation"], SPECS["person"], SPECS["achievement"]


def ucc(body: str) -> str:
    return body + ucc_check_char(body)


def _create(ctx: Context, actor: Principal, spec: Any, data: Any) -> int:
    with ctx.uow() as uow:
        return int(service.create_record(uow, actor=actor, spec=spec, data=data).id)  # type: ignore[attr-defined]


@pytest.fixture
def chip_orgs(ctx: Context, officer: Principal) -> dict[str, int]:
    """A registered enterprise and a legacy duplicate of it carrying references of every kind."""
    keep = _create(
        ctx,
        officer,
        ORG,
        OrganisationIn(
            name_zh="上海浦江智能芯片有限公司",
            kind="enterprise",
            credit_code=ucc("91310115MA1FL1234"),
            region_code="310115",
        ),
    )
    dup = _create(
        ctx,
        officer,
        ORG,
        OrganisationIn(
            name_zh="上海浦江智能芯片公司",
            name_en="Pujiang Intelligent Chip Co., Ltd.",
            kind="enterprise",
            region_code="310115",
            website="https://chip.example.org",
            industry_codes=["I6520"],
        ),
    )
    other = _create(
        ctx,
        officer,
        ORG,
        OrganisationIn(name_zh="上海浦江生物医药有限公司", kind="enterprise", region_code="310115"),
    )
    child = _create(
        ctx, officer, ORG, OrganisationIn(name_zh="浦江芯片研究院", kind="research_institute", parent_id=dup)
    )
    person = _create(ctx, officer, PERSON, PersonIn(name_zh="张志强", organisation_id=dup))
    ach = _create(
        ctx, officer, ACH, AchievementIn(kind="technology", title="NPU 编译器", organisation_id=dup)
    )
    return {"keep": keep, "dup": dup, "other": other, "child": child, "person": person, "ach": ach}


def test_find_reports_same_name_in_same_region(
    ctx: Context, officer: Principal, chip_orgs: dict[str, int]
) -> None:
    with ctx.session() as s:
        found = find_duplicates(s, actor=officer, entity="organisation")
    pairs = {(c.a.id, c.b.id): c for c in found}
    key = tuple(sorted((chip_orgs["keep"], chip_orgs["dup"])))
    assert pairs[key].score == 1.0 and not pairs[key].certain
    assert pairs[key].reasons == ["same_name"]
    assert all(chip_orgs["other"] not in k for k in pairs)


def test_find_and_merge_need_an_officer(ctx: Context, member: Principal, chip_orgs: dict[str, int]) -> None:
    with pytest.raises(Forbidden), ctx.session() as s:
        find_duplicates(s, actor=member, entity="organisation")
    with pytest.raises(Forbidden), ctx.uow() as uow:
        merge_records(
            uow,
            actor=member,
            entity="organisation",
            keep_id=chip_orgs["keep"],
            merge_ids=[chip_orgs["dup"]],
            reason="x",
        )


def test_merge_organisation_moves_references_fills_fields_and_audits(
    ctx: Context, officer: Principal, chip_orgs: dict[str, int]
) -> None:
    keep, dup = chip_orgs["keep"], chip_orgs["dup"]
    both = make_user(ctx)  # member of both: the duplicate membership folds into one (admin role wins)
    only_dup = make_user(ctx)
    with ctx.uow() as uow:
        uow.session.add_all(
            [
                Membership(user_id=both.user_id, organisation_id=keep, role=OrgRole.member),
                Membership(user_id=both.user_id, organisation_id=dup, role=OrgRole.org_admin),
                Membership(user_id=only_dup.user_id, organisation_id=dup, role=OrgRole.member),
                Affiliation(
                    person_id=chip_orgs["person"], organisation_id=dup, role="工程师", start_year=2019
                ),
            ]
        )
    heard: list[Change] = []
    ctx.listeners.append(heard.extend)
    with ctx.uow() as uow:
        out = merge_records(
            uow, actor=officer, entity="organisation", keep_id=keep, merge_ids=[dup], reason="历史名录重复"
        )
    assert out.merged_ids == [dup]
    assert out.moved["people.organisation_id"] == [chip_orgs["person"]]
    assert out.moved["achievements.organisation_id"] == [chip_orgs["ach"]]
    assert out.moved["organisations.parent_id"] == [chip_orgs["child"]]
    assert len(out.moved["memberships.organisation_id"]) == 2
    assert set(out.filled) == {"name_en", "website", "industry_codes"}

    with ctx.session() as s:
        kept, gone = s.get(Organisation, keep), s.get(Organisation, dup)
        assert kept is not None and gone is not None
        assert gone.merged_into_id == keep and gone.name_zh == "上海浦江智能芯片公司"  # history kept
        assert kept.name_en == "Pujiang Intelligent Chip Co., Ltd." and kept.industry_codes == ["I6520"]
        assert kept.credit_code == ucc("91310115MA1FL1234")
        assert s.get(Person, chip_orgs["person"]).organisation_id == keep  # type: ignore[union-attr]
        assert s.get(Achievement, chip_orgs["ach"]).organisation_id == keep  # type: ignore[union-attr]
        assert s.get(Organisation, chip_orgs["child"]).parent_id == keep  # type: ignore[union-attr]
        assert s.scalars(select(Affiliation.organisation_id)).all() == [keep]
        roles = dict(
            s.execute(
                select(Membership.user_id, Membership.role).where(Membership.organisation_id == keep)
            ).all()
        )
        assert roles == {both.user_id: OrgRole.org_admin, only_dup.user_id: OrgRole.member}
        assert s.scalar(select(Membership.id).where(Membership.organisation_id == dup)) is None

        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "merge").order_by(AuditEvent.id)
        ).all()
        assert [(e.entity_id, e.reason) for e in events] == [(keep, "历史名录重复"), (dup, "历史名录重复")]
        assert events[0].actor_id == officer.user_id
        assert events[0].changes["merged_ids"] == [dup]  # type: ignore[index]
        assert events[1].changes["merged_into_id"] == keep  # type: ignore[index]
        assert events[1].changes["moved"]["people.organisation_id"] == [chip_orgs["person"]]  # type: ignore[index]
        assert (events[1].from_state, events[1].to_state) == ("active", "merged")

        items, _ = service.list_records(s, actor=officer, spec=ORG, query=service.ListQuery(page_size=50))
        assert dup not in {i.id for i in items}  # type: ignore[attr-defined]
        assert not any(
            dup in (c.a.id, c.b.id) for c in find_duplicates(s, actor=officer, entity="organisation")
        )

    announced = {(c.entity, c.entity_id) for c in heard}
    assert {("organisation", keep), ("organisation", dup), ("person", chip_orgs["person"])} <= announced
    assert {("achievement", chip_orgs["ach"]), ("organisation", chip_orgs["child"])} <= announced


def test_merge_moves_the_credit_code_and_natural_key_to_the_kept_record(
    ctx: Context, officer: Principal
) -> None:
    code = ucc("91310104MA1FL4321")
    keep = _create(ctx, officer, ORG, OrganisationIn(name_zh="上海徐汇云图软件有限公司", kind="enterprise"))
    dup = _create(
        ctx,
        officer,
        ORG,
        OrganisationIn(name_zh="云图软件", kind="enterprise", credit_code=code, region_code="310104"),
    )
    with ctx.uow() as uow:
        out = merge_records(
            uow, actor=officer, entity="organisation", keep_id=keep, merge_ids=[dup], reason="同一法人"
        )
    assert {"credit_code", "region_code", "key"} <= set(out.filled)
    with ctx.session() as s:
        kept, gone = s.get(Organisation, keep), s.get(Organisation, dup)
        assert kept is not None and gone is not None
        assert (kept.credit_code, kept.key) == (code, f"ucc:{code}")
        assert gone.credit_code is None and gone.key == f"merged:{dup}:ucc:{code}"
    # Re-importing the organisation by its credit code now updates the kept record.
    with ctx.uow() as uow:
        res = service.upsert_many(
            uow,
            actor=SYSTEM,
            spec=ORG,
            rows=[
                OrganisationIn(
                    name_zh="上海徐汇云图软件有限公司",
                    kind="enterprise",
                    credit_code=code,
                    region_code="310104",
                )
            ],
        )
    assert res.created == 0 and res.created_ids == []


def test_merge_people_moves_affiliations_and_fills_orcid(ctx: Context, officer: Principal) -> None:
    org = _create(ctx, officer, ORG, OrganisationIn(name_zh="申江大学", kind="university"))
    keep = _create(ctx, officer, PERSON, PersonIn(name_zh="王明远", organisation_id=org, title="教授"))
    dup = _create(
        ctx,
        officer,
        PERSON,
        PersonIn(name_zh="王明遠", name_en="Mingyuan Wang", organisation_id=org, orcid="0000-0002-7138-3315"),
    )
    with ctx.uow() as uow:
        uow.session.add(
            Affiliation(person_id=dup, organisation_id=org, role="博士后", start_year=2012, end_year=2014)
        )
    with ctx.session() as s:
        found = find_duplicates(s, actor=officer, entity="person")
    assert [(c.a.id, c.b.id, c.reasons) for c in found] == [(keep, dup, ["same_name"])]
    with ctx.uow() as uow:
        out = merge_records(
            uow, actor=officer, entity="person", keep_id=keep, merge_ids=[dup], reason="繁体重复录入"
        )
    assert out.moved == {"affiliations.person_id": [out.moved["affiliations.person_id"][0]]}
    assert {"orcid", "name_en", "key"} <= set(out.filled)
    with ctx.session() as s:
        kept = s.get(Person, keep)
        assert kept is not None and kept.key == "orcid:0000-0002-7138-3315" and kept.title == "教授"
        assert s.scalars(select(Affiliation.person_id)).all() == [keep]
        assert s.get(Person, dup).merged_into_id == keep  # type: ignore[union-attr]


def test_merge_rejects_bad_requests(ctx: Context, officer: Principal, chip_orgs: dict[str, int]) -> None:
    keep, dup, other = chip_orgs["keep"], chip_orgs["dup"], chip_orgs["other"]
    for kwargs in (
        {"merge_ids": [keep], "reason": "x"},
        {"merge_ids": [], "reason": "x"},
        {"merge_ids": [dup], "reason": "  "},
    ):
        with pytest.raises(Invalid), ctx.uow() as uow:
            merge_records(uow, actor=officer, entity="organisation", keep_id=keep, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFound), ctx.uow() as uow:
        merge_records(
            uow, actor=officer, entity="organisation", keep_id=keep, merge_ids=[999_999], reason="x"
        )
    with ctx.uow() as uow:
        merge_records(uow, actor=officer, entity="organisation", keep_id=keep, merge_ids=[dup], reason="x")
    with pytest.raises(Conflict), ctx.uow() as uow:
        merge_records(
            uow, actor=officer, entity="organisation", keep_id=other, merge_ids=[dup], reason="again"
        )
    with ctx.session() as s:  # the failed attempts left nothing behind
        assert s.get(Organisation, other).merged_into_id is None  # type: ignore[union-attr]


def test_demo_set_has_one_legacy_duplicate_to_merge(ctx: Context, officer: Principal) -> None:
    from innobridge.demo import load_demo

    load_demo(ctx)
    with ctx.session() as s:
        found = find_duplicates(s, actor=officer, entity="organisation")
        names = [{c.a.name, c.b.name} for c in found]
    assert {"上海浦江智能芯片有限公司", "上海浦江智能芯片公司"} in names
