"""Post and match: a need's ranked matches with reasons, an achievement's candidate adopters, and the
introductions a technology manager moves through their states."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from innobridge.core.errors import Invalid
from innobridge.core.http import get_principal, get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.index.api import get_index
from innobridge.index.service import IndexService
from innobridge.matching import service as matching
from innobridge.matching.models import CandidateKind, IntroState
from innobridge.matching.schemas import IntroductionIn, IntroductionQuery
from innobridge.registry import service as registry
from innobridge.registry.entities import SPECS
from innobridge.web.forms import message, pydantic_errors
from innobridge.web.lang import request_lang
from innobridge.web.pages.deps import form_data, form_str
from innobridge.web.render import flash, redirect, render

router = APIRouter()


def _id() -> Any:
    """A fresh path parameter each use (FastAPI binds one object to the first name it is used under)."""
    return Path(ge=1, le=2**31 - 1)


PER_KIND = 10
PAGE_SIZE = 20
# Lists of a need's matches, in page order: output field → (candidate kind, label key).
NEED_LISTS = (
    ("achievements", CandidateKind.achievement, "ui.related.achievements"),
    ("experts", CandidateKind.person, "ui.related.people"),
    ("institutions", CandidateKind.organisation, "ui.related.organisations"),
    ("instruments", CandidateKind.instrument, "ui.related.instruments"),
)


@router.get("/needs/{need_id}/matches")
def need_matches(
    request: Request,
    need_id: int = _id(),
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> Response:
    need = registry.get_record(session, actor=principal, spec=SPECS["need"], record_id=need_id)
    result = matching.match_need(session, actor=principal, index=index, need_id=need_id, per_kind=PER_KIND)
    lists = [
        {
            "name": name,
            "kind": kind.value,
            "spec": SPECS[kind.value],
            "label": label,
            "items": getattr(result, name),
        }
        for name, kind, label in NEED_LISTS
    ]
    may_introduce = "suggest" in result.allowed_actions
    return render(
        request,
        "matching/matches.html",
        principal=principal,
        title=str(need.title),  # type: ignore[attr-defined]
        heading_key="ui.match.for_need",
        subject=need,
        subject_spec=SPECS["need"],
        lists=lists,
        may_introduce=may_introduce,
        dense=result.dense,
    )


@router.get("/achievements/{achievement_id}/matches")
def achievement_matches(
    request: Request,
    achievement_id: int = _id(),
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> Response:
    ach = registry.get_record(session, actor=principal, spec=SPECS["achievement"], record_id=achievement_id)
    result = matching.match_achievement(
        session, actor=principal, index=index, achievement_id=achievement_id, per_kind=PER_KIND
    )
    lists = [
        {
            "name": "needs",
            "kind": "need",
            "spec": SPECS["need"],
            "label": "ui.related.needs",
            "items": result.needs,
        },
        {
            "name": "enterprises",
            "kind": "organisation",
            "spec": SPECS["organisation"],
            "label": "enum.OrgKind.enterprise",
            "items": result.enterprises,
        },
    ]
    return render(
        request,
        "matching/matches.html",
        principal=principal,
        title=str(ach.title),  # type: ignore[attr-defined]
        heading_key="ui.match.for_achievement",
        subject=ach,
        subject_spec=SPECS["achievement"],
        lists=lists,
        may_introduce=False,
        dense=result.dense,
    )


@router.post("/needs/{need_id}/introductions")
def introduce(
    request: Request,
    need_id: int = _id(),
    form: FormData = Depends(form_data),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    try:
        data = IntroductionIn(
            need_id=need_id,
            candidate_kind=form_str(form, "candidate_kind"),  # type: ignore[arg-type]
            candidate_id=form_str(form, "candidate_id"),  # type: ignore[arg-type]
            note=form_str(form, "note")[:2000] or None,
        )
    except ValidationError as exc:
        raise Invalid(pydantic_errors(exc)) from exc
    with uow:
        intro = matching.create_introduction(uow, actor=principal, data=data)
    flash(request, "ui.match.introduced")
    return redirect(f"/introductions/{intro.id}")


@router.post("/needs/{need_id}/suggestions")
def suggest(
    request: Request,
    need_id: int = _id(),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
    index: IndexService = Depends(get_index),
) -> Response:
    with uow:
        matching.suggest_introductions(uow, actor=principal, index=index, need_id=need_id, per_kind=3)
    flash(request, "ui.match.introduced")
    return redirect(f"/introductions?need_id={need_id}")


@router.get("/introductions")
def introductions(
    request: Request,
    state: IntroState | None = Query(None),
    need_id: int | None = Query(None, ge=1, le=2**31 - 1),
    mine: bool = Query(False),
    page: int = Query(1, ge=1, le=10_000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    query = IntroductionQuery(need_id=need_id, state=state, mine=mine, page=page, page_size=PAGE_SIZE)
    result = matching.list_introductions(session, actor=principal, query=query)
    return render(
        request,
        "matching/introductions.html",
        principal=principal,
        title=None,
        items=result.items,
        total=result.total,
        page=page,
        pages=max(1, -(-result.total // PAGE_SIZE)),
        states=list(IntroState),
        state=state.value if state else "",
        mine=mine,
    )


@router.get("/introductions/{introduction_id}")
def introduction(
    request: Request,
    introduction_id: int = _id(),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    intro = matching.get_introduction(session, actor=principal, introduction_id=introduction_id)
    return render(
        request,
        "matching/introduction.html",
        principal=principal,
        intro=intro,
        actions=intro.allowed_actions,
        candidate_spec=SPECS[intro.candidate_kind.value],
        errors=[],
    )


@router.post("/introductions/{introduction_id}/move")
def move(
    request: Request,
    introduction_id: int = _id(),
    form: FormData = Depends(form_data),
    session: Session = Depends(get_session),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    action = form_str(form, "action")
    reason = form_str(form, "reason")[:2000] or None
    reason_code = form_str(form, "reason_code")[:64] or None
    version = form_str(form, "version")
    try:
        with uow:
            matching.move_introduction(
                uow,
                actor=principal,
                introduction_id=introduction_id,
                action=action,
                version=int(version) if version.isdigit() and len(version) < 10 else None,
                reason=reason,
                reason_code=reason_code,
            )
    except Invalid as exc:
        intro = matching.get_introduction(session, actor=principal, introduction_id=introduction_id)
        lang = request_lang(request)
        return render(
            request,
            "matching/introduction.html",
            principal=principal,
            status_code=422,
            intro=intro,
            actions=intro.allowed_actions,
            candidate_spec=SPECS[intro.candidate_kind.value],
            errors=[message(e, lang) for e in exc.errors],
            failed_action=action,
        )
    flash(request, "ui.intro.moved")
    return redirect(f"/introductions/{introduction_id}")
