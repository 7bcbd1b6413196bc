"""JSON API of registry-wide search (thin route) and the index dependency other features' routes use."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from innobridge.core.context import Context
from innobridge.core.http import get_context, get_principal, get_session
from innobridge.core.principal import Principal
from innobridge.index import faceted
from innobridge.index import service as indexing
from innobridge.index.schemas import EntityKind, SearchIn, SearchMode, SearchOut
from innobridge.index.service import IndexService

router = APIRouter(prefix="/api/v1", tags=["Search · 检索"])


def get_index(ctx: Context = Depends(get_context)) -> IndexService:
    return indexing.install(ctx)


@router.get("/search", response_model=SearchOut, name="search_records")
def search(
    q: str = Query("", max_length=200, description="Keywords, Chinese or English"),
    kind: list[EntityKind] = Query([], description="Entities to search; repeat; none: all"),
    discipline: str | None = Query(None, pattern=r"^\d{3}(\d{2}){0,2}$"),
    industry: str | None = Query(None, pattern=r"^[A-T](\d{2,4})?$"),
    region: str | None = Query(None, pattern=r"^\d{2,6}$"),
    year_from: int | None = Query(None, ge=1900, le=2100),
    year_to: int | None = Query(None, ge=1900, le=2100),
    trl_min: int | None = Query(None, ge=1, le=9),
    trl_max: int | None = Query(None, ge=1, le=9),
    organisation_id: int | None = Query(None, ge=1, le=2**31 - 1),
    page: int = Query(1, ge=1, le=500),
    page_size: int = Query(20, ge=1, le=100),
    mode: SearchMode = Query("hybrid"),
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> SearchOut:
    query = SearchIn(
        q=q,
        kinds=list(dict.fromkeys(kind)),
        discipline=discipline,
        industry=industry,
        region=region,
        year_from=year_from,
        year_to=year_to,
        trl_min=trl_min,
        trl_max=trl_max,
        organisation_id=organisation_id,
        page=page,
        page_size=page_size,
        mode=mode,
    )
    return faceted.search_records(session, actor=actor, index=index, query=query)
