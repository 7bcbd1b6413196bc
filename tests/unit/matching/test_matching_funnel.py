"""The matching-rate funnel (pure): accepted within N days of publication, deals, empty periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from innobridge.matching.rules import IntroFact, NeedFact, funnel

T0 = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 31, tzinfo=UTC)


def d(days: float) -> datetime:
    return T0 + timedelta(days=days)


def test_counts_needs_not_introductions() -> None:
    needs = [NeedFact(1, T0), NeedFact(2, T0), NeedFact(3, T0), NeedFact(4, T0)]
    intros = [
        IntroFact(1, d(1), contacted_at=d(5)),
        IntroFact(1, d(1), contacted_at=d(6)),  # a second accepted one for need 1 counts once
        IntroFact(2, d(1), contacted_at=d(45)),  # accepted, but too late for a 30-day window
        IntroFact(3, d(1)),  # suggested only
        IntroFact(9, d(1), contacted_at=d(2)),  # need outside the period
    ]
    f = funnel(needs, intros, within_days=30, until=UNTIL, as_of=d(100))
    assert (f.published, f.suggested, f.accepted, f.signed) == (4, 3, 1, 0)
    assert f.matching_rate == pytest.approx(0.25)
    assert f.deal_rate == 0.0
    assert f.window_complete


def test_deal_rate_and_open_window() -> None:
    needs = [NeedFact(1, T0), NeedFact(2, d(10))]
    intros = [IntroFact(1, d(1), contacted_at=d(2), signed_at=d(90)), IntroFact(2, d(11), contacted_at=d(12))]
    f = funnel(needs, intros, within_days=30, until=UNTIL, as_of=d(40))
    assert f.matching_rate == 1.0
    assert f.deal_rate == 0.5
    assert not f.window_complete  # needs published at the end of March have not had 30 days yet


def test_naive_datetimes_are_utc() -> None:
    naive = datetime(2026, 3, 3)  # as SQLite returns them
    f = funnel(
        [NeedFact(1, T0)], [IntroFact(1, naive, contacted_at=naive)], within_days=3, until=UNTIL, as_of=UNTIL
    )
    assert f.accepted == 1


def test_empty_period_has_no_rate() -> None:
    f = funnel([], [], within_days=30, until=UNTIL, as_of=UNTIL)
    assert f.published == 0 and f.matching_rate is None and f.deal_rate is None


def test_negative_window_is_refused() -> None:
    with pytest.raises(ValueError):
        funnel([], [], within_days=-1, until=UNTIL, as_of=UNTIL)
