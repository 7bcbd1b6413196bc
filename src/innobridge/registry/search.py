"""What registry records index: one pure function per entity, record (ORM row) → search Document.

Titles are Chinese first; English titles and names go into the text so a query in either language finds
the record. Contact fields (e-mail, phone) are never indexed.

Codes (keyword facets and filters):
  visibility, org (owner organisation id), discipline / industry / ipc / region (exact codes, for facets),
  discipline_any / industry_any / ipc_any / region_any (the codes and their ancestors, for filters: 520
  finds 52010), access (who may read: core/visibility.py's index form).
Numbers: year, trl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from innobridge.core.documents import FeatureIndex, Source, doc_id
from innobridge.core.visibility import RECORDS
from innobridge.registry import models as m
from innobridge.registry.entities import SPECS
from innobridge.search.types import Document

INDEXED_ENTITIES = ("organisation", "person", "instrument", "project", "achievement", "need", "dataset")


# --- access -----------------------------------------------------------------------------------------
# The index form of core/visibility.py: a document carries `access_tokens`, a query filters on the
# actor's `RECORDS.actor_tokens` (tests/integration/core/test_visibility_agrees.py checks all three forms).
access_tokens = RECORDS.record_tokens


# --- codes --------------------------------------------------------------------------------------------
def _discipline_ancestors(code: str) -> list[str]:  # GB/T 13745: 3, 5, 7 digits
    return [code[:n] for n in (3, 5, 7) if len(code) >= n]


def _industry_ancestors(code: str) -> list[str]:  # GB/T 4754: letter, +2, +3, +4 digits
    return [code[:n] for n in (1, 3, 4, 5) if len(code) >= n]


def _ipc_ancestors(code: str) -> list[str]:  # A, A61, A61K, A61K31/00
    return [code[:n] for n in (1, 3, 4) if len(code) >= n] + ([code] if len(code) > 4 else [])


def _region_ancestors(code: str) -> list[str]:  # GB/T 2260: province, city, county
    return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code]))


# Code scheme → the code and its ancestors (a filter on an ancestor finds its descendants).
ANCESTORS: dict[str, Callable[[str], list[str]]] = {
    "discipline": _discipline_ancestors,
    "industry": _industry_ancestors,
    "ipc": _ipc_ancestors,
    "region": _region_ancestors,
}


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _scheme(
    codes: dict[str, list[str]], name: str, values: Iterable[str], ancestors: Callable[[str], list[str]]
) -> None:
    exact = _unique(values)
    if exact:
        codes[name] = exact
        codes[f"{name}_any"] = _unique(a for v in exact for a in ancestors(v))


def _base_codes(row: Any, owner_org_id: int | None) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {
        "visibility": [row.visibility.value],
        "access": access_tokens(row.visibility, owner_org_id, row.created_by_id),
    }
    if owner_org_id is not None:
        codes["org"] = [str(owner_org_id)]
    return codes


def _text(*parts: object) -> str:
    return "\n".join(str(p).strip() for p in parts if p is not None and str(p).strip())


def _keywords(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(_unique(v.strip() for v in values or ()))


def _numbers(**values: int | None) -> dict[str, int]:
    return {k: int(v) for k, v in values.items() if v is not None}


# --- one function per entity ----------------------------------------------------------------------------
def organisation_document(row: m.Organisation) -> Document | None:
    if row.merged_into_id is not None:
        return None
    codes = _base_codes(row, row.id)
    codes["org_kind"] = [row.kind.value]
    _scheme(codes, "industry", row.industry_codes or [], _industry_ancestors)
    _scheme(codes, "region", [row.region_code] if row.region_code else [], _region_ancestors)
    return Document(
        id=doc_id("organisation", row.id),
        kind="organisation",
        title=row.name_zh,
        text=_text(row.name_en, row.description),
        codes=codes,
    )


def person_document(row: m.Person) -> Document | None:
    if row.merged_into_id is not None:
        return None
    codes = _base_codes(row, row.organisation_id)
    _scheme(codes, "discipline", row.discipline_codes or [], _discipline_ancestors)
    return Document(
        id=doc_id("person", row.id),
        kind="person",
        title=row.name_zh,
        text=_text(row.name_en, row.title, row.profile),
        keywords=_keywords(row.keywords),
        codes=codes,
    )


def instrument_document(row: m.Instrument) -> Document | None:
    codes = _base_codes(row, row.organisation_id)
    _scheme(codes, "region", [row.region_code] if row.region_code else [], _region_ancestors)
    codes["status"] = [row.status.value]
    return Document(
        id=doc_id("instrument", row.id),
        kind="instrument",
        title=row.name_zh,
        text=_text(row.name_en, row.model, row.maker, row.description, row.sharing_terms, row.location),
        keywords=_keywords([row.category] if row.category else []),
        codes=codes,
    )


def project_document(row: m.Project) -> Document | None:
    codes = _base_codes(row, row.organisation_id)
    _scheme(codes, "discipline", row.discipline_codes or [], _discipline_ancestors)
    return Document(
        id=doc_id("project", row.id),
        kind="project",
        title=row.title,
        text=_text(row.title_en, row.abstract, row.programme, row.funder, row.pi_name),
        keywords=_keywords(row.keywords),
        codes=codes,
        numbers=_numbers(year=row.start_year),
    )


def achievement_document(row: m.Achievement) -> Document | None:
    codes = _base_codes(row, row.organisation_id)
    codes["achievement_kind"] = [row.kind.value]
    _scheme(codes, "discipline", row.discipline_codes or [], _discipline_ancestors)
    _scheme(codes, "industry", row.industry_codes or [], _industry_ancestors)
    _scheme(codes, "ipc", row.ipc_codes or [], _ipc_ancestors)
    _scheme(codes, "region", [row.region_code] if row.region_code else [], _region_ancestors)
    return Document(
        id=doc_id("achievement", row.id),
        kind="achievement",
        title=row.title,
        text=_text(row.title_en, row.abstract, row.owners),
        keywords=_keywords(row.keywords),
        codes=codes,
        numbers=_numbers(year=row.year, trl=row.trl),
    )


def need_document(row: m.Need) -> Document | None:
    codes = _base_codes(row, row.organisation_id)
    codes["status"] = [row.status.value]
    _scheme(codes, "discipline", row.discipline_codes or [], _discipline_ancestors)
    _scheme(codes, "industry", row.industry_codes or [], _industry_ancestors)
    _scheme(codes, "region", [row.region_code] if row.region_code else [], _region_ancestors)
    return Document(
        id=doc_id("need", row.id),
        kind="need",
        title=row.title,
        text=_text(row.description),
        keywords=_keywords(row.keywords),
        codes=codes,
        numbers=_numbers(year=row.created_at.year if row.created_at else None),
    )


def dataset_document(row: m.Dataset) -> Document | None:
    codes = _base_codes(row, row.organisation_id)
    _scheme(codes, "discipline", row.discipline_codes or [], _discipline_ancestors)
    return Document(
        id=doc_id("dataset", row.id),
        kind="dataset",
        title=row.title,
        text=_text(row.title_en, row.description, row.licence, row.format),
        keywords=_keywords(row.keywords),
        codes=codes,
        numbers=_numbers(year=row.year),
    )


DOCUMENTS: dict[str, Callable[[Any], Document | None]] = {
    "organisation": organisation_document,
    "person": person_document,
    "instrument": instrument_document,
    "project": project_document,
    "achievement": achievement_document,
    "need": need_document,
    "dataset": dataset_document,
}


def document_for(entity: str, row: Any) -> Document | None:
    """The Document for a record, or None when it must not be in the index (e.g. merged duplicates)."""
    return DOCUMENTS[entity](row)


# What the registry puts in the index (read by innobridge.index through the manifest).
INDEX = FeatureIndex(
    sources=tuple(Source(entity, SPECS[entity].model, DOCUMENTS[entity]) for entity in INDEXED_ENTITIES)
)
