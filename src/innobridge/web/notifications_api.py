"""JSON API of the inbox: list, unread count, mark read, e-mail preferences (the acting user's own)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from innobridge.core import notifications
from innobridge.core.http import get_session, get_uow, require_user
from innobridge.core.notifications.schemas import (
    InboxPage,
    InboxQuery,
    MarkedOut,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    UnreadOut,
)
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/v1/notifications", tags=["Notifications · 通知"])


@router.get("", response_model=InboxPage)
def list_notifications(
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=100),
    unread_only: bool = Query(False, description="Only notifications not read yet"),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> InboxPage:
    """Your notifications, newest first."""
    query = InboxQuery(page=page, page_size=page_size, unread_only=unread_only)
    return notifications.list_inbox(session, actor=principal, query=query)


@router.get("/unread-count", response_model=UnreadOut)
def unread(
    session: Session = Depends(get_session), principal: Principal = Depends(require_user)
) -> UnreadOut:
    assert principal.user_id is not None  # noqa: S101 - require_user guarantees a user
    return UnreadOut(unread=notifications.unread_count(session, principal.user_id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def mark_read(
    notification_id: int = Path(ge=1, le=2**31 - 1),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> NotificationOut:
    """Mark one of your notifications read (anyone else's is 404)."""
    with uow:
        return notifications.mark_read(uow, actor=principal, notification_id=notification_id)


@router.post("/read-all", response_model=MarkedOut)
def mark_all_read(
    uow: UnitOfWork = Depends(get_uow), principal: Principal = Depends(require_user)
) -> MarkedOut:
    with uow:
        return MarkedOut(marked=notifications.mark_all_read(uow, actor=principal))


@router.get("/preferences", response_model=PreferencesOut)
def get_preferences(
    session: Session = Depends(get_session), principal: Principal = Depends(require_user)
) -> PreferencesOut:
    """Per event: whether it is e-mailed too (the inbox always gets it)."""
    return notifications.get_preferences(session, actor=principal)


@router.put("/preferences", response_model=PreferencesOut)
def put_preferences(
    data: PreferencesIn, uow: UnitOfWork = Depends(get_uow), principal: Principal = Depends(require_user)
) -> PreferencesOut:
    """Turn e-mail on or off per event; events not named keep their setting."""
    with uow:
        return notifications.set_preferences(uow, actor=principal, data=data)
