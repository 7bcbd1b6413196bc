"""The introduction workflow table, permissions and diversification (pure)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from innobridge.core.errors import NotFound
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.users import Role
from innobridge.matching import rules
from innobridge.matching.models import IntroState as S
from innobridge.matching.policy import POLICY
from innobridge.matching.service.introductions import WORKFLOW


def item(state: S, need_org: int | None = 7, candidate_org: int | None = 9) -> SimpleNamespace:
    contacted = "2026-01-01" if state in (S.contacted, S.negotiating, S.signed) else None
    return SimpleNamespace(
        state=state, need_org_id=need_org, candidate_org_id=candidate_org, contacted_at=contacted
    )


def legal(state: S) -> set[str]:
    return {a.name for a in WORKFLOW.legal(state)}


def test_happy_path_reaches_signed() -> None:
    state = S.suggested
    for action in ("contact", "negotiate", "sign"):
        assert action in legal(state)
        state = S(WORKFLOW.action(action).target)
    assert state == S.signed


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.suggested, "sign"),
        (S.suggested, "negotiate"),
        (S.contacted, "sign"),
        (S.signed, "decline"),
        (S.signed, "withdraw"),
        (S.declined, "contact"),
        (S.suggested, "reopen"),
        (S.signed, "reopen"),
    ],
)
def test_illegal_moves_are_not_offered(state: S, action: str) -> None:
    assert action not in legal(state)


def test_unknown_action_is_refused() -> None:
    with pytest.raises(NotFound):
        WORKFLOW.action("explode")


def test_closing_needs_a_reason_and_declining_a_reason_code() -> None:
    decline, withdraw, reopen = (WORKFLOW.action(n) for n in ("decline", "withdraw", "reopen"))
    assert decline.reason and withdraw.reason and reopen.reason
    assert {c.code for c in decline.reason_codes} >= {"not_relevant", "price", "other"}
    assert not WORKFLOW.action("contact").reason


def test_every_forward_move_stamps_its_first_time() -> None:
    for name, stamp in (("contact", "contacted_at"), ("negotiate", "negotiating_at"), ("sign", "signed_at")):
        action = WORKFLOW.action(name)
        assert action.stamp == stamp and action.stamp_once
    assert WORKFLOW.action("decline").stamp == "closed_at" and not WORKFLOW.action("decline").stamp_once
    assert WORKFLOW.action("reopen").clears == ("closed_at",)


def test_signed_is_terminal() -> None:
    assert legal(S.signed) == set()
    assert legal(S.suggested) == {"contact", "decline", "withdraw"}


def test_allowed_is_legal_and_permitted() -> None:
    manager = Principal(user_id=1, role=Role.tech_manager)
    need_side = Principal(user_id=2, org_ids=frozenset({7}))
    candidate_side = Principal(user_id=4, org_ids=frozenset({9}))
    stranger = Principal(user_id=3, org_ids=frozenset({8}))

    def allowed(actor: Principal, state: S) -> set[str]:
        return {a.name for a in WORKFLOW.allowed(actor, item(state))}

    assert allowed(manager, S.suggested) == {"contact", "decline", "withdraw"}
    assert allowed(need_side, S.suggested) == {"decline", "withdraw"}
    assert allowed(need_side, S.negotiating) == {"decline", "withdraw"}
    assert allowed(stranger, S.contacted) == allowed(ANONYMOUS, S.contacted) == set()
    assert allowed(candidate_side, S.contacted) == set()
    assert allowed(manager, S.declined) == {"reopen"}
    assert POLICY.may("suggest", need_side, SimpleNamespace(owner_org_id=7))
    assert POLICY.may("suggest", manager, SimpleNamespace(owner_org_id=None))
    assert not POLICY.may("suggest", stranger, SimpleNamespace(owner_org_id=7))
    # reading: the candidate's side only once it has been contacted
    assert not POLICY.may("read", candidate_side, item(S.suggested))
    assert POLICY.may("read", candidate_side, item(S.contacted))


def test_state_diagram_is_drawn_from_the_table() -> None:
    diagram = WORKFLOW.mermaid()
    assert diagram.startswith("stateDiagram-v2")
    assert "    suggested --> contacted: contact" in diagram
    assert "    negotiating --> declined: decline" in diagram
    assert "    withdrawn --> suggested: reopen" in diagram
    assert diagram.count("-->") == 1 + 3 + 3 + 3 + 2 + 3  # start + moves from every source + finals


def test_diversify_caps_each_owner_in_rank_order() -> None:
    ranked = [("a", 1), ("a", 2), ("a", 3), ("b", 4), (None, 5), (None, 6), ("a", 7), ("c", 8)]
    out = rules.diversify(ranked, lambda x: x[0], per_owner=2, limit=5)
    assert out == [("a", 1), ("a", 2), ("b", 4), (None, 5), (None, 6)]
    out = rules.diversify(ranked, lambda x: x[0], per_owner=1, limit=10)
    assert out == [("a", 1), ("b", 4), (None, 5), (None, 6), ("c", 8)]


def test_diversify_rejects_zero_cap() -> None:
    with pytest.raises(ValueError):
        rules.diversify([1], lambda x: x, per_owner=0, limit=1)
