"""FastAPI glue shared by every feature's api.py: context, sessions, the acting principal, pagination."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from innobridge.core.accounts import principal_for_cookie, principal_for_token
from innobridge.core.context import Context
from innobridge.core.errors import Unauthorized
from innobridge.core.principal import ANONYMOUS, Principal
from innobridge.core.unit_of_work import UnitOfWork


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def get_session(ctx: Context = Depends(get_context)) -> Iterator[Session]:
    session = ctx.session()
    try:
        yield session
    finally:
        session.close()


def get_uow(ctx: Context = Depends(get_context)) -> UnitOfWork:
    return ctx.uow()


def get_principal(request: Request, session: Session = Depends(get_session)) -> Principal:
    """Bearer API token, else the signed session cookie, else anonymous."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        principal = principal_for_token(session, auth[7:].strip())
        if principal is None:
            raise Unauthorized("error.bad_token")
        return principal
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if isinstance(user_id, int):
        epoch = request.session.get("epoch")  # a cookie from before the last log-out is refused
        return principal_for_cookie(session, user_id=user_id, epoch=epoch) or ANONYMOUS
    return ANONYMOUS


def require_user(principal: Principal = Depends(get_principal)) -> Principal:
    if principal.is_anonymous:
        raise Unauthorized()
    return principal
