"""Per-user, per-event choices: the inbox always gets a notice; e-mail is on unless turned off."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.errors import FieldError, Invalid, Unauthorized
from innobridge.core.i18n import all_keys, t
from innobridge.core.notifications.models import NotificationPreference
from innobridge.core.notifications.schemas import PreferenceOut, PreferencesIn, PreferencesOut
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork

EMAIL_DEFAULT = True
_EVENTS: dict[str, None] = {}  # insertion-ordered set of events a user may choose about


def register_event(event: str) -> None:
    """Offer `event` on the preferences form. Its texts are `notify.<event>.subject`/`.body` (and an
    optional `notify.<event>.label` for the form), registered by the feature that emits it."""
    _EVENTS[event] = None


def known_events() -> list[str]:
    return list(_EVENTS)


def event_label(event: str, lang: str) -> str:
    key = f"notify.{event}.label"
    if key in set(all_keys()):
        return t(key, "en" if lang == "en" else "zh")
    return event


def email_wanted(session: Session, *, user_ids: Iterable[int], event: str) -> dict[int, bool]:
    """Each user's e-mail choice for `event` (the default where none was stored)."""
    ids = list(user_ids)
    wanted = dict.fromkeys(ids, EMAIL_DEFAULT)
    if ids:
        rows = session.execute(
            select(NotificationPreference.user_id, NotificationPreference.email).where(
                NotificationPreference.user_id.in_(ids), NotificationPreference.event == event
            )
        )
        for user_id, email in rows:
            wanted[user_id] = email
    return wanted


def _user_id(actor: Principal) -> int:
    if actor.user_id is None:
        raise Unauthorized()
    return actor.user_id


def get_preferences(session: Session, *, actor: Principal) -> PreferencesOut:
    user_id = _user_id(actor)
    stored = dict(
        session.execute(
            select(NotificationPreference.event, NotificationPreference.email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    events = known_events() + sorted(e for e in stored if e not in _EVENTS)
    return PreferencesOut(
        items=[
            PreferenceOut(
                event=e,
                label_zh=event_label(e, "zh"),
                label_en=event_label(e, "en"),
                email=stored.get(e, EMAIL_DEFAULT),
            )
            for e in events
        ]
    )


def set_preferences(uow: UnitOfWork, *, actor: Principal, data: PreferencesIn) -> PreferencesOut:
    """Store the e-mail choices given; events not named keep theirs."""
    user_id = _user_id(actor)
    unknown = [e for e in data.email if e not in _EVENTS]
    if unknown:
        raise Invalid(
            [FieldError(field=f"email.{e}", code="error.unknown_event", params={"event": e}) for e in unknown]
        )
    session = uow.session
    rows = {
        p.event: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    for event, email in data.email.items():
        row = rows.get(event)
        if row is None:
            session.add(NotificationPreference(user_id=user_id, event=event, email=email))
        else:
            row.email = email
    session.flush()
    return get_preferences(session, actor=actor)
