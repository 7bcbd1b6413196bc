"""Keyword search across every registry entity, with facets."""

from __future__ import annotations

from sqlalchemy.orm import Session

from innobridge.core.principal import Principal
from innobridge.index.records import access_filter, hit_key, load_rows, org_refs, readable, title_of, year_of
from innobridge.index.schemas import (
    FACETS,
    FacetBucket,
    SearchIn,
    SearchItem,
    SearchOut,
)
from innobridge.index.service import IndexService
from innobridge.registry.entities import SPECS
from innobridge.search.types import FilterValue, Query


# --- search ---------------------------------------------------------------------------------------
def _search_filters(actor: Principal, query: SearchIn) -> dict[str, FilterValue]:
    filters = access_filter(actor)
    if query.discipline:
        filters["discipline_any"] = [query.discipline]
    if query.industry:
        filters["industry_any"] = [query.industry]
    if query.region:
        filters["region_any"] = [query.region.ljust(6, "0")]
    if query.organisation_id is not None:
        filters["org"] = [str(query.organisation_id)]
    if query.year_from is not None or query.year_to is not None:
        filters["year"] = (query.year_from, query.year_to)
    if query.trl_min is not None or query.trl_max is not None:
        filters["trl"] = (query.trl_min, query.trl_max)
    return filters


def _facet_labels(
    session: Session, index: IndexService, facets: dict[str, dict[str, int]]
) -> dict[str, list[FacetBucket]]:
    out: dict[str, list[FacetBucket]] = {}
    for name in FACETS:
        counts = facets.get(name, {})
        names: dict[str, tuple[str, str]] = {}
        if name == "kind":
            names = {k: (s.label_zh, s.label_en) for k, s in SPECS.items()}
        elif name in ("discipline", "region") and counts:
            names = index.code_names(session, name, counts)  # cached per process
        elif name == "trl":
            names = {v: (f"TRL {v}", f"TRL {v}") for v in counts}
        out[name] = [
            FacetBucket(value=v, count=n, label_zh=names.get(v, (v, v))[0], label_en=names.get(v, (v, v))[1])
            for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return out


def search_records(session: Session, *, actor: Principal, index: IndexService, query: SearchIn) -> SearchOut:
    """Keyword search across every registry entity with facets (kind, discipline, region, year).

    Only records the actor may read are matched, so facet counts never include hidden records."""
    result = index.search(
        Query(
            text=query.q,
            kinds=tuple(query.kinds),
            filters=_search_filters(actor, query),
            limit=query.page_size,
            offset=(query.page - 1) * query.page_size,
            mode=query.mode,
            facets=FACETS,
            highlight=True,
        )
    )
    rows = load_rows(session, (hit_key(h) for h in result.hits))
    owners = org_refs(session, actor, (r.owner_org_id for r in rows.values()))
    items = []
    for hit in result.hits:
        entity, rid = hit_key(hit)
        row = rows.get((entity, rid))
        if row is None or not readable(actor, row):
            continue  # the index is a moment behind the database: trust the database
        title, title_en = title_of(entity, row)
        items.append(
            SearchItem(
                kind=entity,
                id=rid,
                title=title,
                title_en=title_en,
                score=hit.score,
                highlights=dict(hit.highlights),
                owner=owners.get(row.owner_org_id) if row.owner_org_id else None,
                year=year_of(entity, row),
            )
        )
    return SearchOut(
        items=items,
        total=result.total,
        page=query.page,
        page_size=query.page_size,
        facets=_facet_labels(session, index, result.facets),
    )
