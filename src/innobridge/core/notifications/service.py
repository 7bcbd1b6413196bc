"""notify() writes inbox rows and e-mail outbox rows in the caller's transaction; the inbox services."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from innobridge.core.errors import NotFound, Unauthorized
from innobridge.core.i18n import Lang, t
from innobridge.core.notifications import messages as _messages  # noqa: F401 - registers the texts
from innobridge.core.notifications.models import Notification, OutboxMessage
from innobridge.core.notifications.preferences import email_wanted
from innobridge.core.notifications.schemas import InboxPage, InboxQuery, NotificationOut
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import User

# The entity name of committed outbox rows: core.jobs hears of them after the commit (see jobs.on_change).
OUTBOX_ENTITY = "notification_outbox"

Params = Mapping[str, str | int | None]


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "zh"


def render(event: str, lang: Lang, params: Params) -> tuple[str, str]:
    """Subject (one line: it becomes an e-mail header) and body of `event` in `lang`."""
    values = {k: ("" if v is None else v) for k, v in params.items()}
    subject = " ".join(t(f"notify.{event}.subject", lang, **values).split())
    return subject[:300], t(f"notify.{event}.body", lang, **values)


def new_message_id() -> str:
    return uuid.uuid4().hex


def notify(
    uow: UnitOfWork,
    *,
    user_ids: Iterable[int],
    event: str,
    params: Params,
    link: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
) -> None:
    """One inbox row per recipient and, where the recipient wants e-mail for `event`, one outbox row —
    all in the caller's transaction. Unknown user ids are skipped; inactive users get no e-mail."""
    session = uow.session
    ids = sorted({int(u) for u in user_ids})
    if not ids:
        return
    users = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)).all()
    wants = email_wanted(session, user_ids=[u.id for u in users], event=event)
    written: list[tuple[User, Notification]] = []
    for user in users:
        lang = _lang(user.language)
        subject, body = render(event, lang, params)
        note = Notification(
            user_id=user.id,
            event=event,
            language=lang,
            subject=subject,
            body=body,
            link=link,
            entity=entity,
            entity_id=entity_id,
            params=dict(params),
        )
        session.add(note)
        written.append((user, note))
    session.flush()  # the inbox rows' ids, for the outbox rows that point at them
    outbox = [
        OutboxMessage(
            notification_id=note.id,
            user_id=user.id,
            to_address=user.email,
            language=note.language,
            subject=note.subject,
            body=t("notify.mail.greeting", _lang(note.language), name=user.name) + "\n\n" + note.body,
            link=link,
            message_id=new_message_id(),
        )
        for user, note in written
        if wants[user.id] and user.is_active
    ]
    if outbox:
        session.add_all(outbox)
        session.flush()
        for message in outbox:
            uow.changed(OUTBOX_ENTITY, message.id)


def queue_email(
    uow: UnitOfWork, *, to_address: str, subject: str, body: str, max_attempts: int | None = None
) -> int:
    """An e-mail with no inbox entry (`innobridge mail test`); its outbox id."""
    message = OutboxMessage(
        to_address=to_address,
        language="en",
        subject=" ".join(subject.split())[:300],
        body=body,
        message_id=new_message_id(),
        max_attempts=max_attempts,
    )
    uow.session.add(message)
    uow.session.flush()
    uow.changed(OUTBOX_ENTITY, message.id)
    return message.id


# --- the inbox -------------------------------------------------------------------------------------


def _user_id(actor: Principal) -> int:
    if actor.user_id is None:
        raise Unauthorized()
    return actor.user_id


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def list_inbox(session: Session, *, actor: Principal, query: InboxQuery) -> InboxPage:
    """The actor's notifications, newest first, one page."""
    user_id = _user_id(actor)
    where = [Notification.user_id == user_id]
    if query.unread_only:
        where.append(Notification.read_at.is_(None))
    total = int(session.scalar(select(func.count(Notification.id)).where(*where)) or 0)
    rows = session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.id.desc())
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
    ).all()
    return InboxPage(
        items=[NotificationOut.model_validate(r) for r in rows],
        total=total,
        unread=unread_count(session, user_id),
        page=query.page,
        page_size=query.page_size,
    )


def mark_read(uow: UnitOfWork, *, actor: Principal, notification_id: int) -> NotificationOut:
    """Mark one of the actor's own notifications read; anyone else's is "not found"."""
    user_id = _user_id(actor)
    note = uow.session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        raise NotFound(entity="notification", id=notification_id)
    if note.read_at is None:
        note.read_at = datetime.now(UTC)
        uow.session.flush()
    return NotificationOut.model_validate(note)


def mark_all_read(uow: UnitOfWork, *, actor: Principal) -> int:
    """Mark all the actor's unread notifications read; how many were."""
    user_id = _user_id(actor)
    result = uow.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
