"""Matching's jobs: reminders for introductions with no move, daily digests of new strong matches (for
each open need, and open needs for each achievement), and vector building for the index (a job the
index glue can be pointed at).

Both notices are idempotent by what was already sent (the inbox rows): a run that is repeated, or
lost and redone, reminds once per quiet spell and announces each match once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from innobridge.core import jobs
from innobridge.core.context import Context
from innobridge.core.i18n import register
from innobridge.core.notifications import notify, register_event
from innobridge.core.notifications.models import Notification
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import Membership, Role, User
from innobridge.index import service as indexing
from innobridge.matching.models import Introduction, IntroState
from innobridge.matching.rules import as_utc
from innobridge.matching.schemas import CandidateOut
from innobridge.matching.service import match_achievement, match_need
from innobridge.registry.models import Achievement, Need, NeedStatus

REMINDER = "introduction.reminder"
DIGEST = "need.digest"
ACHIEVEMENT_DIGEST = "achievement.digest"
OPEN_STATES = (IntroState.suggested, IntroState.contacted, IntroState.negotiating)
DIGEST_PER_KIND = 3  # "strong": among the best three of a kind, and at least INNOBRIDGE_DIGEST_MIN_SCORE

register(
    {
        f"notify.{REMINDER}.label": {"zh": "对接长时间无进展提醒", "en": "Reminder: an introduction is idle"},
        f"notify.{REMINDER}.subject": {
            "zh": "对接 #{id} 已 {days} 天没有进展",
            "en": "Introduction #{id}: no move in {days} days",
        },
        f"notify.{REMINDER}.body": {
            "zh": "需求“{need}”的对接 #{id} 仍处于“{state}”阶段，已 {days} 天没有进展。请跟进或关闭。",
            "en": "Introduction #{id} for the need “{need}” has been at “{state}” for {days} days "
            "with no move. Please follow it up or close it.",
        },
        f"notify.{DIGEST}.label": {
            "zh": "需求的新强匹配（每日）",
            "en": "New strong matches for needs (daily)",
        },
        f"notify.{DIGEST}.subject": {
            "zh": "需求“{title}”有 {count} 个新的强匹配",
            "en": "{count} new strong matches for “{title}”",
        },
        f"notify.{DIGEST}.body": {
            "zh": "平台为您的需求“{title}”找到了新的匹配：{items}",
            "en": "New matches were found for your need “{title}”: {items}",
        },
        f"notify.{ACHIEVEMENT_DIGEST}.label": {
            "zh": "成果的新匹配需求（每日）",
            "en": "New matching needs for achievements (daily)",
        },
        f"notify.{ACHIEVEMENT_DIGEST}.subject": {
            "zh": "成果“{title}”有 {count} 个新的匹配需求",
            "en": "{count} new needs match “{title}”",
        },
        f"notify.{ACHIEVEMENT_DIGEST}.body": {
            "zh": "以下需求与您的成果“{title}”高度匹配：{items}",
            "en": "These needs match your achievement “{title}” well: {items}",
        },
    }
)
register_event(REMINDER)
register_event(DIGEST)
register_event(ACHIEVEMENT_DIGEST)


def _members(session: Session, org_id: int | None) -> list[int]:
    if org_id is None:
        return []
    return list(
        session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id == org_id, User.is_active.is_(True))
            .order_by(Membership.user_id)
        )
    )


@jobs.periodic("matching.introduction_reminders", "day")
def introduction_reminders(ctx: Context, *, now: datetime | None = None) -> int:
    """Remind the manager and the need's organisation of each open introduction that has not moved for
    INNOBRIDGE_INTRO_REMINDER_DAYS — once per quiet spell (a move starts a new spell). How many."""
    now = now or datetime.now(UTC)
    days = ctx.settings.intro_reminder_days
    cutoff = now - timedelta(days=days)
    sent = 0
    with ctx.uow() as uow:
        session = uow.session
        rows = session.execute(
            select(Introduction, Need)
            .join(Need, Need.id == Introduction.need_id)
            .where(Introduction.state.in_(OPEN_STATES), Introduction.updated_at <= cutoff)
            .order_by(Introduction.id)
        ).all()
        last = dict(
            session.execute(
                select(Notification.entity_id, func.max(Notification.created_at))
                .where(
                    Notification.entity == "introduction",
                    Notification.event == REMINDER,
                    Notification.entity_id.in_([intro.id for intro, _ in rows]),
                )
                .group_by(Notification.entity_id)
            ).all()
        )
        for intro, need in rows:
            reminded = last.get(intro.id)
            if reminded is not None and as_utc(reminded) >= as_utc(intro.updated_at):
                continue  # this quiet spell was already reminded of
            recipients = set(_members(session, need.organisation_id))
            if intro.manager_id is not None:
                recipients.add(intro.manager_id)
            if not recipients:
                continue
            notify(
                uow,
                user_ids=recipients,
                event=REMINDER,
                params={"id": intro.id, "need": need.title, "state": intro.state.value, "days": days},
                link=f"/introductions/{intro.id}",
                entity="introduction",
                entity_id=intro.id,
            )
            sent += 1
    return sent


def _seen(session: Session, entity: str, entity_id: int, event: str) -> set[str]:
    """Candidates already announced for this record (kept in its last digest's params)."""
    params = session.scalar(
        select(Notification.params)
        .where(
            Notification.entity == entity, Notification.entity_id == entity_id, Notification.event == event
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    keys = (params or {}).get("keys") or ""
    return set(str(keys).split(",")) - {""}


def _announce(
    uow: UnitOfWork,
    *,
    event: str,
    entity: str,
    entity_id: int,
    title: str,
    members: list[int],
    candidates: Iterable[CandidateOut],
    link: str,
) -> bool:
    """Notify `members` of the candidates not announced for this record before; whether any were."""
    seen = _seen(uow.session, entity, entity_id, event)
    new = [c for c in candidates if f"{c.kind}:{c.id}" not in seen]
    if not new:
        return False
    keys = sorted(seen | {f"{c.kind}:{c.id}" for c in new})
    notify(
        uow,
        user_ids=members,
        event=event,
        params={
            "title": title,
            "count": len(new),
            "items": "；".join(c.title for c in new),
            "keys": ",".join(keys),
        },
        link=link,
        entity=entity,
        entity_id=entity_id,
    )
    return True


def _viewer(members: list[int], org_id: int | None) -> Principal:
    # ranked as a member of the record's organisation sees them (never internal records of others)
    orgs = frozenset({org_id}) if org_id is not None else frozenset()
    return Principal(user_id=members[0], role=Role.member, org_ids=orgs)


@jobs.periodic("matching.need_digest", "day")
def need_digest(ctx: Context) -> int:
    """Tell each open need's organisation of strong matches not announced before. How many digests."""
    index = indexing.install(ctx, start_vectors=False)
    min_score = ctx.settings.digest_min_score
    with ctx.session() as session:
        needs = session.execute(
            select(Need.id, Need.title, Need.organisation_id)
            .where(Need.status == NeedStatus.open, Need.organisation_id.in_(_staffed()))
            .order_by(Need.id)
        ).all()
    sent = 0
    for need_id, title, org_id in needs:
        with ctx.uow() as uow:
            members = _members(uow.session, org_id)
            if not members:
                continue
            result = match_need(
                uow.session,
                actor=_viewer(members, org_id),
                index=index,
                need_id=need_id,
                per_kind=DIGEST_PER_KIND,
            )
            groups = (result.achievements, result.experts, result.institutions, result.instruments)
            sent += _announce(
                uow,
                event=DIGEST,
                entity="need",
                entity_id=need_id,
                title=title,
                members=members,
                candidates=[c for group in groups for c in group if c.score >= min_score],
                link=f"/needs/{need_id}/matches",
            )
    return sent


@jobs.periodic("matching.achievement_digest", "day")
def achievement_digest(ctx: Context) -> int:
    """Tell each achievement's organisation of open needs that strongly match it, each need once. Only
    organisations with users are looked at (nobody else would read it). How many digests."""
    index = indexing.install(ctx, start_vectors=False)
    min_score = ctx.settings.digest_min_score
    with ctx.session() as session:
        achievements = session.execute(
            select(Achievement.id, Achievement.title, Achievement.organisation_id)
            .where(Achievement.organisation_id.in_(_staffed()))
            .order_by(Achievement.id)
        ).all()
    sent = 0
    for ach_id, title, org_id in achievements:
        with ctx.uow() as uow:
            members = _members(uow.session, org_id)
            if not members:
                continue
            result = match_achievement(
                uow.session,
                actor=_viewer(members, org_id),
                index=index,
                achievement_id=ach_id,
                per_kind=DIGEST_PER_KIND,
            )
            sent += _announce(
                uow,
                event=ACHIEVEMENT_DIGEST,
                entity="achievement",
                entity_id=ach_id,
                title=title,
                members=members,
                candidates=[c for c in result.needs if c.score >= min_score],
                link=f"/achievements/{ach_id}/matches",
            )
    return sent


def _staffed() -> Select[int]:
    """Organisations with at least one member (the only ones a digest can reach)."""
    return select(Membership.organisation_id).distinct()


@jobs.background("matching.build_vectors")
def build_vectors(ctx: Context) -> int:
    """Encode the index's pending documents in batches until none are left (enqueue it after a rebuild
    or an import instead of encoding on a daemon thread). How many were encoded."""
    index = indexing.install(ctx, start_vectors=False)
    if not index.writer:  # only the index writer encodes (docs/serving.md); a reader has nothing to do
        return 0
    done = 0
    while index.pending_vectors() > 0:
        built = index.build_vectors()
        if built == 0:
            break
        done += built
    return done
