"""Pure rules of matching: the introduction workflow as data, who may move it, result diversification,
and the matching-rate funnel. No database, no web."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from innobridge.core.principal import INSIDERS, Principal
from innobridge.matching.models import IntroState

S = IntroState
OPEN_STATES = frozenset({S.suggested, S.contacted, S.negotiating})
CLOSED_STATES = frozenset({S.signed, S.declined, S.withdrawn})
# "Accepted": both sides agreed to talk — contacted or any later stage of the pipeline.
ACCEPTED_STATES = frozenset({S.contacted, S.negotiating, S.signed})


@dataclass(frozen=True)
class Action:
    """One move of the workflow (one button): the states it starts from and the state it leads to."""

    name: str
    sources: frozenset[IntroState]
    target: IntroState
    needs_reason: bool
    label_zh: str
    label_en: str


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("contact", frozenset({S.suggested}), S.contacted, False, "已联系", "Contacted"),
        Action("negotiate", frozenset({S.contacted}), S.negotiating, False, "进入洽谈", "Negotiating"),
        Action("sign", frozenset({S.negotiating}), S.signed, False, "已签约", "Signed"),
        Action("decline", OPEN_STATES, S.declined, True, "谢绝", "Decline"),
        Action("withdraw", OPEN_STATES, S.withdrawn, True, "撤回", "Withdraw"),
        Action("reopen", frozenset({S.declined, S.withdrawn}), S.suggested, True, "重新打开", "Reopen"),
    )
}
# Timestamp column set when a state is first reached (funnel measurements read them).
STAMPS: dict[IntroState, str] = {
    S.contacted: "contacted_at",
    S.negotiating: "negotiating_at",
    S.signed: "signed_at",
    S.declined: "closed_at",
    S.withdrawn: "closed_at",
}
# Who may: managers (technology managers, programme officers, platform admins) take any action;
# members of the need's owner organisation may only step back from their own introductions.
MANAGER_ACTIONS = frozenset(ACTIONS)
NEED_OWNER_ACTIONS = frozenset({"decline", "withdraw"})


class IllegalMove(ValueError):
    """The action does not exist or cannot start from the current state."""


def action_for(name: str) -> Action:
    action = ACTIONS.get(name)
    if action is None:
        raise IllegalMove(f"unknown action {name!r}")
    return action


def check_move(state: IntroState, action_name: str, reason: str | None = None) -> IntroState:
    """The state `action_name` leads to from `state`; IllegalMove when it is not a legal move now."""
    action = action_for(action_name)
    if state not in action.sources:
        raise IllegalMove(f"{action_name} cannot start from {state}")
    if action.needs_reason and not (reason and reason.strip()):
        raise IllegalMove(f"{action_name} needs a reason")
    return action.target


def available_actions(state: IntroState) -> list[str]:
    return [a.name for a in ACTIONS.values() if state in a.sources]


def is_manager(actor: Principal) -> bool:
    return not actor.is_anonymous and actor.role in INSIDERS


def may_take(actor: Principal, action_name: str, need_owner_org_id: int | None) -> bool:
    """Permission only: whether this actor may take this action on an introduction of that need."""
    if actor.is_anonymous:
        return False
    if is_manager(actor):
        return action_name in MANAGER_ACTIONS
    owns_need = need_owner_org_id is not None and need_owner_org_id in actor.org_ids
    return owns_need and action_name in NEED_OWNER_ACTIONS


def may_suggest(actor: Principal, need_owner_org_id: int | None) -> bool:
    """Managers, and members of the organisation that posted the need, may ask for suggestions."""
    if is_manager(actor):
        return True
    return not actor.is_anonymous and need_owner_org_id is not None and need_owner_org_id in actor.org_ids


# --- diversification ------------------------------------------------------------------------------
T = TypeVar("T")


def diversify(
    ranked: Sequence[T], owner_of: Callable[[T], Hashable | None], *, per_owner: int, limit: int
) -> list[T]:
    """The first `limit` items of `ranked`, keeping at most `per_owner` per owner, in rank order.

    Items without an owner count each as their own. Items over an owner's cap are dropped rather than
    appended later: a list never shows one institution more than `per_owner` times.
    """
    if per_owner < 1:
        raise ValueError("per_owner must be at least 1")
    taken: dict[Hashable, int] = {}
    out: list[T] = []
    for item in ranked:
        if len(out) >= limit:
            break
        owner = owner_of(item)
        if owner is not None:
            if taken.get(owner, 0) >= per_owner:
                continue
            taken[owner] = taken.get(owner, 0) + 1
        out.append(item)
    return out


# --- the matching-rate funnel ----------------------------------------------------------------------
@dataclass(frozen=True)
class NeedFact:
    need_id: int
    published_at: datetime


@dataclass(frozen=True)
class IntroFact:
    need_id: int
    created_at: datetime
    contacted_at: datetime | None = None
    signed_at: datetime | None = None


@dataclass(frozen=True)
class Funnel:
    published: int  # needs published in the period
    suggested: int  # ... with at least one introduction (any state)
    accepted: int  # ... with one reaching `contacted` or beyond within `within_days` of publication
    signed: int  # ... with one signed (at any time so far)
    matching_rate: float | None  # accepted / published (None when nothing was published)
    deal_rate: float | None  # signed / published
    window_complete: bool  # every need of the period has had its full `within_days` by `as_of`


def as_utc(dt: datetime) -> datetime:
    """Naive datetimes (SQLite drops the zone) are UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def funnel(
    needs: Iterable[NeedFact],
    intros: Iterable[IntroFact],
    *,
    within_days: int,
    until: datetime,
    as_of: datetime,
) -> Funnel:
    """Matching rate as DOMAIN.md defines it: of the needs published in the period, the share that
    reached at least one accepted introduction within `within_days` of publication; plus the deal rate."""
    if within_days < 0:
        raise ValueError("within_days must not be negative")
    published = {n.need_id: as_utc(n.published_at) for n in needs}
    window = timedelta(days=within_days)
    suggested: set[int] = set()
    accepted: set[int] = set()
    signed: set[int] = set()
    for i in intros:
        start = published.get(i.need_id)
        if start is None:
            continue
        suggested.add(i.need_id)
        if i.contacted_at is not None and as_utc(i.contacted_at) - start <= window:
            accepted.add(i.need_id)
        if i.signed_at is not None:
            signed.add(i.need_id)
    n = len(published)
    return Funnel(
        published=n,
        suggested=len(suggested),
        accepted=len(accepted),
        signed=len(signed),
        matching_rate=_rate(len(accepted), n),
        deal_rate=_rate(len(signed), n),
        window_complete=as_utc(until) + window <= as_utc(as_of),
    )
