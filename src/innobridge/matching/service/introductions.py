"""Introductions (对接) through their workflow: suggest, create, read, move, list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from innobridge.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unauthorized
from innobridge.core.i18n import t
from innobridge.core.models import utcnow
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.matching import rules
from innobridge.matching.indexing import IndexService
from innobridge.matching.models import CandidateKind, Introduction, IntroState
from innobridge.matching.schemas import (
    CandidateOut,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionQuery,
    SuggestOut,
)
from innobridge.matching.service.common import NEED_LISTS, _load_rows, _readable, _title
from innobridge.matching.service.ranking import _load_need, match_need
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Need, NeedStatus


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
