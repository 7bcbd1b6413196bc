"""Seed records shared by the page tests of several features (search, matching, data export)."""

from __future__ import annotations

from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import SYSTEM
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.schemas import AchievementIn, NeedIn, OrganisationIn


def seed(ctx: Context) -> dict[str, int]:
    with ctx.uow() as uow:
        uni = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            data=OrganisationIn(name_zh="西湖学院", kind="university"),
        )
        ent = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            data=OrganisationIn(name_zh="甬江制造", kind="enterprise"),
        )
        public = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="patent",
                title="石墨烯导热膜制备方法",
                keywords=["石墨烯", "导热"],
                year=2024,
                trl=6,
                organisation_id=uni.id,  # type: ignore[attr-defined]
            ),
        )
        internal = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=AchievementIn(
                kind="software",
                title="石墨烯缺陷检测内部软件",
                keywords=["石墨烯"],
                year=2019,
                trl=3,
                organisation_id=uni.id,
                visibility=Visibility.internal,  # type: ignore[attr-defined]
            ),
        )
        need = service.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["need"],
            data=NeedIn(
                title="手机散热用石墨烯导热材料",
                keywords=["石墨烯", "导热"],
                organisation_id=ent.id,  # type: ignore[attr-defined]
            ),
        )
    return {"public": public.id, "internal": internal.id, "need": need.id}  # type: ignore[attr-defined]
