"""The introduction workflow table, permissions and diversification (pure)."""

from __future__ import annotations

import pytest

from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.users import Role
from innobridge.matching import rules
from innobridge.matching.models import IntroState as S


def test_happy_path_reaches_signed() -> None:
    state = S.suggested
    for action in ("contact", "negotiate", "sign"):
        state = rules.check_move(state, action)
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
def test_illegal_moves_are_refused(state: S, action: str) -> None:
    with pytest.raises(rules.IllegalMove):
        rules.check_move(state, action, "because")


def test_unknown_action_is_illegal() -> None:
    with pytest.raises(rules.IllegalMove):
        rules.check_move(S.suggested, "explode")


def test_closing_and_reopening_need_a_reason() -> None:
    with pytest.raises(rules.IllegalMove):
        rules.check_move(S.contacted, "decline", "  ")
    assert rules.check_move(S.contacted, "decline", "价格不合适") == S.declined
    assert rules.check_move(S.declined, "reopen", "对方改变主意") == S.suggested


def test_every_action_target_is_stamped_or_suggested() -> None:
    for action in rules.ACTIONS.values():
        assert action.target in rules.STAMPS or action.target == S.suggested
        assert action.sources, action.name


def test_signed_is_terminal() -> None:
    assert rules.available_actions(S.signed) == []
    assert set(rules.available_actions(S.suggested)) == {"contact", "decline", "withdraw"}


def test_permissions_apart_from_rules() -> None:
    manager = Principal(user_id=1, role=Role.tech_manager)
    owner = Principal(user_id=2, org_ids=frozenset({7}))
    stranger = Principal(user_id=3, org_ids=frozenset({8}))
    for action in rules.ACTIONS:
        assert rules.may_take(manager, action, 7)
        assert not rules.may_take(stranger, action, 7)
        assert not rules.may_take(ANONYMOUS, action, 7)
    assert rules.may_take(owner, "withdraw", 7)
    assert rules.may_take(owner, "decline", 7)
    assert not rules.may_take(owner, "sign", 7)
    assert not rules.may_take(owner, "contact", 7)
    assert rules.may_suggest(owner, 7) and rules.may_suggest(manager, None)
    assert not rules.may_suggest(stranger, 7) and not rules.may_suggest(ANONYMOUS, 7)


def test_diversify_caps_each_owner_in_rank_order() -> None:
    ranked = [("a", 1), ("a", 2), ("a", 3), ("b", 4), (None, 5), (None, 6), ("a", 7), ("c", 8)]
    out = rules.diversify(ranked, lambda x: x[0], per_owner=2, limit=5)
    assert out == [("a", 1), ("a", 2), ("b", 4), (None, 5), (None, 6)]
    out = rules.diversify(ranked, lambda x: x[0], per_owner=1, limit=10)
    assert out == [("a", 1), ("b", 4), (None, 5), (None, 6), ("c", 8)]


def test_diversify_rejects_zero_cap() -> None:
    with pytest.raises(ValueError):
        rules.diversify([1], lambda x: x, per_owner=0, limit=1)
