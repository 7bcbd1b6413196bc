"""The inbox page: notifications, mark read / all read, e-mail preferences; the header's unread count."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core import notifications
from innobridge.core.accounts import principal_for_cookie
from innobridge.core.context import Context
from innobridge.core.http import get_session, get_uow, require_user
from innobridge.core.notifications.schemas import InboxQuery, PreferencesIn
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.web.pages.deps import form_data, form_str, safe_next
from innobridge.web.render import environment, flash, redirect, render

router = APIRouter()


def inbox_unread(request: Request) -> int:
    """The logged-in user's unread count for the header (0 for visitors and pages without a session)."""
    if "session" not in request.scope:
        return 0
    user_id = request.session.get("user_id")
    ctx: Context | None = getattr(request.app.state, "context", None)
    if not isinstance(user_id, int) or ctx is None:
        return 0
    with ctx.session() as session:
        # a copy of a cookie from before the last log-out reads nothing (its epoch is behind)
        if principal_for_cookie(session, user_id=user_id, epoch=request.session.get("epoch")) is None:
            return 0
        return notifications.unread_count(session, user_id)


environment().globals["inbox_unread"] = inbox_unread


@router.get("/inbox")
def inbox(
    request: Request,
    page: int = Query(1, ge=1, le=10_000),
    unread: bool = Query(False),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    box = notifications.list_inbox(
        session, actor=principal, query=InboxQuery(page=page, page_size=20, unread_only=unread)
    )
    prefs = notifications.get_preferences(session, actor=principal)
    return render(
        request,
        "inbox.html",
        principal=principal,
        title=None,
        box=box,
        prefs=prefs,
        unread_only=unread,
        has_more=page * box.page_size < box.total,
    )


@router.post("/inbox/{notification_id}/read")
def read_one(
    request: Request,
    notification_id: int = Path(ge=1, le=2**31 - 1),
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    """Mark read, then go where it points (`open=1`) or back to the inbox."""
    with uow:
        note = notifications.mark_read(uow, actor=principal, notification_id=notification_id)
    if form_str(form, "open") == "1" and note.link:
        return redirect(safe_next(note.link, "/inbox"))
    return redirect(safe_next(form_str(form, "next"), "/inbox"))


@router.post("/inbox/read-all")
def read_all(
    request: Request, uow: UnitOfWork = Depends(get_uow), principal: Principal = Depends(require_user)
) -> Response:
    with uow:
        count = notifications.mark_all_read(uow, actor=principal)
    flash(request, "notify.ui.marked_all", count=count)
    return redirect("/inbox")


@router.post("/inbox/preferences")
def save_preferences(
    request: Request,
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    """Every event offered on the form: ticked means e-mail on (an unticked box is not sent)."""
    ticked = set(form.getlist("email"))
    events = notifications.known_events()
    with uow:
        notifications.set_preferences(
            uow, actor=principal, data=PreferencesIn(email={e: e in ticked for e in events})
        )
    flash(request, "notify.ui.saved")
    return redirect("/inbox#preferences")
