"""Introductions: suggested from matches (idempotent), moved through the workflow with audit events,
illegal moves refused, permissions apart from rules, who sees which, and the matching rate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.conftest import make_user
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from innobridge.core.notifications import list_inbox
from innobridge.core.notifications.schemas import InboxQuery
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.users import Role
from innobridge.index.service import IndexService
from innobridge.matching import service
from innobridge.matching.models import CandidateKind, Introduction, IntroState
from innobridge.matching.schemas import IntroductionIn, IntroductionQuery
from innobridge.matching.service.introductions import WORKFLOW
from innobridge.registry.models import Need, NeedStatus


@pytest.fixture
def world(ctx: Context, index: IndexService) -> dict[str, int]:
    firm = org(ctx, "智能制造有限公司", kind="enterprise")
    lab = org(ctx, "机器人研究院", kind="research_institute")
    ids = {"firm": firm, "lab": lab}
    ids["ach"] = create(ctx, "achievement", kind="patent", title="协作机器人力控关节", organisation_id=lab)
    ids["ach2"] = create(ctx, "achievement", kind="software", title="机器人视觉标定软件", organisation_id=lab)
    ids["person"] = create(ctx, "person", name_zh="王机器人", keywords=["机器人"], organisation_id=lab)
    ids["need"] = create(ctx, "need", title="机器人力控关节需求", keywords=["机器人"], organisation_id=firm)
    return ids


@pytest.fixture
def manager(ctx: Context) -> Principal:
    return make_user(ctx, role=Role.tech_manager)


def move(
    ctx: Context,
    actor: Principal,
    intro_id: int,
    action: str,
    reason: str | None = None,
    *,
    code: str | None = None,
    version: int | None = None,
) -> IntroState:
    with ctx.uow() as uow:
        return service.move_introduction(
            uow,
            actor=actor,
            introduction_id=intro_id,
            action=action,
            reason=reason,
            reason_code=code,
            version=version,
        ).state


def test_suggest_stores_top_candidates_once(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    with ctx.uow() as uow:
        first = service.suggest_introductions(uow, actor=manager, index=index, need_id=world["need"])
    got = {(i.candidate_kind, i.candidate_id) for i in first.created}
    assert (CandidateKind.achievement, world["ach"]) in got
    assert (CandidateKind.person, world["person"]) in got
    assert (CandidateKind.organisation, world["lab"]) in got
    assert all(i.state == IntroState.suggested and i.manager_id == manager.user_id for i in first.created)
    intro = next(
        i for i in first.created if i.candidate_id == world["ach"] and i.candidate_kind == "achievement"
    )
    assert intro.candidate_title == "协作机器人力控关节" and intro.need_title == "机器人力控关节需求"
    assert intro.explanation is not None and intro.explanation["reasons"]
    assert intro.candidate_org_id == world["lab"]
    with ctx.uow() as uow:
        again = service.suggest_introductions(uow, actor=manager, index=index, need_id=world["need"])
    assert again.created == [] and again.existing == len(first.created)
    with ctx.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "suggest")).all()
    assert len(events) == len(first.created)
    assert {e.to_state for e in events} == {"suggested"}


def test_full_workflow_leaves_audit_events(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(
                need_id=world["need"], candidate_kind="achievement", candidate_id=world["ach"]
            ),
        )
    assert [a.name for a in intro.allowed_actions] == ["contact", "decline", "withdraw"]
    assert move(ctx, manager, intro.id, "contact") == IntroState.contacted
    assert move(ctx, manager, intro.id, "negotiate", "双方约谈") == IntroState.negotiating
    assert move(ctx, manager, intro.id, "sign") == IntroState.signed
    with ctx.session() as s:
        got = service.get_introduction(s, actor=manager, introduction_id=intro.id)
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "introduction", AuditEvent.entity_id == intro.id)
            .order_by(AuditEvent.id)
        ).all()
        need = s.get(Need, world["need"])
        need_events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "need", AuditEvent.action == "matched")
        ).all()
    assert got.contacted_at and got.negotiating_at and got.signed_at and got.allowed_actions == []
    assert [h.action for h in got.history] == ["create", "contact", "negotiate", "sign"]
    assert got.history[-1].to_zh == "已签约" and got.history[2].reason == "双方约谈"
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("create", None, "suggested"),
        ("contact", "suggested", "contacted"),
        ("negotiate", "contacted", "negotiating"),
        ("sign", "negotiating", "signed"),
    ]
    assert events[2].reason == "双方约谈" and all(e.actor_id == manager.user_id for e in events)
    assert need is not None and need.status == NeedStatus.matched
    assert [(e.from_state, e.to_state) for e in need_events] == [("open", "matched")]


def test_illegal_moves_are_refused(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=world["need"], candidate_kind="person", candidate_id=world["person"]),
        )
    with pytest.raises(Conflict):
        move(ctx, manager, intro.id, "sign")
    with pytest.raises(Invalid) as refused:
        move(ctx, manager, intro.id, "decline")  # a reason and a reason code are required
    assert {e.field for e in refused.value.errors} == {"reason", "reason_code"}
    with pytest.raises(Invalid):
        move(ctx, manager, intro.id, "decline", "专家时间冲突", code="no-such-code")
    with pytest.raises(NotFound):
        move(ctx, manager, intro.id, "teleport")
    assert move(ctx, manager, intro.id, "decline", "专家时间冲突", code="timing") == IntroState.declined
    with pytest.raises(Conflict):
        move(ctx, manager, intro.id, "contact")
    assert move(ctx, manager, intro.id, "reopen", "专家有空了") == IntroState.suggested
    with ctx.session() as s:
        assert service.get_introduction(s, actor=manager, introduction_id=intro.id).closed_at is None
        refused = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == intro.id, AuditEvent.action == "sign")
        ).all()
    assert refused == []  # a refused move writes nothing


def test_duplicate_and_unknown_candidates(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    data = IntroductionIn(need_id=world["need"], candidate_kind="achievement", candidate_id=world["ach"])
    with ctx.uow() as uow:
        service.create_introduction(uow, actor=manager, data=data)
    with pytest.raises(Conflict), ctx.uow() as uow:
        service.create_introduction(uow, actor=manager, data=data)
    with pytest.raises(Invalid), ctx.uow() as uow:
        service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=world["need"], candidate_kind="instrument", candidate_id=99999),
        )


def test_permissions(ctx: Context, index: IndexService, world: dict[str, int], manager: Principal) -> None:
    owner = member_of(ctx, world["firm"])
    candidate_side = member_of(ctx, world["lab"])
    stranger = make_user(ctx)
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=owner,  # the need's organisation may introduce its own need
            data=IntroductionIn(
                need_id=world["need"], candidate_kind="achievement", candidate_id=world["ach"]
            ),
        )
    assert intro.manager_id is None
    with pytest.raises(Forbidden):
        move(ctx, owner, intro.id, "contact")  # only managers broker
    with pytest.raises(NotFound):
        move(ctx, stranger, intro.id, "withdraw")  # cannot even see it
    with pytest.raises(NotFound):
        move(ctx, candidate_side, intro.id, "contact")  # not a party before contact
    with pytest.raises(Unauthorized):
        move(ctx, ANONYMOUS, intro.id, "contact")
    with pytest.raises(Forbidden), ctx.uow() as uow:
        service.suggest_introductions(uow, actor=stranger, index=index, need_id=world["need"])
    assert move(ctx, manager, intro.id, "contact") == IntroState.contacted
    with pytest.raises(Forbidden):
        move(ctx, candidate_side, intro.id, "withdraw")  # a party now, but it cannot move it
    assert move(ctx, owner, intro.id, "withdraw", "内部自研") == IntroState.withdrawn
    with ctx.session() as s:
        assert (
            service.get_introduction(s, actor=candidate_side, introduction_id=intro.id).manager_id
            == manager.user_id
        )


def test_who_sees_which_introductions(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    with ctx.uow() as uow:
        created = service.suggest_introductions(
            uow, actor=manager, index=index, need_id=world["need"]
        ).created
    contacted = created[0]
    move(ctx, manager, contacted.id, "contact")
    owner, candidate_side, stranger = (
        member_of(ctx, world["firm"]),
        member_of(ctx, world["lab"]),
        make_user(ctx),
    )
    with ctx.session() as s:

        def total(actor: Principal, **q: object) -> int:
            return service.list_introductions(s, actor=actor, query=IntroductionQuery(**q)).total  # type: ignore[arg-type]

        assert total(manager) == len(created)
        assert total(manager, mine=True) == len(created)
        assert total(owner) == len(created)
        assert total(candidate_side) == 1  # only the contacted one
        assert total(stranger) == 0
        assert total(manager, state="contacted") == 1
        assert total(manager, candidate_kind="person") == sum(i.candidate_kind == "person" for i in created)
        page = service.list_introductions(s, actor=manager, query=IntroductionQuery(page_size=2))
        assert len(page.items) == 2 and page.items[0].id == contacted.id  # most recently updated first
        with pytest.raises(Unauthorized):
            total(ANONYMOUS)


def test_matching_rate_from_the_database(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    other = create(ctx, "need", title="另一个需求：陶瓷3D打印")
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(
                need_id=world["need"], candidate_kind="achievement", candidate_id=world["ach"]
            ),
        )
        service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=other, candidate_kind="achievement", candidate_id=world["ach2"]),
        )
    move(ctx, manager, intro.id, "contact")
    today = datetime.now(UTC).date()
    with ctx.session() as s:
        f = service.matching_rate(s, since=today, until=today, within_days=30)
        empty = service.matching_rate(s, since=date(2000, 1, 1), until=date(2000, 12, 31))
        with pytest.raises(Invalid):
            service.matching_rate(s, since=today, until=today - timedelta(days=1))
    assert (f.published, f.suggested, f.accepted, f.signed) == (2, 2, 1, 0)
    assert f.matching_rate == 0.5 and f.deal_rate == 0.0
    assert f.registered is None and not f.registered_available and not f.window_complete
    assert empty.published == 0 and empty.matching_rate is None and empty.window_complete


def test_a_move_on_a_stale_version_is_refused_and_never_applied_twice(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=world["need"], candidate_kind="person", candidate_id=world["person"]),
        )
    seen = intro.version
    assert move(ctx, manager, intro.id, "contact", version=seen) == IntroState.contacted
    with pytest.raises(Conflict) as stale:  # the same button pressed twice, or by two managers at once
        move(ctx, manager, intro.id, "contact", version=seen)
    assert stale.value.code == "workflow.error.stale"
    with pytest.raises(Conflict):  # a later action on the old version is refused too, though now legal
        move(ctx, manager, intro.id, "negotiate", version=seen)
    assert move(ctx, manager, intro.id, "negotiate", version=seen + 1) == IntroState.negotiating
    with ctx.session() as s:
        got = service.get_introduction(s, actor=manager, introduction_id=intro.id)
        moves = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "introduction", AuditEvent.entity_id == intro.id
            )
        ).all()
    assert got.version == seen + 2 and moves.count("contact") == 1


def test_both_sides_and_the_manager_hear_of_moves_in_their_inbox(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    need_side = member_of(ctx, world["firm"])
    candidate_side = member_of(ctx, world["lab"])
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(
                need_id=world["need"], candidate_kind="achievement", candidate_id=world["ach"]
            ),
        )
    move(ctx, manager, intro.id, "contact")
    move(ctx, need_side, intro.id, "decline", "预算不足", code="price")
    with ctx.session() as s:

        def events(p: Principal) -> list[str]:
            return [n.event for n in reversed(list_inbox(s, actor=p, query=InboxQuery()).items)]

        assert events(need_side) == ["introduction.created", "introduction.contact"]  # not its own decline
        assert events(candidate_side) == [
            "introduction.contact",
            "introduction.decline",
        ]  # a party once contacted
        assert events(manager) == ["introduction.decline"]
        declined = list_inbox(s, actor=manager, query=InboxQuery()).items[0]
    assert "预算不足" in declined.body and "价格或条件不合适" in declined.body


def test_a_party_does_not_read_the_other_sides_hidden_record_through_an_introduction(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    secret = create(
        ctx,
        "achievement",
        kind="patent",
        title="内部保密工艺",
        organisation_id=world["lab"],
        visibility="internal",
    )
    need_side = member_of(ctx, world["firm"])
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=world["need"], candidate_kind="achievement", candidate_id=secret),
        )
    assert intro.candidate_title == "内部保密工艺"  # the manager may read it
    with ctx.session() as s:
        seen = service.get_introduction(s, actor=need_side, introduction_id=intro.id)
    assert seen.candidate_title is None and seen.need_title == "机器人力控关节需求"


def test_racing_writers_cannot_both_move_the_same_version(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    """Two managers load the introduction at version 1; the first commits; the second's UPDATE carries
    `WHERE version = 1` and is refused as stale — even without a version from the client."""
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=world["need"], candidate_kind="person", candidate_id=world["person"]),
        )
    late = ctx.uow()
    with pytest.raises(Conflict) as refused, late:
        loaded = late.session.get(Introduction, intro.id)  # loaded before the other commit lands
        assert loaded is not None and loaded.version == 1
        assert move(ctx, manager, intro.id, "withdraw", "需求方已自研") == IntroState.withdrawn
        WORKFLOW.apply(late, actor=manager, item=loaded, action="contact", version=None)
    assert refused.value.code == "workflow.error.race"
    with ctx.session() as s:
        got = service.get_introduction(s, actor=manager, introduction_id=intro.id)
    assert got.state == IntroState.withdrawn and [h.action for h in got.history] == ["create", "withdraw"]


def test_the_list_and_the_single_read_agree_on_who_sees_an_introduction(
    ctx: Context, index: IndexService, world: dict[str, int], manager: Principal
) -> None:
    """The list's SQL scope and the policy's `read` are two forms of one rule: they must agree."""
    ids = []
    for kind, cid in (
        ("achievement", world["ach"]),
        ("achievement", world["ach2"]),
        ("person", world["person"]),
    ):
        with ctx.uow() as uow:
            ids.append(
                service.create_introduction(
                    uow,
                    actor=manager,
                    data=IntroductionIn(need_id=world["need"], candidate_kind=kind, candidate_id=cid),
                ).id
            )
    move(ctx, manager, ids[1], "contact")
    move(ctx, manager, ids[2], "withdraw", "不再需要")
    actors = {
        "manager": manager,
        "need side": member_of(ctx, world["firm"]),
        "candidate side": member_of(ctx, world["lab"]),
        "stranger": member_of(ctx, org(ctx, "无关公司", kind="enterprise")),
    }
    seen = {}
    with ctx.session() as s:
        for who, actor in actors.items():
            listed = {
                i.id for i in service.list_introductions(s, actor=actor, query=IntroductionQuery()).items
            }
            readable = set()
            for i in ids:
                try:
                    service.get_introduction(s, actor=actor, introduction_id=i)
                    readable.add(i)
                except NotFound:
                    pass
            assert listed == readable, who
            seen[who] = listed
    assert seen["manager"] == seen["need side"] == set(ids)
    # the candidate's side: only what it was contacted about (not one withdrawn before anyone called)
    assert seen["candidate side"] == {ids[1]} and seen["stranger"] == set()
