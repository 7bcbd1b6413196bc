"""One search box over every registry entity, with facets, highlighting and pagination."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from innobridge.core.http import get_principal, get_session
from innobridge.core.principal import Principal
from innobridge.index import faceted
from innobridge.index.api import get_index
from innobridge.index.schemas import EntityKind, SearchIn
from innobridge.index.service import IndexService
from innobridge.registry.entities import SPECS
from innobridge.web.render import render

router = APIRouter()
PAGE_SIZE = 10
MAX_PAGE = 500
# Which field of a hit's highlights serves as its title, and which as its snippet (first present).
TITLE_FIELDS = ("title", "name")
FACET_PARAMS = {"kind": "kind", "discipline": "discipline", "region": "region", "year": "year", "trl": "trl"}


@router.get("/search")
def search_page(
    request: Request,
    q: str = Query("", max_length=200),
    kind: EntityKind | None = Query(None),
    discipline: str | None = Query(None, pattern=r"^(\d{3}(\d{2}){0,2})?$"),
    region: str | None = Query(None, pattern=r"^(\d{2,6})?$"),
    year: int | None = Query(None, ge=1900, le=2100),
    trl: int | None = Query(None, ge=1, le=9),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    session: Session = Depends(get_session),
    principal: Principal = Depends(get_principal),
    index: IndexService = Depends(get_index),
) -> Response:
    query = SearchIn(
        q=q.strip(),
        kinds=[kind] if kind else [],
        discipline=discipline or None,
        region=region or None,
        year_from=year,
        year_to=year,
        trl_min=trl,
        trl_max=trl,
        page=page,
        page_size=PAGE_SIZE,
    )
    result = faceted.search_records(session, actor=principal, index=index, query=query)
    selected = {
        "kind": kind,
        "discipline": discipline or None,
        "region": region or None,
        "year": year,
        "trl": trl,
    }
    items: list[dict[str, Any]] = []
    for item in result.items:
        spec = SPECS[item.kind]
        title_hl = next((item.highlights[f] for f in TITLE_FIELDS if f in item.highlights), "")
        snippet = next((v for f, v in item.highlights.items() if f not in TITLE_FIELDS and v), "")
        items.append(
            {
                "item": item,
                "spec": spec,
                # The engine escapes the text and adds only <mark>: safe to show as HTML.
                "title_html": Markup(title_hl) if title_hl else None,  # noqa: S704
                "snippet_html": Markup(snippet) if snippet else None,  # noqa: S704
            }
        )
    pages = max(1, min(MAX_PAGE, -(-result.total // PAGE_SIZE)))
    return render(
        request,
        "index/search.html",
        principal=principal,
        title=q or None,
        q=q,
        items=items,
        total=result.total,
        page=page,
        pages=pages,
        facets=result.facets,
        selected=selected,
        terms=q.split(),
    )
