"""The shell: home page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core.http import get_principal, get_session
from innobridge.core.principal import Principal
from innobridge.registry import service
from innobridge.registry.entities import ORDER, SPECS
from innobridge.web.pages.deps import form_data, form_str, safe_next
from innobridge.web.render import redirect, render

router = APIRouter()
LANG_COOKIE_AGE = 365 * 24 * 3600


@router.get("/")
def home(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
) -> Response:
    counts = []
    for name in ORDER:
        spec = SPECS[name]
        _, total = service.list_records(
            session, actor=principal, spec=spec, query=service.ListQuery(page_size=1)
        )
        counts.append((spec, total))
    recent, _ = service.list_records(
        session, actor=principal, spec=SPECS["achievement"], query=service.ListQuery(page_size=6)
    )
    needs, _ = service.list_records(
        session, actor=principal, spec=SPECS["need"], query=service.ListQuery(page_size=6)
    )
    return render(request, "home.html", principal=principal, counts=counts, recent=recent, needs=needs)


@router.post("/lang")
def switch_language(request: Request, form: FormData = Depends(form_data)) -> Response:
    lang = form_str(form, "lang")
    response = redirect(safe_next(form_str(form, "next")))
    if lang in ("zh", "en"):
        response.set_cookie("lang", lang, max_age=LANG_COOKIE_AGE, samesite="lax", httponly=False)
    return response
