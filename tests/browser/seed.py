"""Demo-like data for the browser tests, created through the services (never raw SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from innobridge.core.accounts import UserIn, register_user, set_membership
from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import SYSTEM
from innobridge.core.users import OrgRole, Role
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.rules import ucc_check_char
from innobridge.registry.schemas import (
    AchievementIn,
    InstrumentIn,
    NeedIn,
    OrganisationIn,
    PersonIn,
    ProjectIn,
)

PASSWORD = "correct-horse-42"


def ucc(body: str) -> str:
    return body + ucc_check_char(body)


@dataclass
class Seeded:
    university_id: int
    enterprise_id: int
    person_id: int
    public_achievement_id: int
    internal_achievement_id: int
    need_id: int
    emails: dict[str, str]


def seed(ctx: Context) -> Seeded:
    emails = {
        "admin": "admin@example.org",
        "officer": "officer@example.org",
        "manager": "manager@example.org",
        "enterprise": "boss@example.com",
        "researcher": "prof@example.edu",
    }
    roles = {
        "admin": Role.platform_admin,
        "officer": Role.programme_officer,
        "manager": Role.tech_manager,
        "enterprise": Role.member,
        "researcher": Role.member,
    }
    user_ids: dict[str, int] = {}
    with ctx.uow() as uow:
        for who, email in emails.items():
            user = register_user(
                uow,
                data=UserIn(email=email, name=f"{who}-用户", password=PASSWORD),
                role=roles[who],
                actor=SYSTEM,
            )
            user_ids[who] = user.id
    org, ach = SPECS["organisation"], SPECS["achievement"]
    with ctx.uow() as uow:
        uni = service.create_record(
            uow,
            actor=SYSTEM,
            spec=org,
            data=OrganisationIn(
                name_zh="东海理工大学",
                name_en="East Sea University of Technology",
                kind="university",
                credit_code=ucc("12310000425000001"),
                region_code="310104",
            ),
        )
        ent = service.create_record(
            uow,
            actor=SYSTEM,
            spec=org,
            data=OrganisationIn(
                name_zh="申城新能源科技有限公司", kind="enterprise", region_code="310115", high_tech=True
            ),
        )
        uni_id, ent_id = uni.id, ent.id  # type: ignore[attr-defined]
        person = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["person"],
            data=PersonIn(
                name_zh="李明",
                name_en="Li Ming",
                title="教授",
                organisation_id=uni_id,
                keywords=["锂电池", "固态电解质"],
                email="liming@example.edu",
            ),
        )
        service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["instrument"],
            data=InstrumentIn(
                name_zh="场发射扫描电子显微镜", model="SU8010", organisation_id=uni_id, region_code="310104"
            ),
        )
        service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["project"],
            data=ProjectIn(
                title="高比能固态锂电池关键材料", pi_name="李明", organisation_id=uni_id, start_year=2023
            ),
        )
        public = service.create_record(
            uow,
            actor=SYSTEM,
            spec=ach,
            data=AchievementIn(
                kind="patent",
                title="一种高安全性固态锂电池电解质及其制备方法",
                title_en="A safe solid-state lithium battery electrolyte",
                abstract="本发明公开了一种固态电解质，提高锂电池安全性与能量密度。",
                keywords=["锂电池", "固态电解质"],
                owners="李明；王芳",
                discipline_codes=["480"],
                trl=6,
                year=2023,
                organisation_id=uni_id,
                region_code="310104",
            ),
        )
        internal = service.create_record(
            uow,
            actor=SYSTEM,
            spec=ach,
            data=AchievementIn(
                kind="technology",
                title="内部保密电池隔膜涂层工艺",
                abstract="锂电池隔膜陶瓷涂层的内部工艺。",
                keywords=["锂电池", "隔膜"],
                trl=4,
                year=2022,
                organisation_id=uni_id,
                visibility=Visibility.internal,
            ),
        )
        service.create_record(
            uow,
            actor=SYSTEM,
            spec=ach,
            data=AchievementIn(
                kind="software",
                title="城市交通信号智能优化软件",
                keywords=["交通", "人工智能"],
                trl=8,
                year=2021,
                organisation_id=uni_id,
            ),
        )
        need = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["need"],
            data=NeedIn(
                title="动力电池热失控防护技术",
                description="寻求提高锂电池安全性的固态电解质或隔膜技术。",
                keywords=["锂电池", "安全"],
                organisation_id=ent_id,
            ),
        )
    with ctx.uow() as uow:
        set_membership(
            uow, actor=SYSTEM, user_id=user_ids["enterprise"], organisation_id=ent_id, role=OrgRole.org_admin
        )
        set_membership(uow, actor=SYSTEM, user_id=user_ids["researcher"], organisation_id=uni_id)
    return Seeded(
        university_id=uni_id,
        enterprise_id=ent_id,
        person_id=person.id,  # type: ignore[attr-defined]
        public_achievement_id=public.id,  # type: ignore[attr-defined]
        internal_achievement_id=internal.id,  # type: ignore[attr-defined]
        need_id=need.id,  # type: ignore[attr-defined]
        emails=emails,
    )
