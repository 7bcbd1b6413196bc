"""Register, log in and out, the account page (memberships, API tokens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core import accounts
from innobridge.core.errors import AppError, Conflict, FieldError, Invalid
from innobridge.core.http import get_principal, get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.web.csrf import rotate_token
from innobridge.web.forms import FORM_ERROR, errors_by_field, pydantic_errors
from innobridge.web.lang import request_lang
from innobridge.web.pages.deps import client_ip, form_data, form_str, safe_next
from innobridge.web.render import flash, redirect, render

router = APIRouter()


def _log_in(request: Request, session: Session, user: accounts.UserOut) -> None:
    request.session.clear()  # a fresh session on every log-in
    request.session["user_id"] = user.id
    # Logging out moves the user's epoch on: this cookie, and every copy of it, then stops working.
    request.session["epoch"] = accounts.session_epoch(session, user_id=user.id)
    request.session["user_name"] = user.name
    rotate_token(request)


@router.get("/login")
def login_form(request: Request, next: str = "/", principal: Principal = Depends(get_principal)) -> Response:
    return render(request, "login.html", principal=principal, next=safe_next(next), values={}, errors={})


@router.post("/login")
def login(
    request: Request,
    form: FormData = Depends(form_data),
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
) -> Response:
    email, password = form_str(form, "email"), str(form.get("password") or "")
    target = safe_next(form_str(form, "next"))
    limiter = request.app.state.login_limiter
    ip = client_ip(request)
    lang = request_lang(request)
    if limiter.blocked(email, ip):
        errors = errors_by_field([FieldError(FORM_ERROR, "error.rate_limited")], lang)
        return render(
            request,
            "login.html",
            principal=principal,
            status_code=429,
            next=target,
            values={"email": email},
            errors=errors,
        )
    user = accounts.authenticate(session, email=email, password=password)
    if user is None:
        limiter.failed(email, ip)
        errors = errors_by_field([FieldError(FORM_ERROR, "error.login_failed")], lang)
        return render(
            request,
            "login.html",
            principal=principal,
            status_code=401,
            next=target,
            values={"email": email},
            errors=errors,
        )
    limiter.succeeded(email, ip)
    _log_in(request, session, user)
    flash(request, "ui.login.welcome", name=user.name)
    return redirect(target)


@router.post("/logout")
def logout(
    request: Request, uow: UnitOfWork = Depends(get_uow), principal: Principal = Depends(get_principal)
) -> Response:
    cookie_user = request.session.get("user_id")
    if principal.user_id is not None and principal.user_id == cookie_user:  # a live cookie, not a token
        with uow:
            accounts.end_sessions(uow, user_id=principal.user_id)
    request.session.clear()
    rotate_token(request)
    flash(request, "ui.logout.done")
    return redirect("/")


@router.get("/register")
def register_form(request: Request, principal: Principal = Depends(get_principal)) -> Response:
    return render(request, "register.html", principal=principal, values={}, errors={})


@router.post("/register")
def register(
    request: Request,
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
) -> Response:
    lang = request_lang(request)
    values = {k: form_str(form, k) for k in ("email", "name")}
    password = str(form.get("password") or "")
    problems: list[FieldError] = []
    user: accounts.UserOut | None = None
    # The service checks too; here to show every problem at once.
    weak = accounts.password_error(password, email=values["email"], name=values["name"])
    if weak:
        problems.append(weak)
    if password != str(form.get("password2") or ""):
        problems.append(FieldError("password2", "error.passwords_differ"))
    try:
        data = accounts.UserIn(email=values["email"], name=values["name"], password=password, language=lang)
    except ValidationError as exc:
        problems.extend(pydantic_errors(exc))
    if not problems:
        try:
            with uow:
                user = accounts.register_user(uow, data=data)
        except Invalid as exc:
            problems.extend(exc.errors)
        except Conflict as exc:
            problems.append(FieldError("email", exc.code))
    if problems or user is None:
        return render(
            request,
            "register.html",
            principal=principal,
            status_code=422,
            values=values,
            errors=errors_by_field(problems, lang),
        )
    _log_in(request, session, user)
    flash(request, "ui.register.done")
    return redirect("/account")


def _org_names(session: Session, principal: Principal, ids: frozenset[int]) -> list[dict[str, Any]]:
    out = []
    for org_id in sorted(ids):
        try:
            org = service.get_record(session, actor=principal, spec=SPECS["organisation"], record_id=org_id)
            out.append({"id": org_id, "name": org.name_zh, "name_en": org.name_en})  # type: ignore[attr-defined]
        except AppError:
            out.append({"id": org_id, "name": f"#{org_id}", "name_en": None})
    return out


@router.get("/account")
def account(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    orgs = _org_names(session, principal, principal.org_ids)
    for org in orgs:
        org["admin"] = org["id"] in principal.admin_org_ids
    return render(request, "account.html", principal=principal, orgs=orgs, new_token=None)


@router.post("/account/tokens")
def create_token(
    request: Request,
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    name = form_str(form, "name")[:100] or "web"
    with uow:
        token = accounts.create_api_token(uow, actor=principal, name=name)
    orgs = _org_names(session, principal, principal.org_ids)
    # Shown once, in this response only: never stored in the (signed, readable) session cookie.
    return render(request, "account.html", principal=principal, orgs=orgs, new_token=token)
