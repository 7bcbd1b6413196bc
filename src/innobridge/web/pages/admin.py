"""Platform administration: users, their platform roles and their organisation memberships."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core import accounts
from innobridge.core.errors import FieldError, Invalid
from innobridge.core.http import get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import OrgRole, Role
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.web.pages.deps import form_data, form_str
from innobridge.web.render import flash, redirect, render

router = APIRouter(prefix="/admin")
PAGE_SIZE = 50


@router.get("/users")
def users(
    request: Request,
    q: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1, le=10_000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    items, total = accounts.list_users(session, actor=principal, q=q, page=page, page_size=PAGE_SIZE)
    memberships: dict[int, list[accounts.MembershipOut]] = {}
    for m in accounts.memberships_of(session, actor=principal, user_ids=[u.id for u in items]):
        memberships.setdefault(m.user_id, []).append(m)
    return render(
        request,
        "admin_users.html",
        principal=principal,
        users=items,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        q=q or "",
        memberships=memberships,
        roles=list(Role),
        org_roles=list(OrgRole),
    )


@router.post("/users/{user_id}/role")
def set_role(
    request: Request,
    user_id: int,
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    try:
        role = Role(form_str(form, "role"))
    except ValueError as exc:
        raise Invalid([FieldError("role", "field.invalid", {"detail": form_str(form, "role")})]) from exc
    with uow:
        accounts.set_role(
            uow, actor=principal, user_id=user_id, role=role, reason=form_str(form, "reason") or None
        )
    flash(request, "ui.admin.role_changed")
    return redirect(f"/admin/users?q={form_str(form, 'q')}" if form_str(form, "q") else "/admin/users")


@router.post("/users/{user_id}/membership")
def set_membership(
    request: Request,
    user_id: int,
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    try:
        org_id = int(form_str(form, "organisation_id"))
        role = OrgRole(form_str(form, "org_role") or "member")
    except ValueError as exc:
        raise Invalid([FieldError("organisation_id", "field.invalid", {"detail": "id"})]) from exc
    # An unknown (or unreadable) organisation is a friendly 404, not a foreign-key failure.
    service.get_record(session, actor=principal, spec=SPECS["organisation"], record_id=org_id)
    with uow:
        accounts.set_membership(uow, actor=principal, user_id=user_id, organisation_id=org_id, role=role)
    flash(request, "ui.admin.membership_set")
    return redirect("/admin/users")
