"""Technology contracts: created as drafts by a party, 技术交易额 computed, bad amounts and parties refused
by field, registered by an officer (16-digit unique number, the seller's region), returned and refused with
reasons, stale moves refused, who sees what, notices to both parties, a timeline from the audit events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import make_user
from tests.integration.matching.factories import create
from tests.integration.transfer.conftest import contract_in, ucc

from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from innobridge.core.notifications import list_inbox
from innobridge.core.notifications.schemas import InboxQuery
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.users import Role
from innobridge.transfer import service
from innobridge.transfer.models import Contract, ContractState
from innobridge.transfer.schemas import ContractOut, ContractQuery, ContractUpdateIn

_GOOD = ucc("12310000425000009")
BAD_CHECK = _GOOD[:17] + ("1" if _GOOD[17] == "0" else "0")  # 18 characters, wrong check character


def new(ctx: Context, actor: Principal, parties: dict[str, Any], **over: Any) -> ContractOut:
    with ctx.uow() as uow:
        return service.create_contract(
            uow, actor=actor, data=contract_in(parties["buyer"], parties["seller"], **over)
        )


def move(ctx: Context, actor: Principal, contract_id: int, action: str, **kw: Any) -> ContractOut:
    with ctx.uow() as uow:
        return service.move_contract(uow, actor=actor, contract_id=contract_id, action=action, **kw)


def field_errors(err: pytest.ExceptionInfo[Invalid]) -> dict[str, str]:
    return {e.field: e.code for e in err.value.errors}


def test_a_party_creates_a_draft_with_the_computed_technology_amount(
    ctx: Context, parties: dict[str, Any]
) -> None:
    out = new(ctx, parties["buyer_member"], parties)
    assert out.state == ContractState.draft and out.version == 1
    assert out.technology_amount == Decimal("999999.50")
    assert (
        out.buyer.name == "精密制造有限公司" and out.buyer.credit_code and out.buyer.region_code == "310115"
    )
    assert out.seller.organisation_id == parties["seller"] and out.seller.region_code == "310104"
    assert out.type_label_zh == "技术转让"
    assert [a.name for a in out.allowed_actions] == ["submit"] and out.may_update and out.may_attach
    with ctx.session() as s:
        row = s.get(Contract, out.id)
        assert row is not None and row.technology_amount == Decimal("999999.50")


def test_technology_amount_cannot_be_typed_in(ctx: Context, parties: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="technology_amount"):
        contract_in(parties["buyer"], parties["seller"], technology_amount="1")


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        (
            {"equipment_amount": Decimal("1250000.01")},
            "equipment_amount",
            "transfer.error.equipment_above_total",
        ),
        ({"valid_until": "2026-01-01"}, "valid_until", "transfer.error.validity_order"),
        (
            {"seller": {"name": "某大学", "credit_code": BAD_CHECK, "region_code": "310104"}},
            "seller.credit_code",
            "transfer.error.credit_code",
        ),
        (
            {"seller": {"name": "某大学", "region_code": "310104"}},
            "seller.credit_code",
            "transfer.error.credit_code_required",
        ),
        (
            {"seller": {"credit_code": ucc("12310000425000002"), "region_code": "310104"}},
            "seller.name",
            "transfer.error.party_name_required",
        ),
        ({"seller": {"organisation_id": 999_999}}, "seller.organisation_id", "field.unknown_reference"),
        ({"need_id": 999_999}, "need_id", "field.unknown_reference"),
        ({"introduction_id": 999_999}, "introduction_id", "field.unknown_reference"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(
    ctx: Context, parties: dict[str, Any], over: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(Invalid) as err:
        new(ctx, parties["buyer_member"], parties, **over)
    assert field_errors(err)[field] == code
    with ctx.session() as s:
        assert s.scalar(select(Contract.id)) is None


def test_negative_amounts_are_refused_by_the_schema(parties: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="total_amount"):
        contract_in(parties["buyer"], parties["seller"], total_amount="-1")
    with pytest.raises(ValueError, match="equipment_amount"):
        contract_in(parties["buyer"], parties["seller"], equipment_amount="-0.01")


def test_a_party_named_by_name_and_code(ctx: Context, parties: dict[str, Any]) -> None:
    code = ucc("91440300MA5ABCDE1")
    out = new(
        ctx,
        parties["buyer_member"],
        parties,
        seller={"name": "深圳某科技有限公司", "credit_code": code.lower(), "region_code": "440305"},
    )
    assert out.seller.organisation_id is None and out.seller.credit_code == code
    assert out.seller.country_code == "CN" and out.seller.region_code == "440305"
    foreign = new(
        ctx, parties["buyer_member"], parties, seller={"name": "Fraunhofer IWS", "country_code": "DE"}
    )
    assert foreign.seller.credit_code is None and foreign.seller.country_code == "DE"


def test_a_member_records_only_contracts_of_their_organisation(ctx: Context, parties: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as err:
        new(ctx, parties["other_member"], parties)
    assert field_errors(err) == {"buyer.organisation_id": "transfer.error.not_a_party"}
    with pytest.raises(Unauthorized):
        new(ctx, ANONYMOUS, parties)


def test_links_to_records_the_actor_may_read(ctx: Context, parties: dict[str, Any]) -> None:
    need = create(ctx, "need", title="涂层需求", organisation_id=parties["buyer"])
    hidden = create(
        ctx, "need", title="别家内部需求", organisation_id=parties["other"], visibility="internal"
    )
    ach = create(ctx, "achievement", kind="patent", title="高温合金涂层", organisation_id=parties["seller"])
    out = new(ctx, parties["buyer_member"], parties, need_id=need, achievement_id=ach)
    assert out.need is not None and out.need.title == "涂层需求"
    assert out.achievement is not None and out.achievement.title == "高温合金涂层"
    with pytest.raises(Invalid) as err:
        new(ctx, parties["buyer_member"], parties, need_id=hidden)
    assert field_errors(err) == {"need_id": "field.unknown_reference"}


def test_registration_path_with_audit_notices_and_timeline(
    ctx: Context, parties: dict[str, Any], officer: Principal
) -> None:
    buyer, seller = parties["buyer_member"], parties["seller_member"]
    out = new(ctx, buyer, parties)
    out = move(ctx, seller, out.id, "submit", version=out.version)
    assert out.state == ContractState.submitted and out.submitted_at is not None
    assert [a.name for a in move_view(ctx, officer, out.id).allowed_actions] == [
        "register",
        "return",
        "refuse",
    ]
    assert not out.allowed_actions and not out.may_update  # the parties wait
    out = move(ctx, officer, out.id, "register", version=out.version, registration_number="2026310104000123")
    assert out.state == ContractState.registered
    assert out.registration_number == "2026310104000123" and out.registered_on is not None
    assert out.registration_region_code == "310104"  # the seller's region
    with ctx.session() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "contract").order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.to_state) for e in events] == [
            ("create", "draft"),
            ("submit", "submitted"),
            ("register", "registered"),
        ]
        # Both parties' members hear of every move (the actor excepted).
        inbox = {
            name: [n.event for n in list_inbox(s, actor=p, query=InboxQuery()).items]
            for name, p in (("buyer", buyer), ("seller", seller), ("other", parties["other_member"]))
        }
    assert sorted(inbox["buyer"]) == ["contract.register", "contract.submit"]
    assert sorted(inbox["seller"]) == ["contract.created", "contract.register"]
    assert inbox["other"] == []
    full = move_view(ctx, buyer, out.id)
    assert [h.action for h in full.history] == ["create", "submit", "register"]
    assert full.history[-1].to_zh == "已登记" and full.history[-1].action_en == "Register"


def move_view(ctx: Context, actor: Principal, contract_id: int) -> ContractOut:
    with ctx.session() as s:
        return service.get_contract(s, actor=actor, contract_id=contract_id)


def test_return_for_correction_then_resubmit(
    ctx: Context, parties: dict[str, Any], officer: Principal
) -> None:
    buyer = parties["buyer_member"]
    out = move(ctx, buyer, new(ctx, buyer, parties).id, "submit")
    with pytest.raises(Invalid) as err:
        move(ctx, officer, out.id, "return")
    assert field_errors(err) == {"reason": "workflow.error.reason_required"}
    out = move(ctx, officer, out.id, "return", reason="卖方盖章页缺失")
    assert out.state == ContractState.returned and out.may_update is False  # the officer does not edit
    mine = move_view(ctx, buyer, out.id)
    assert mine.may_update and [a.name for a in mine.allowed_actions] == ["submit"]
    data = ContractUpdateIn(
        **contract_in(parties["buyer"], parties["seller"], total_amount="1300000").model_dump(),
        version=mine.version,
    )
    with ctx.uow() as uow:
        edited = service.update_contract(uow, actor=buyer, contract_id=out.id, data=data)
    assert edited.technology_amount == Decimal("1049999.50") and edited.version == mine.version + 1
    out = move(ctx, buyer, out.id, "submit", version=edited.version)
    assert out.state == ContractState.submitted
    assert [h.reason for h in move_view(ctx, buyer, out.id).history if h.action == "return"] == [
        "卖方盖章页缺失"
    ]


def test_refusal_needs_a_code_from_the_list(
    ctx: Context, parties: dict[str, Any], officer: Principal
) -> None:
    buyer = parties["buyer_member"]
    out = move(ctx, buyer, new(ctx, buyer, parties).id, "submit")
    with pytest.raises(Invalid) as err:
        move(ctx, officer, out.id, "refuse")
    assert field_errors(err) == {"reason_code": "workflow.error.reason_code_required"}
    with pytest.raises(Invalid):
        move(ctx, officer, out.id, "refuse", reason_code="too_expensive")
    out = move(ctx, officer, out.id, "refuse", reason_code="monopolising", reason="第 7 条限制买方改进技术")
    assert out.state == ContractState.refused and out.allowed_actions == []
    last = move_view(ctx, buyer, out.id).history[-1]
    assert (last.reason_code, last.reason_code_zh) == ("monopolising", "含有非法垄断技术的条款")
    with pytest.raises(Conflict):  # final: nothing moves it again
        move(ctx, buyer, out.id, "submit")


def test_registration_number_format_and_uniqueness(
    ctx: Context, parties: dict[str, Any], officer: Principal
) -> None:
    buyer = parties["buyer_member"]
    first = move(ctx, buyer, new(ctx, buyer, parties).id, "submit")
    second = move(ctx, buyer, new(ctx, buyer, parties).id, "submit")
    for bad in (None, "", "202631010400012", "20263101040001x3"):
        with pytest.raises(Invalid) as err:
            move(ctx, officer, first.id, "register", registration_number=bad)
        assert set(field_errors(err)) == {"registration_number"}
    move(ctx, officer, first.id, "register", registration_number="2026310104000123")
    with pytest.raises(Conflict) as dup:
        move(ctx, officer, second.id, "register", registration_number="2026310104000123")
    assert (
        dup.value.code == "transfer.error.number_taken" and dup.value.params["number"] == "2026310104000123"
    )
    assert move_view(ctx, officer, second.id).state == ContractState.submitted  # changed nothing
    with pytest.raises(Invalid):  # only registering takes a number
        move(ctx, officer, second.id, "return", reason="x", registration_number="2026310104000124")


def test_who_may_do_what(ctx: Context, parties: dict[str, Any], officer: Principal) -> None:
    buyer, other = parties["buyer_member"], parties["other_member"]
    manager = make_user(ctx, role=Role.tech_manager)
    out = new(ctx, buyer, parties)
    with pytest.raises(NotFound):  # a third organisation does not learn that it exists
        move_view(ctx, other, out.id)
    with pytest.raises(NotFound):
        move(ctx, other, out.id, "submit")
    with pytest.raises(Forbidden):  # officers register; they do not submit for the parties
        move(ctx, officer, out.id, "submit")
    assert move_view(ctx, manager, out.id).allowed_actions == []  # managers read
    out = move(ctx, buyer, out.id, "submit")
    with pytest.raises(Forbidden):
        move(ctx, buyer, out.id, "register", registration_number="2026310104000123")
    with pytest.raises(Forbidden):
        move(ctx, manager, out.id, "register", registration_number="2026310104000123")
    data = ContractUpdateIn(
        **contract_in(parties["buyer"], parties["seller"]).model_dump(), version=out.version
    )
    with pytest.raises(Conflict) as err, ctx.uow() as uow:  # submitted: no longer editable
        service.update_contract(uow, actor=buyer, contract_id=out.id, data=data)
    assert err.value.code == "transfer.error.not_editable"


def test_stale_moves_and_edits_are_refused(ctx: Context, parties: dict[str, Any], officer: Principal) -> None:
    buyer = parties["buyer_member"]
    out = new(ctx, buyer, parties)
    data = ContractUpdateIn(
        **contract_in(parties["buyer"], parties["seller"], project_name="改名").model_dump(),
        version=out.version,
    )
    with ctx.uow() as uow:
        service.update_contract(uow, actor=buyer, contract_id=out.id, data=data)
    with pytest.raises(Conflict) as err, ctx.uow() as uow:
        service.update_contract(uow, actor=buyer, contract_id=out.id, data=data)  # same version again
    assert err.value.code == "workflow.error.stale"
    with pytest.raises(Conflict) as err:
        move(ctx, buyer, out.id, "submit", version=out.version)
    assert err.value.code == "workflow.error.stale"
    assert move_view(ctx, buyer, out.id).state == ContractState.draft


def test_lists_mine_and_the_officers_queue(ctx: Context, parties: dict[str, Any], officer: Principal) -> None:
    buyer = parties["buyer_member"]
    a = new(ctx, buyer, parties)
    b = move(ctx, buyer, new(ctx, buyer, parties).id, "submit")
    with ctx.session() as s:
        mine = service.list_contracts(s, actor=buyer, query=ContractQuery())
        theirs = service.list_contracts(s, actor=parties["other_member"], query=ContractQuery())
        queue = service.list_contracts(s, actor=officer, query=ContractQuery(state=ContractState.submitted))
        everything = service.list_contracts(s, actor=officer, query=ContractQuery())
    assert {c.id for c in mine.items} == {a.id, b.id} and mine.queue is None
    assert theirs.total == 0
    assert [c.id for c in queue.items] == [b.id] and queue.queue == 1
    assert everything.total == 2
    with pytest.raises(Unauthorized), ctx.session() as s:
        service.list_contracts(s, actor=ANONYMOUS, query=ContractQuery())
