"""JSON API of matching: matches, introductions, the matching rate (thin routes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query
from sqlalchemy.orm import Session

from innobridge.core.http import get_principal, get_session, get_uow, require_user
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.index.api import get_index
from innobridge.index.service import IndexService
from innobridge.matching import service
from innobridge.matching.models import CandidateKind, IntroState
from innobridge.matching.schemas import (
    AchievementMatchOut,
    FunnelOut,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionQuery,
    MatchOut,
    MatchTextIn,
    MoveIn,
    SuggestOut,
)

router = APIRouter(prefix="/api/v1", tags=["Matching · 匹配对接"])


# FastAPI binds a parameter object to the first name it is used under: one fresh object per use.
def _id() -> Any:
    return Path(ge=1, le=2**31 - 1)


def _per_kind() -> Any:
    return Query(10, ge=1, le=50, description="Results per list")


@router.get("/needs/{need_id}/matches", response_model=MatchOut, name="match_need")
def need_matches(
    need_id: int = _id(),
    per_kind: int = _per_kind(),
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> MatchOut:
    return service.match_need(session, actor=actor, index=index, need_id=need_id, per_kind=per_kind)


@router.post("/match", response_model=MatchOut, name="match_text")
def text_matches(
    data: MatchTextIn,
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> MatchOut:
    return service.match_text(session, actor=actor, index=index, text=data.text, per_kind=data.per_kind)


@router.get("/achievements/{achievement_id}/matches", response_model=AchievementMatchOut)
def achievement_matches(
    achievement_id: int = _id(),
    per_kind: int = _per_kind(),
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> AchievementMatchOut:
    return service.match_achievement(
        session, actor=actor, index=index, achievement_id=achievement_id, per_kind=per_kind
    )


@router.post("/needs/{need_id}/introductions", response_model=SuggestOut, status_code=201)
def suggest(
    need_id: int = _id(),
    per_kind: int = Query(3, ge=1, le=10, description="Top candidates kept per list"),
    uow: UnitOfWork = Depends(get_uow),
    actor: Principal = Depends(require_user),
    index: IndexService = Depends(get_index),
) -> SuggestOut:
    with uow:
        return service.suggest_introductions(
            uow, actor=actor, index=index, need_id=need_id, per_kind=per_kind
        )


@router.post("/introductions", response_model=IntroductionOut, status_code=201)
def create_introduction(
    data: IntroductionIn, uow: UnitOfWork = Depends(get_uow), actor: Principal = Depends(require_user)
) -> IntroductionOut:
    with uow:
        return service.create_introduction(uow, actor=actor, data=data)


@router.get("/introductions", response_model=IntroductionPage)
def list_introductions(
    need_id: int | None = Query(None, ge=1, le=2**31 - 1),
    state: IntroState | None = Query(None),
    candidate_kind: CandidateKind | None = Query(None),
    mine: bool = Query(False, description="Only introductions I manage"),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=200),
    session: Session = Depends(get_session),
    actor: Principal = Depends(require_user),
) -> IntroductionPage:
    query = IntroductionQuery(
        need_id=need_id, state=state, candidate_kind=candidate_kind, mine=mine, page=page, page_size=page_size
    )
    return service.list_introductions(session, actor=actor, query=query)


@router.get("/introductions/{introduction_id}", response_model=IntroductionOut)
def get_introduction(
    introduction_id: int = _id(),
    session: Session = Depends(get_session),
    actor: Principal = Depends(require_user),
) -> IntroductionOut:
    return service.get_introduction(session, actor=actor, introduction_id=introduction_id)


@router.post("/introductions/{introduction_id}/{action}", response_model=IntroductionOut)
def move_introduction(
    introduction_id: int = _id(),
    action: str = Path(max_length=20, pattern=r"^[a-z_]+$", description="contact, negotiate, sign …"),
    data: MoveIn | None = Body(None),
    uow: UnitOfWork = Depends(get_uow),
    actor: Principal = Depends(require_user),
) -> IntroductionOut:
    data = data or MoveIn()
    with uow:
        return service.move_introduction(
            uow,
            actor=actor,
            introduction_id=introduction_id,
            action=action,
            version=data.version,
            reason=data.reason,
            reason_code=data.reason_code,
        )


# Days from 1900-01-01 to 2100-12-31 (service/funnel.py refuses others), for the OpenAPI document.
_YEARS = {"pattern": r"^(19\d\d|20\d\d|2100)-\d\d-\d\d$"}


@router.get("/stats/matching-rate", response_model=FunnelOut)
def matching_rate(
    since: date | None = Query(
        None, description="First publication day (default: 1 January this year)", json_schema_extra=_YEARS
    ),
    until: date | None = Query(
        None,
        description="Last publication day, on or after `since` (default: today)",
        json_schema_extra=_YEARS,
    ),
    within_days: int = Query(30, ge=0, le=3650, description="Days a need has to reach `contacted`"),
    session: Session = Depends(get_session),
) -> FunnelOut:
    today = datetime.now(UTC).date()
    until = until or today
    since = since or date(until.year, 1, 1)
    return service.matching_rate(session, since=since, until=until, within_days=within_days)
