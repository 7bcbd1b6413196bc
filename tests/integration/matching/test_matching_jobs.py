"""Matching's jobs: a reminder once per quiet spell of an introduction (manager and the need's
organisation), and a daily digest that announces each strong match of a need once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from tests.conftest import make_user
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.context import Context
from innobridge.core.notifications.models import Notification
from innobridge.core.principal import Principal
from innobridge.core.users import Role
from innobridge.index.service import IndexService
from innobridge.matching import jobs as matching_jobs
from innobridge.matching import service
from innobridge.matching.models import CandidateKind, Introduction
from innobridge.matching.schemas import IntroductionIn


def _notes(ctx: Context, event: str) -> list[Notification]:
    with ctx.session() as s:
        return list(
            s.scalars(select(Notification).where(Notification.event == event).order_by(Notification.id))
        )


def _quiet_since(ctx: Context, intro_id: int, when: datetime) -> None:
    """The introduction's last move was at `when` (test data: moving the clock, not the workflow)."""
    with ctx.uow() as uow:
        uow.session.execute(update(Introduction).where(Introduction.id == intro_id).values(updated_at=when))


def test_reminders_once_per_quiet_spell(ctx: Context, index: IndexService) -> None:
    firm = org(ctx, "智能制造有限公司", kind="enterprise")
    lab = org(ctx, "机器人研究院", kind="research_institute")
    ach = create(ctx, "achievement", kind="patent", title="协作机器人力控关节", organisation_id=lab)
    need = create(ctx, "need", title="机器人力控关节需求", organisation_id=firm)
    buyer = member_of(ctx, firm)
    manager: Principal = make_user(ctx, role=Role.tech_manager)
    with ctx.uow() as uow:
        intro = service.create_introduction(
            uow,
            actor=manager,
            data=IntroductionIn(need_id=need, candidate_kind=CandidateKind.achievement, candidate_id=ach),
        )
    days = ctx.settings.intro_reminder_days
    start = datetime.now(UTC) - timedelta(days=30)
    _quiet_since(ctx, intro.id, start)
    assert matching_jobs.introduction_reminders(ctx, now=start + timedelta(days=days - 1)) == 0  # not yet
    assert matching_jobs.introduction_reminders(ctx, now=start + timedelta(days=days + 1)) == 1
    notes = _notes(ctx, matching_jobs.REMINDER)
    assert {n.user_id for n in notes} == {buyer.user_id, manager.user_id}
    assert all(n.entity == "introduction" and n.entity_id == intro.id for n in notes)
    assert notes[0].link == f"/introductions/{intro.id}" and str(days) in notes[0].subject
    # the same spell, a day later and again later: no second reminder
    assert matching_jobs.introduction_reminders(ctx, now=start + timedelta(days=days + 2)) == 0
    assert matching_jobs.introduction_reminders(ctx) == 0
    # a move starts a new spell, which is reminded of once it is quiet long enough
    moved = datetime.now(UTC) + timedelta(seconds=1)
    _quiet_since(ctx, intro.id, moved)
    assert matching_jobs.introduction_reminders(ctx, now=moved + timedelta(days=1)) == 0
    assert matching_jobs.introduction_reminders(ctx, now=moved + timedelta(days=days + 1)) == 1
    assert len(_notes(ctx, matching_jobs.REMINDER)) == 4


def test_digest_announces_each_strong_match_once(ctx: Context, index: IndexService) -> None:
    ctx.settings = ctx.settings.model_copy(update={"digest_min_score": 0.0})
    firm = org(ctx, "智能制造有限公司", kind="enterprise")
    lab = org(ctx, "机器人研究院", kind="research_institute")
    create(
        ctx,
        "achievement",
        kind="patent",
        title="协作机器人力控关节",
        keywords=["机器人"],
        organisation_id=lab,
    )
    need = create(ctx, "need", title="机器人力控关节需求", keywords=["机器人"], organisation_id=firm)
    buyers = {member_of(ctx, firm).user_id, member_of(ctx, firm).user_id}
    outsider = member_of(ctx, lab)
    assert matching_jobs.need_digest(ctx) == 1
    notes = _notes(ctx, matching_jobs.DIGEST)
    assert {n.user_id for n in notes} == buyers and outsider.user_id not in {n.user_id for n in notes}
    assert "协作机器人力控关节" in notes[0].body and notes[0].link == f"/needs/{need}/matches"
    assert matching_jobs.need_digest(ctx) == 0  # nothing new since
    create(
        ctx,
        "achievement",
        kind="software",
        title="机器人关节力控算法",
        keywords=["机器人"],
        organisation_id=lab,
    )
    assert matching_jobs.need_digest(ctx) == 1
    latest = _notes(ctx, matching_jobs.DIGEST)[-1]
    assert "机器人关节力控算法" in latest.body and "协作机器人力控关节" not in latest.body
    assert latest.params["count"] == 1


def test_achievement_digest_announces_each_matching_need_once(ctx: Context, index: IndexService) -> None:
    ctx.settings = ctx.settings.model_copy(update={"digest_min_score": 0.0})
    firm = org(ctx, "智能制造有限公司", kind="enterprise")
    lab = org(ctx, "机器人研究院", kind="research_institute")
    unstaffed = org(ctx, "无人机构", kind="university")
    ach = create(
        ctx,
        "achievement",
        kind="patent",
        title="协作机器人力控关节",
        keywords=["机器人"],
        organisation_id=lab,
    )
    create(
        ctx,
        "achievement",
        kind="patent",
        title="机器人力控关节专利",
        keywords=["机器人"],
        organisation_id=unstaffed,
    )
    create(ctx, "need", title="机器人力控关节需求", keywords=["机器人"], organisation_id=firm)
    researcher = member_of(ctx, lab)
    assert matching_jobs.achievement_digest(ctx) == 1  # the unstaffed organisation's achievement is skipped
    (note,) = _notes(ctx, matching_jobs.ACHIEVEMENT_DIGEST)
    assert note.user_id == researcher.user_id and note.entity_id == ach
    assert "机器人力控关节需求" in note.body and note.link == f"/achievements/{ach}/matches"
    assert matching_jobs.achievement_digest(ctx) == 0


def test_build_vectors_job_encodes_what_is_pending(ctx: Context) -> None:
    from tests.integration.matching.test_matching_vectors import BigramEncoder

    from innobridge.core import jobs
    from innobridge.index import service as indexing
    from innobridge.search.engine import SearchEngine

    create(ctx, "achievement", kind="patent", title="高温超导薄膜低温制备方法")
    create(ctx, "achievement", kind="paper", title="玉米病害图像识别")
    index = indexing.install(ctx, start_vectors=False, engine=SearchEngine(None, encoder=BigramEncoder()))
    try:
        index.rebuild()  # documents indexed lexically; their vectors wait
        assert index.pending_vectors() == 2
        assert jobs.spec("matching.build_vectors").func is matching_jobs.build_vectors
        assert matching_jobs.build_vectors(ctx) == 2
        assert index.pending_vectors() == 0
        assert matching_jobs.build_vectors(ctx) == 0
    finally:
        index.close()
