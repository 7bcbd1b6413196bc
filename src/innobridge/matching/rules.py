"""Pure rules of matching: the introduction workflow as data, result diversification and the
matching-rate funnel. No database, no web."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from innobridge.core.workflow import Action, ReasonCode, State
from innobridge.matching.models import IntroState

S = IntroState
OPEN_STATES = frozenset({S.suggested, S.contacted, S.negotiating})
CLOSED_STATES = frozenset({S.signed, S.declined, S.withdrawn})
# "Accepted": both sides agreed to talk — contacted or any later stage of the pipeline.
ACCEPTED_STATES = frozenset({S.contacted, S.negotiating, S.signed})


DECLINE_REASONS = (
    ReasonCode("not_relevant", "技术方向不符", "Not what is needed"),
    ReasonCode("not_ready", "成熟度不够", "Not mature enough"),
    ReasonCode("price", "价格或条件不合适", "Price or terms do not fit"),
    ReasonCode("timing", "时机不合适", "Wrong timing"),
    ReasonCode("other_partner", "已选择其他合作方", "Chose another partner"),
    ReasonCode("no_response", "对方无回应", "No response"),
    ReasonCode("other", "其他", "Other"),
)
STATES = (
    State(S.suggested, "待联系", "Suggested"),
    State(S.contacted, "已联系", "Contacted"),
    State(S.negotiating, "洽谈中", "Negotiating"),
    State(S.signed, "已签约", "Signed", final=True),
    State(S.declined, "已谢绝", "Declined", final=True),
    State(S.withdrawn, "已撤回", "Withdrawn", final=True),
)
_OPEN = frozenset(s.value for s in OPEN_STATES)
# The introduction workflow as data (docs/workflows/introduction.md is generated from it). Who may is
# matching/policy.py; the engine (core/workflow.py) checks both, stamps, audits and notifies.
ACTIONS = (
    Action(
        "contact",
        frozenset({S.suggested}),
        S.contacted,
        "已联系",
        "Contacted",
        "broker",
        stamp="contacted_at",
    ),
    Action(
        "negotiate",
        frozenset({S.contacted}),
        S.negotiating,
        "进入洽谈",
        "Negotiating",
        "broker",
        stamp="negotiating_at",
    ),
    Action("sign", frozenset({S.negotiating}), S.signed, "已签约", "Signed", "broker", stamp="signed_at"),
    Action(
        "decline",
        _OPEN,
        S.declined,
        "谢绝",
        "Decline",
        "step_back",
        reason=True,
        reason_codes=DECLINE_REASONS,
        stamp="closed_at",
        stamp_once=False,
    ),
    Action(
        "withdraw",
        _OPEN,
        S.withdrawn,
        "撤回",
        "Withdraw",
        "step_back",
        reason=True,
        stamp="closed_at",
        stamp_once=False,
    ),
    Action(
        "reopen",
        frozenset({S.declined, S.withdrawn}),
        S.suggested,
        "重新打开",
        "Reopen",
        "broker",
        reason=True,
        clears=("closed_at",),
    ),
)


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
