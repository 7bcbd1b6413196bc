"""Need/text/achievement → ranked, explained, diversified candidates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from innobridge.core.errors import NotFound
from innobridge.core.i18n import t
from innobridge.core.principal import Principal
from innobridge.index.records import access_filter, hit_key, load_rows, org_refs, readable, title_of
from innobridge.index.service import IndexService
from innobridge.matching import rules
from innobridge.matching.policy import POLICY
from innobridge.matching.schemas import (
    AchievementMatchOut,
    CandidateOut,
    ExplanationOut,
    MatchOut,
    ReasonOut,
)
from innobridge.matching.service.common import (
    _CODE_SCHEMES,
    _DEPTH_FACTOR,
    _QUERY_TEXT_CHARS,
    NEED_LISTS,
    PER_OWNER,
)
from innobridge.registry import search as registry_search
from innobridge.registry.models import Achievement, Need, NeedStatus, OrgKind
from innobridge.search.types import FilterValue, Hit, Query


# --- matching -------------------------------------------------------------------------------------
def _reason(key: str, **params: Any) -> ReasonOut:
    return ReasonOut(key=key, params=params, zh=t(key, "zh", **params), en=t(key, "en", **params))


def _most_specific(scheme: str, codes: set[str]) -> list[str]:
    ancestors = _CODE_SCHEMES[scheme]
    return sorted(c for c in codes if not any(c != d and c in ancestors(d) for d in codes))


def _shared_codes(
    query_codes: dict[str, list[str]], cand_codes: dict[str, list[str]]
) -> dict[str, list[str]]:
    out = {}
    for scheme in _CODE_SCHEMES:
        shared = set(query_codes.get(f"{scheme}_any", [])) & set(cand_codes.get(f"{scheme}_any", []))
        if shared:
            out[scheme] = _most_specific(scheme, shared)
    return out


def _reasons(hit: Hit, shared: dict[str, list[str]], row: Any) -> list[ReasonOut]:
    out = []
    ex = hit.explanation
    if ex is not None and ex.matched_terms:
        fields_zh = "、".join(t(f"matching.field.{f}", "zh") for f in ex.matched_fields)
        fields_en = ", ".join(t(f"matching.field.{f}", "en") for f in ex.matched_fields)
        terms = list(ex.matched_terms[:8])
        key = "matching.reason.terms"
        out.append(
            ReasonOut(
                key=key,
                params={"terms": terms, "fields": list(ex.matched_fields)},
                zh=t(key, "zh", terms="、".join(terms), fields=fields_zh),
                en=t(key, "en", terms=", ".join(terms), fields=fields_en),
            )
        )
    for scheme, codes in shared.items():
        out.append(_reason(f"matching.reason.{scheme}", codes=" ".join(codes)))
    if ex is not None and ex.dense_score is not None and ex.dense_rank is not None:
        out.append(_reason("matching.reason.semantic", score=round(ex.dense_score, 2)))
    if getattr(row, "trl", None):
        out.append(_reason("matching.reason.trl", trl=row.trl))
    return out


def _explanation_out(hit: Hit, shared: dict[str, list[str]]) -> ExplanationOut | None:
    ex = hit.explanation
    if ex is None:
        return None
    return ExplanationOut(
        matched_terms=list(ex.matched_terms),
        matched_fields=list(ex.matched_fields),
        shared_codes=shared,
        lexical_score=ex.lexical_score,
        lexical_rank=ex.lexical_rank,
        dense_score=ex.dense_score,
        dense_rank=ex.dense_rank,
        fused_score=ex.fused_score,
    )


def _ranked_list(
    session: Session,
    *,
    actor: Principal,
    index: IndexService,
    text: str,
    kind: str,
    limit: int,
    query_codes: dict[str, list[str]],
    extra_filters: dict[str, FilterValue] | None = None,
    exclude_org: int | None = None,
) -> list[CandidateOut]:
    """One kind of candidate for `text`: readable, not owned by `exclude_org`, diversified by owner."""
    result = index.search(
        Query(
            text=text,
            kinds=(kind,),
            filters={**access_filter(actor), **(extra_filters or {})},
            limit=max(limit * _DEPTH_FACTOR, 50),
            explain=True,
        )
    )
    rows = load_rows(session, (hit_key(h) for h in result.hits))
    usable: list[tuple[Hit, Any]] = []
    for hit in result.hits:
        row = rows.get(hit_key(hit))
        if (
            row is not None
            and readable(actor, row)
            and (exclude_org is None or row.owner_org_id != exclude_org)
        ):
            usable.append((hit, row))
    chosen = rules.diversify(usable, lambda hr: hr[1].owner_org_id, per_owner=PER_OWNER, limit=limit)
    owners = org_refs(session, actor, (row.owner_org_id for _, row in chosen))
    out = []
    for rank, (hit, row) in enumerate(chosen, start=1):
        doc = registry_search.document_for(kind, row)
        shared = _shared_codes(query_codes, doc.codes if doc else {})
        title, title_en = title_of(kind, row)
        out.append(
            CandidateOut(
                kind=kind,
                id=row.id,
                rank=rank,
                title=title,
                title_en=title_en,
                score=hit.score,
                owner=owners.get(row.owner_org_id) if row.owner_org_id else None,
                reasons=_reasons(hit, shared, row),
                explanation=_explanation_out(hit, shared),
            )
        )
    return out


def _need_text(need: Need) -> str:
    parts = [need.title, " ".join(need.keywords or []), (need.description or "")[:_QUERY_TEXT_CHARS]]
    return "\n".join(p for p in parts if p.strip())


def _achievement_text(a: Achievement) -> str:
    parts = [a.title, a.title_en or "", " ".join(a.keywords or []), (a.abstract or "")[:_QUERY_TEXT_CHARS]]
    return "\n".join(p for p in parts if p.strip())


def _dense_used(lists: Iterable[list[CandidateOut]]) -> bool:
    return any(c.explanation and c.explanation.dense_rank is not None for lst in lists for c in lst)


def _load_need(session: Session, actor: Principal, need_id: int) -> Need:
    need = session.get(Need, need_id)
    if need is None or not readable(actor, need):
        raise NotFound(entity="need", id=need_id)
    return need


def _match_lists(
    session: Session,
    *,
    actor: Principal,
    index: IndexService,
    text: str,
    per_kind: int,
    query_codes: dict[str, list[str]],
    exclude_org: int | None,
) -> dict[str, list[CandidateOut]]:
    return {
        name: _ranked_list(
            session,
            actor=actor,
            index=index,
            text=text,
            kind=kind.value,
            limit=per_kind,
            query_codes=query_codes,
            exclude_org=exclude_org,
        )
        for name, kind in NEED_LISTS.items()
    }


def match_need(
    session: Session, *, actor: Principal, index: IndexService, need_id: int, per_kind: int = 10
) -> MatchOut:
    """A stored need → ranked achievements, experts, institutions and instruments (separate lists, at
    most PER_OWNER per organisation each, never the need's own organisation), each with reasons."""
    need = _load_need(session, actor, need_id)
    text = _need_text(need)
    doc = registry_search.need_document(need)
    lists = _match_lists(
        session,
        actor=actor,
        index=index,
        text=text,
        per_kind=per_kind,
        query_codes=doc.codes if doc else {},
        exclude_org=need.organisation_id,
    )
    return MatchOut(
        need_id=need.id,
        query=text,
        **lists,
        dense=_dense_used(lists.values()),
        allowed_actions=POLICY.allowed(actor, need, ["suggest"]),
    )


def match_text(
    session: Session, *, actor: Principal, index: IndexService, text: str, per_kind: int = 10
) -> MatchOut:
    """Free text instead of a stored need (the same lists as match_need)."""
    lists = _match_lists(
        session, actor=actor, index=index, text=text, per_kind=per_kind, query_codes={}, exclude_org=None
    )
    return MatchOut(need_id=None, query=text, **lists, dense=_dense_used(lists.values()))


def match_achievement(
    session: Session, *, actor: Principal, index: IndexService, achievement_id: int, per_kind: int = 10
) -> AchievementMatchOut:
    """An achievement → ranked open needs and enterprises that might adopt it."""
    ach = session.get(Achievement, achievement_id)
    if ach is None or not readable(actor, ach):
        raise NotFound(entity="achievement", id=achievement_id)
    text = _achievement_text(ach)
    doc = registry_search.achievement_document(ach)
    codes = doc.codes if doc else {}
    common: dict[str, Any] = {
        "actor": actor,
        "index": index,
        "text": text,
        "limit": per_kind,
        "query_codes": codes,
        "exclude_org": ach.organisation_id,
    }
    needs = _ranked_list(session, kind="need", extra_filters={"status": [NeedStatus.open.value]}, **common)
    enterprises = _ranked_list(
        session, kind="organisation", extra_filters={"org_kind": [OrgKind.enterprise.value]}, **common
    )
    return AchievementMatchOut(
        achievement_id=ach.id,
        query=text,
        needs=needs,
        enterprises=enterprises,
        dense=_dense_used([needs, enterprises]),
    )
