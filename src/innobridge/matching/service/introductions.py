"""Introductions (对接) through their workflow: suggest, create, read, move, list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from innobridge.core.accounts import members_of
from innobridge.core.errors import Conflict, FieldError, Invalid, NotFound, Unauthorized
from innobridge.core.notifications import notify, register_event
from innobridge.core.principal import SYSTEM, Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.workflow import Notice, Transition, Workflow
from innobridge.core.workflow_views import allowed_out, timeline
from innobridge.index.records import load_rows, readable, title_of
from innobridge.index.service import IndexService
from innobridge.matching import rules
from innobridge.matching.models import CandidateKind, Introduction, IntroState
from innobridge.matching.policy import POLICY
from innobridge.matching.schemas import (
    CandidateOut,
    HistoryOut,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionQuery,
    SuggestOut,
)
from innobridge.matching.service.common import NEED_LISTS
from innobridge.matching.service.ranking import _load_need, match_need
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Need, NeedStatus


def _audience(session: Session, intro: Introduction) -> set[int]:
    """Who hears of a move: the need's side, the candidate's side once it is a party, and the manager."""
    orgs = [intro.need_org_id]
    if intro.contacted_at is not None:
        orgs.append(intro.candidate_org_id)
    people = members_of(session, orgs)
    if intro.manager_id is not None:
        people.add(intro.manager_id)
    return people


def _notice_params(session: Session, move: Transition) -> dict[str, str | int | None]:
    intro: Introduction = move.item
    titles = _titles(session, SYSTEM, [intro])
    code = move.reason_code
    return {
        "need": titles.get(("need", intro.need_id), ""),
        "candidate": titles.get((intro.candidate_kind.value, intro.candidate_id), ""),
        "state_zh": WORKFLOW.state(move.to_state).label_zh,
        "state_en": WORKFLOW.state(move.to_state).label_en,
        "action_zh": move.action.label_zh,
        "action_en": move.action.label_en,
        "reason": move.reason or "—",
        "reason_code_zh": move.action.reason_label(code, "zh") if code else "—",
        "reason_code_en": move.action.reason_label(code, "en") if code else "—",
    }


def _after_move(uow: UnitOfWork, move: Transition) -> None:
    """A broker who moves an unassigned introduction takes it on; a signed one matches its need."""
    intro: Introduction = move.item
    if intro.manager_id is None and POLICY.may("list_all", move.actor):
        intro.manager_id = move.actor.user_id
    need = intro.need
    if intro.state == IntroState.signed and need.status == NeedStatus.open:
        need.status = NeedStatus.matched
        uow.session.flush()
        uow.audit(
            actor=move.actor,
            action="matched",
            entity="need",
            entity_id=need.id,
            from_state=NeedStatus.open.value,
            to_state=NeedStatus.matched.value,
            reason=f"introduction {intro.id} signed",
        )
        uow.changed("need", need.id)


WORKFLOW = Workflow(
    name="introduction",
    states=rules.STATES,
    actions=rules.ACTIONS,
    policy=POLICY,
    notice=Notice(recipients=_audience, params=_notice_params, link=lambda i: f"/introductions/{i.id}"),
    after=_after_move,
)
for _action in rules.ACTIONS:
    register_event(f"introduction.{_action.name}")
register_event("introduction.created")


def _intro_out(
    intro: Introduction, actor: Principal, titles: dict[tuple[str, int], str] | None = None
) -> IntroductionOut:
    out = IntroductionOut.model_validate(intro)
    out.allowed_actions = allowed_out(WORKFLOW, actor, intro)
    out.state_label_zh = WORKFLOW.state(intro.state).label_zh
    out.state_label_en = WORKFLOW.state(intro.state).label_en
    if titles is not None:
        out.need_title = titles.get(("need", intro.need_id))
        out.candidate_title = titles.get((intro.candidate_kind.value, intro.candidate_id))
    return out


def _titles(session: Session, actor: Principal, intros: Sequence[Introduction]) -> dict[tuple[str, int], str]:
    """Titles of the needs and candidates — only of records the actor may read (a party to an
    introduction does not thereby see the other side's internal record)."""
    keys = {("need", i.need_id) for i in intros} | {(i.candidate_kind.value, i.candidate_id) for i in intros}
    return {k: title_of(k[0], row)[0] for k, row in load_rows(session, keys).items() if readable(actor, row)}


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
        manager_id=actor.user_id if POLICY.may("list_all", actor) else None,
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


def _announce(uow: UnitOfWork, actor: Principal, intros: Sequence[Introduction]) -> None:
    """One notice per need for newly suggested introductions (to the need's side and the manager)."""
    by_need: dict[int, list[Introduction]] = {}
    for i in intros:
        by_need.setdefault(i.need_id, []).append(i)
    for items in by_need.values():
        first = items[0]
        people = _audience(uow.session, first) - {actor.user_id}
        titles = _titles(uow.session, SYSTEM, items)
        if people:
            notify(
                uow,
                user_ids=sorted(people),
                event="introduction.created",
                params={
                    "need": titles.get(("need", first.need_id), ""),
                    "count": len(items),
                    "candidates": "、".join(
                        titles.get((i.candidate_kind.value, i.candidate_id), "") for i in items
                    ),
                },
                link=f"/introductions?need_id={first.need_id}",
                entity="introduction",
                entity_id=first.id,
            )


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
    POLICY.require("suggest", actor, need)
    matches = match_need(session, actor=actor, index=index, need_id=need_id, per_kind=per_kind)
    existing = _existing(session, need_id)
    created: list[Introduction] = []
    skipped = 0
    for name, kind in NEED_LISTS.items():
        candidates: list[CandidateOut] = getattr(matches, name)
        rows = load_rows(session, ((kind.value, c.id) for c in candidates))
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
    session.flush()
    _announce(uow, actor, created)
    titles = _titles(session, actor, created)
    return SuggestOut(created=[_intro_out(i, actor, titles) for i in created], existing=skipped)


def create_introduction(uow: UnitOfWork, *, actor: Principal, data: IntroductionIn) -> IntroductionOut:
    """A manager (or the need's organisation) introduces a need to a chosen candidate by hand."""
    if actor.is_anonymous:
        raise Unauthorized()
    session = uow.session
    need = _load_need(session, actor, data.need_id)
    POLICY.require("suggest", actor, need)
    candidate = session.get(SPECS[data.candidate_kind.value].model, data.candidate_id)
    if not readable(actor, candidate):
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
    session.flush()
    _announce(uow, actor, [intro])
    return _intro_out(intro, actor, _titles(session, actor, [intro]))


def _load_intro(
    session: Session, actor: Principal, introduction_id: int, *, lock: bool = False
) -> Introduction:
    intro = session.get(Introduction, introduction_id, with_for_update=lock or None)
    if intro is None or not POLICY.may("read", actor, intro):
        raise NotFound(entity="introduction", id=introduction_id)  # do not reveal that it exists
    return intro


def get_introduction(session: Session, *, actor: Principal, introduction_id: int) -> IntroductionOut:
    if actor.is_anonymous:
        raise Unauthorized()
    intro = _load_intro(session, actor, introduction_id)
    out = _intro_out(intro, actor, _titles(session, actor, [intro]))
    out.history = _history(session, intro)
    return out


def _history(session: Session, intro: Introduction) -> list[HistoryOut]:
    return timeline(session, WORKFLOW, intro.id, other_labels="matching.history")


def move_introduction(
    uow: UnitOfWork,
    *,
    actor: Principal,
    introduction_id: int,
    action: str,
    version: int | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> IntroductionOut:
    """Take one action of the introduction workflow (rules.ACTIONS) through the engine: who may, the
    version the actor saw (409 when stale), legality, reason and reason code; audit and notices follow."""
    if actor.is_anonymous:
        raise Unauthorized()
    intro = _load_intro(uow.session, actor, introduction_id, lock=True)
    WORKFLOW.apply(
        uow, actor=actor, item=intro, action=action, version=version, reason=reason, reason_code=reason_code
    )
    return _intro_out(intro, actor, _titles(uow.session, actor, [intro]))


def _intro_scope(stmt: Select[Any], actor: Principal) -> Select[Any]:
    if POLICY.may("list_all", actor):
        return stmt
    own_needs = Need.organisation_id.in_(actor.org_ids) if actor.org_ids else None
    as_candidate = (
        and_(Introduction.candidate_org_id.in_(actor.org_ids), Introduction.contacted_at.is_not(None))
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
    titles = _titles(session, actor, rows)
    return IntroductionPage(
        items=[_intro_out(i, actor, titles) for i in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )
