"""The matching-rate funnel (对接率) of needs published in a period."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from innobridge.core.errors import FieldError, Invalid
from innobridge.core.models import utcnow
from innobridge.matching import rules
from innobridge.matching.models import Introduction
from innobridge.matching.schemas import (
    FunnelOut,
)
from innobridge.registry.models import Need


# --- the matching rate ----------------------------------------------------------------------------
def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def matching_rate(
    session: Session, *, since: date, until: date, within_days: int = 30, as_of: datetime | None = None
) -> FunnelOut:
    """The matching-rate funnel of needs published (created) from `since` to `until` inclusive.
    Aggregate counts only; registered-contract figures wait for the transfer feature."""
    if until < since:
        raise Invalid([FieldError("until", "field.invalid", {"detail": "before since"})])
    for name, day in (("since", since), ("until", until)):
        if not 1900 <= day.year <= 2100:
            raise Invalid([FieldError(name, "field.invalid", {"detail": "year 1900–2100"})])
    start, end = _start_of(since), _start_of(until + timedelta(days=1))
    in_period = and_(Need.created_at >= start, Need.created_at < end)
    needs = [
        rules.NeedFact(i, at) for i, at in session.execute(select(Need.id, Need.created_at).where(in_period))
    ]
    intros = [
        rules.IntroFact(n, c, contacted_at=ca, signed_at=sa)
        for n, c, ca, sa in session.execute(
            select(
                Introduction.need_id,
                Introduction.created_at,
                Introduction.contacted_at,
                Introduction.signed_at,
            )
            .join(Need, Need.id == Introduction.need_id)
            .where(in_period)
        )
    ]
    f = rules.funnel(needs, intros, within_days=within_days, until=end, as_of=as_of or utcnow())
    return FunnelOut(
        since=since,
        until=until,
        within_days=within_days,
        published=f.published,
        suggested=f.suggested,
        accepted=f.accepted,
        signed=f.signed,
        matching_rate=f.matching_rate,
        deal_rate=f.deal_rate,
        window_complete=f.window_complete,
    )
