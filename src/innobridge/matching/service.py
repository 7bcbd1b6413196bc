"""Matching use cases: registry search with facets, need/text/achievement → ranked candidates,
introductions through their workflow, the matching rate.

Every function is keyword-only and typed, takes the acting Principal and Pydantic input and returns
Pydantic output. Writers take the caller's UnitOfWork (it commits); readers take a plain Session.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from innobridge.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unauthorized
from innobridge.core.i18n import register, t
from innobridge.core.models import utcnow
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.visibility import RECORDS
from innobridge.matching import rules
from innobridge.matching.indexing import IndexService
from innobridge.matching.models import CandidateKind, Introduction, IntroState
from innobridge.matching.schemas import (
    FACETS,
    AchievementMatchOut,
    CandidateOut,
    ExplanationOut,
    FacetBucket,
    FunnelOut,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionQuery,
    MatchOut,
    OrgRef,
    ReasonOut,
    SearchIn,
    SearchItem,
    SearchOut,
    SuggestOut,
)
from innobridge.registry import search as registry_search
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Achievement, Code, Need, NeedStatus, Organisation, OrgKind
from innobridge.search.types import FilterValue, Hit, Query

register(
    {
        "matching.error.unknown_action": {"zh": "未知的对接操作：{action}", "en": "Unknown action: {action}"},
        "matching.error.illegal_move": {
            "zh": "对接当前为“{state}”状态，不能执行“{action}”",
            "en": "The introduction is {state}; '{action}' is not possible now",
        },
        "matching.error.duplicate_introduction": {
            "zh": "该需求与该对象的对接已存在",
            "en": "This need is already introduced to this candidate",
        },
        "matching.error.no_index": {"zh": "检索索引尚未启用", "en": "The search index is not running"},
        "matching.reason.terms": {
            "zh": "共同关键词：{terms}（{fields}）",
            "en": "Shared terms: {terms} (in {fields})",
        },
        "matching.reason.discipline": {"zh": "同属学科 {codes}", "en": "Same discipline {codes}"},
        "matching.reason.industry": {"zh": "同属行业 {codes}", "en": "Same industry {codes}"},
        "matching.reason.region": {"zh": "同一地区 {codes}", "en": "Same region {codes}"},
        "matching.reason.semantic": {"zh": "语义相似度 {score}", "en": "Semantic similarity {score}"},
        "matching.reason.trl": {"zh": "技术成熟度 TRL {trl}", "en": "Technology readiness TRL {trl}"},
        "matching.field.title": {"zh": "标题", "en": "title"},
        "matching.field.keywords": {"zh": "关键词", "en": "keywords"},
        "matching.field.text": {"zh": "正文", "en": "text"},
        "matching.state.suggested": {"zh": "待联系", "en": "suggested"},
        "matching.state.contacted": {"zh": "已联系", "en": "contacted"},
        "matching.state.negotiating": {"zh": "洽谈中", "en": "negotiating"},
        "matching.state.signed": {"zh": "已签约", "en": "signed"},
        "matching.state.declined": {"zh": "已谢绝", "en": "declined"},
        "matching.state.withdrawn": {"zh": "已撤回", "en": "withdrawn"},
        "matching.facet.kind": {"zh": "类型", "en": "Type"},
        "matching.facet.discipline": {"zh": "学科", "en": "Discipline"},
        "matching.facet.region": {"zh": "地区", "en": "Region"},
        "matching.facet.year": {"zh": "年份", "en": "Year"},
    }
)
for _action in rules.ACTIONS.values():
    register({f"matching.action.{_action.name}": {"zh": _action.label_zh, "en": _action.label_en}})

# Candidate lists of a need, in the order pages show them: output field → document kind.
NEED_LISTS = {
    "achievements": CandidateKind.achievement,
    "experts": CandidateKind.person,
    "institutions": CandidateKind.organisation,
    "instruments": CandidateKind.instrument,
}
PER_OWNER = 2  # at most this many results of one organisation in a list
_DEPTH_FACTOR = 5  # candidates fetched per list before diversification: per_kind × this (at least 50)
_QUERY_TEXT_CHARS = 600  # a long description adds little beyond its start and slows BM25
# Code schemes whose overlap with the query is shown as a reason.
_CODE_SCHEMES = {k: registry_search.ANCESTORS[k] for k in ("discipline", "industry", "region")}


# --- shared helpers -------------------------------------------------------------------------------
def _access_filter(actor: Principal) -> dict[str, FilterValue]:
    return {"access": RECORDS.actor_tokens(actor)}


def _load_rows(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, rid in keys:
        by_entity[entity].add(rid)
    out: dict[tuple[str, int], Any] = {}
    for entity, ids in by_entity.items():
        model: Any = SPECS[entity].model
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            out[(entity, row.id)] = row
    return out


def _readable(actor: Principal, row: Any) -> bool:
    return row is not None and RECORDS.may_read(actor, row.visibility, row.owner_org_id, row.created_by_id)


def _org_refs(session: Session, actor: Principal, ids: Iterable[int | None]) -> dict[int, OrgRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
    return {o.id: OrgRef(id=o.id, name_zh=o.name_zh, name_en=o.name_en) for o in rows if _readable(actor, o)}


def _title(entity: str, row: Any) -> tuple[str, str | None]:
    if entity in ("organisation", "person", "instrument"):
        return row.name_zh, row.name_en
    return row.title, getattr(row, "title_en", None)


def _year(entity: str, row: Any) -> int | None:
    if entity == "project":
        return row.start_year  # type: ignore[no-any-return]
    if entity == "need":
        return row.created_at.year if row.created_at else None
    return getattr(row, "year", None)


def _hit_key(hit: Hit) -> tuple[str, int]:
    return registry_search.parse_doc_id(hit.id)


# --- search ---------------------------------------------------------------------------------------
def _search_filters(actor: Principal, query: SearchIn) -> dict[str, FilterValue]:
    filters = _access_filter(actor)
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


def _facet_labels(session: Session, facets: dict[str, dict[str, int]]) -> dict[str, list[FacetBucket]]:
    out: dict[str, list[FacetBucket]] = {}
    for name in FACETS:
        counts = facets.get(name, {})
        names: dict[str, tuple[str, str]] = {}
        if name == "kind":
            names = {k: (s.label_zh, s.label_en) for k, s in SPECS.items()}
        elif name in ("discipline", "region") and counts:
            rows = session.execute(
                select(Code.code, Code.name_zh, Code.name_en).where(
                    Code.scheme == name, Code.code.in_(list(counts))
                )
            )
            names = {c: (zh, en or zh) for c, zh, en in rows}
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
    rows = _load_rows(session, (_hit_key(h) for h in result.hits))
    owners = _org_refs(session, actor, (r.owner_org_id for r in rows.values()))
    items = []
    for hit in result.hits:
        entity, rid = _hit_key(hit)
        row = rows.get((entity, rid))
        if row is None or not _readable(actor, row):
            continue  # the index is a moment behind the database: trust the database
        title, title_en = _title(entity, row)
        items.append(
            SearchItem(
                kind=entity,
                id=rid,
                title=title,
                title_en=title_en,
                score=hit.score,
                highlights=dict(hit.highlights),
                owner=owners.get(row.owner_org_id) if row.owner_org_id else None,
                year=_year(entity, row),
            )
        )
    return SearchOut(
        items=items,
        total=result.total,
        page=query.page,
        page_size=query.page_size,
        facets=_facet_labels(session, result.facets),
    )


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
            filters={**_access_filter(actor), **(extra_filters or {})},
            limit=max(limit * _DEPTH_FACTOR, 50),
            explain=True,
        )
    )
    rows = _load_rows(session, (_hit_key(h) for h in result.hits))
    usable: list[tuple[Hit, Any]] = []
    for hit in result.hits:
        row = rows.get(_hit_key(hit))
        if (
            row is not None
            and _readable(actor, row)
            and (exclude_org is None or row.owner_org_id != exclude_org)
        ):
            usable.append((hit, row))
    chosen = rules.diversify(usable, lambda hr: hr[1].owner_org_id, per_owner=PER_OWNER, limit=limit)
    owners = _org_refs(session, actor, (row.owner_org_id for _, row in chosen))
    out = []
    for rank, (hit, row) in enumerate(chosen, start=1):
        doc = registry_search.document_for(kind, row)
        shared = _shared_codes(query_codes, doc.codes if doc else {})
        title, title_en = _title(kind, row)
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
    if need is None or not _readable(actor, need):
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
    return MatchOut(need_id=need.id, query=text, **lists, dense=_dense_used(lists.values()))


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
    if ach is None or not _readable(actor, ach):
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


# --- introductions --------------------------------------------------------------------------------
def _intro_out(intro: Introduction, titles: dict[tuple[str, int], str] | None = None) -> IntroductionOut:
    out = IntroductionOut.model_validate(intro)
    out.actions = rules.available_actions(intro.state)
    if titles is not None:
        out.need_title = titles.get(("need", intro.need_id))
        out.candidate_title = titles.get((intro.candidate_kind.value, intro.candidate_id))
    return out


def _titles(session: Session, intros: Sequence[Introduction]) -> dict[tuple[str, int], str]:
    keys = {("need", i.need_id) for i in intros} | {(i.candidate_kind.value, i.candidate_id) for i in intros}
    return {k: _title(k[0], row)[0] for k, row in _load_rows(session, keys).items()}


def _may_read_intro(actor: Principal, intro: Introduction, need: Need) -> bool:
    if rules.is_manager(actor):
        return True
    if actor.is_anonymous:
        return False
    if need.organisation_id is not None and need.organisation_id in actor.org_ids:
        return True
    # The candidate's side is a party once someone has contacted it.
    return (
        intro.state != IntroState.suggested
        and intro.candidate_org_id is not None
        and intro.candidate_org_id in actor.org_ids
    )


def _new_introduction(
    uow: UnitOfWork,
    *,
    actor: Principal,
    need: Need,
    kind: CandidateKind,
    candidate: Any,
    score: float | None,
    explanation: dict[str, Any] | None,
    note: str | None,
    source: str,
) -> Introduction:
    intro = Introduction(
        need_id=need.id,
        candidate_kind=kind,
        candidate_id=candidate.id,
        candidate_org_id=candidate.owner_org_id,
        score=score,
        explanation=explanation,
        state=IntroState.suggested,
        manager_id=actor.user_id if rules.is_manager(actor) else None,
        note=note,
        source=source,
        created_by_id=actor.user_id,
    )
    uow.session.add(intro)
    uow.session.flush()
    uow.audit(
        actor=actor,
        action="suggest" if source == "matching" else "create",
        entity="introduction",
        entity_id=intro.id,
        to_state=IntroState.suggested.value,
        changes={"need_id": need.id, "candidate_kind": kind.value, "candidate_id": candidate.id},
    )
    uow.changed("introduction", intro.id)
    return intro


def _existing(session: Session, need_id: int) -> set[tuple[str, int]]:
    rows = session.execute(
        select(Introduction.candidate_kind, Introduction.candidate_id).where(Introduction.need_id == need_id)
    )
    return {(k.value, cid) for k, cid in rows}


def suggest_introductions(
    uow: UnitOfWork, *, actor: Principal, index: IndexService, need_id: int, per_kind: int = 3
) -> SuggestOut:
    """Store the top `per_kind` candidates of each list as `suggested` introductions. Idempotent: a
    candidate already introduced to this need (in any state) is left as it is."""
    session = uow.session
    need = _load_need(session, actor, need_id)
    if not rules.may_suggest(actor, need.organisation_id):
        raise Forbidden()
    matches = match_need(session, actor=actor, index=index, need_id=need_id, per_kind=per_kind)
    existing = _existing(session, need_id)
    created: list[Introduction] = []
    skipped = 0
    for name, kind in NEED_LISTS.items():
        candidates: list[CandidateOut] = getattr(matches, name)
        rows = _load_rows(session, ((kind.value, c.id) for c in candidates))
        for cand in candidates:
            if (kind.value, cand.id) in existing:
                skipped += 1
                continue
            explanation = {
                "rank": cand.rank,
                "reasons": [r.model_dump() for r in cand.reasons],
                "explanation": cand.explanation.model_dump() if cand.explanation else None,
            }
            created.append(
                _new_introduction(
                    uow,
                    actor=actor,
                    need=need,
                    kind=kind,
                    candidate=rows[(kind.value, cand.id)],
                    score=cand.score,
                    explanation=explanation,
                    note=None,
                    source="matching",
                )
            )
            existing.add((kind.value, cand.id))
    titles = _titles(session, created)
    return SuggestOut(created=[_intro_out(i, titles) for i in created], existing=skipped)


def create_introduction(uow: UnitOfWork, *, actor: Principal, data: IntroductionIn) -> IntroductionOut:
    """A manager (or the need's organisation) introduces a need to a chosen candidate by hand."""
    if actor.is_anonymous:
        raise Unauthorized()
    session = uow.session
    need = _load_need(session, actor, data.need_id)
    if not rules.may_suggest(actor, need.organisation_id):
        raise Forbidden()
    candidate = session.get(SPECS[data.candidate_kind.value].model, data.candidate_id)
    if not _readable(actor, candidate):
        raise Invalid([FieldError("candidate_id", "field.unknown_reference", {"value": data.candidate_id})])
    if (data.candidate_kind.value, data.candidate_id) in _existing(session, need.id):
        raise Conflict("matching.error.duplicate_introduction")
    intro = _new_introduction(
        uow,
        actor=actor,
        need=need,
        kind=data.candidate_kind,
        candidate=candidate,
        score=None,
        explanation=None,
        note=data.note,
        source="manual",
    )
    return _intro_out(intro, _titles(session, [intro]))


def _load_intro(
    session: Session, actor: Principal, introduction_id: int, *, lock: bool = False
) -> tuple[Introduction, Need]:
    intro = session.get(Introduction, introduction_id, with_for_update=lock or None)
    need = session.get(Need, intro.need_id) if intro is not None else None
    if intro is None or need is None or not _may_read_intro(actor, intro, need):
        raise NotFound(entity="introduction", id=introduction_id)
    return intro, need


def get_introduction(session: Session, *, actor: Principal, introduction_id: int) -> IntroductionOut:
    if actor.is_anonymous:
        raise Unauthorized()
    intro, _ = _load_intro(session, actor, introduction_id)
    return _intro_out(intro, _titles(session, [intro]))


def move_introduction(
    uow: UnitOfWork, *, actor: Principal, introduction_id: int, action: str, reason: str | None = None
) -> IntroductionOut:
    """Take one workflow action (rules.ACTIONS). Who may is checked first, then whether the move is
    legal from the current state; the change leaves an audit event with from/to state and reason."""
    if actor.is_anonymous:
        raise Unauthorized()
    session = uow.session
    intro, need = _load_intro(session, actor, introduction_id, lock=True)
    act = rules.ACTIONS.get(action)
    if act is None:
        raise NotFound("matching.error.unknown_action", action=action)
    if not rules.may_take(actor, action, need.organisation_id):
        raise Forbidden()
    before = intro.state
    if before not in act.sources:
        raise Conflict(
            "matching.error.illegal_move", state=t(f"matching.state.{before.value}"), action=act.label_zh
        )
    reason = reason.strip() if reason else None
    if act.needs_reason and not reason:
        raise Invalid([FieldError("reason", "field.required")])
    now = utcnow()
    intro.state = rules.check_move(before, action, reason)
    stamp = rules.STAMPS.get(intro.state)
    if stamp == "closed_at" or (stamp and getattr(intro, stamp) is None):
        setattr(intro, stamp, now)
    if action == "reopen":
        intro.closed_at = None
    if intro.manager_id is None and rules.is_manager(actor):
        intro.manager_id = actor.user_id
    intro.updated_at = now
    session.flush()
    uow.audit(
        actor=actor,
        action=action,
        entity="introduction",
        entity_id=intro.id,
        from_state=before.value,
        to_state=intro.state.value,
        reason=reason,
    )
    uow.changed("introduction", intro.id)
    if intro.state == IntroState.signed and need.status == NeedStatus.open:
        need.status = NeedStatus.matched
        session.flush()
        uow.audit(
            actor=actor,
            action="matched",
            entity="need",
            entity_id=need.id,
            from_state=NeedStatus.open.value,
            to_state=NeedStatus.matched.value,
            reason=f"introduction {intro.id} signed",
        )
        uow.changed("need", need.id)
    return _intro_out(intro, _titles(session, [intro]))


def _intro_scope(stmt: Select[Any], actor: Principal) -> Select[Any]:
    if rules.is_manager(actor):
        return stmt
    own_needs = Need.organisation_id.in_(actor.org_ids) if actor.org_ids else None
    as_candidate = (
        and_(Introduction.candidate_org_id.in_(actor.org_ids), Introduction.state != IntroState.suggested)
        if actor.org_ids
        else None
    )
    conds = [c for c in (own_needs, as_candidate) if c is not None]
    return stmt.where(or_(*conds)) if conds else stmt.where(Introduction.id.is_(None))


def list_introductions(session: Session, *, actor: Principal, query: IntroductionQuery) -> IntroductionPage:
    """Managers see every introduction (their work queue); organisations see those of their needs, and
    those where they are the candidate once contacted."""
    if actor.is_anonymous:
        raise Unauthorized()
    stmt = _intro_scope(select(Introduction).join(Need, Need.id == Introduction.need_id), actor)
    if query.need_id is not None:
        stmt = stmt.where(Introduction.need_id == query.need_id)
    if query.state is not None:
        stmt = stmt.where(Introduction.state == query.state)
    if query.candidate_kind is not None:
        stmt = stmt.where(Introduction.candidate_kind == query.candidate_kind)
    if query.mine:
        stmt = stmt.where(Introduction.manager_id == actor.user_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(Introduction.updated_at.desc(), Introduction.id.desc())
    rows = session.scalars(stmt.offset((query.page - 1) * query.page_size).limit(query.page_size)).all()
    titles = _titles(session, rows)
    return IntroductionPage(
        items=[_intro_out(i, titles) for i in rows], total=total, page=query.page, page_size=query.page_size
    )


# --- the matching rate ----------------------------------------------------------------------------
def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def matching_rate(
    session: Session, *, since: date, until: date, within_days: int = 30, as_of: datetime | None = None
) -> FunnelOut:
    """The matching-rate funnel of needs published (created) from `since` to `until` inclusive.
    Aggregate counts only; registered-contract figures wait for the transfer feature."""
    if until < since:
        raise Invalid([FieldError("until", "field.invalid", {"detail": "before since"})])
    for name, day in (("since", since), ("until", until)):
        if not 1900 <= day.year <= 2100:
            raise Invalid([FieldError(name, "field.invalid", {"detail": "year 1900–2100"})])
    start, end = _start_of(since), _start_of(until + timedelta(days=1))
    in_period = and_(Need.created_at >= start, Need.created_at < end)
    needs = [
        rules.NeedFact(i, at) for i, at in session.execute(select(Need.id, Need.created_at).where(in_period))
    ]
    intros = [
        rules.IntroFact(n, c, contacted_at=ca, signed_at=sa)
        for n, c, ca, sa in session.execute(
            select(
                Introduction.need_id,
                Introduction.created_at,
                Introduction.contacted_at,
                Introduction.signed_at,
            )
            .join(Need, Need.id == Introduction.need_id)
            .where(in_period)
        )
    ]
    f = rules.funnel(needs, intros, within_days=within_days, until=end, as_of=as_of or utcnow())
    return FunnelOut(
        since=since,
        until=until,
        within_days=within_days,
        published=f.published,
        suggested=f.suggested,
        accepted=f.accepted,
        signed=f.signed,
        matching_rate=f.matching_rate,
        deal_rate=f.deal_rate,
        window_complete=f.window_complete,
    )
