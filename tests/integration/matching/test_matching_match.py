"""Need / text / achievement → ranked, diversified candidate lists with reasons."""

from __future__ import annotations

from tests.conftest import make_user
from tests.integration.matching.factories import create, org

from innobridge.core.context import Context
from innobridge.core.principal import ANONYMOUS, SYSTEM
from innobridge.core.users import Role
from innobridge.index.service import IndexService
from innobridge.matching import service


def test_need_matches_each_kind_with_reasons(ctx: Context, index: IndexService) -> None:
    firm = org(ctx, "某电池制造有限公司", kind="enterprise")
    lab = org(ctx, "储能材料研究所", kind="research_institute")
    create(ctx, "achievement", kind="patent", title="自家的锂电池专利", organisation_id=firm)
    create(
        ctx,
        "achievement",
        kind="patent",
        title="高安全锂电池隔膜",
        keywords=["锂电池", "隔膜"],
        discipline_codes=["48050"],
        trl=6,
        organisation_id=lab,
    )
    create(ctx, "achievement", kind="paper", title="植物基因编辑方法")
    create(ctx, "person", name_zh="李储能", keywords=["锂电池", "电解液"], organisation_id=lab)
    create(ctx, "instrument", name_zh="锂电池充放电测试仪", organisation_id=lab)
    need = create(
        ctx,
        "need",
        title="求购锂电池隔膜技术",
        description="提高锂电池安全性",
        discipline_codes=["480"],
        organisation_id=firm,
    )
    with ctx.session() as s:
        out = service.match_need(s, actor=ANONYMOUS, index=index, need_id=need)
    assert [c.title for c in out.achievements] == ["高安全锂电池隔膜"]  # not the firm's own, not genes
    top = out.achievements[0]
    assert top.rank == 1 and top.score > 0
    assert top.owner is not None and top.owner.name_zh == "储能材料研究所"
    keys = {r.key for r in top.reasons}
    assert {"matching.reason.terms", "matching.reason.discipline", "matching.reason.trl"} <= keys
    assert top.explanation is not None and "锂电池" in top.explanation.matched_terms
    assert top.explanation.shared_codes == {"discipline": ["480"]}
    terms = next(r for r in top.reasons if r.key == "matching.reason.terms")
    assert "锂电池" in terms.zh and "Shared terms" in terms.en
    assert [c.title for c in out.experts] == ["李储能"]
    assert [c.title for c in out.instruments] == ["锂电池充放电测试仪"]
    assert firm not in [c.id for c in out.institutions]
    assert out.dense is False


def test_one_institution_does_not_fill_a_list(ctx: Context, index: IndexService) -> None:
    big, small = org(ctx, "大学甲"), org(ctx, "研究所乙")
    for i in range(6):
        create(ctx, "achievement", kind="patent", title=f"氢燃料电池催化剂{i}", organisation_id=big)
    create(ctx, "achievement", kind="patent", title="氢燃料电池膜电极", organisation_id=small)
    create(ctx, "achievement", kind="patent", title="氢燃料电池储氢罐")  # no owner
    with ctx.session() as s:
        out = service.match_text(s, actor=ANONYMOUS, index=index, text="氢燃料电池", per_kind=10)
    owners = [c.owner.id if c.owner else None for c in out.achievements]
    assert owners.count(big) == service.PER_OWNER
    assert small in owners and None in owners
    assert [c.rank for c in out.achievements] == list(range(1, len(owners) + 1))


def test_hidden_records_never_appear_as_candidates(ctx: Context, index: IndexService) -> None:
    create(ctx, "achievement", kind="patent", title="内部的量子传感器", visibility="internal")
    with ctx.session() as s:
        anon = service.match_text(s, actor=ANONYMOUS, index=index, text="量子传感器")
        manager = service.match_text(
            s, actor=make_user(ctx, role=Role.tech_manager), index=index, text="量子传感器"
        )
    assert anon.achievements == []
    assert [c.title for c in manager.achievements] == ["内部的量子传感器"]


def test_achievement_matches_open_needs_and_enterprises(ctx: Context, index: IndexService) -> None:
    uni = org(ctx, "材料大学")
    org(ctx, "光伏组件股份有限公司", kind="enterprise", description="钙钛矿光伏组件制造")
    org(ctx, "光伏研究院", kind="research_institute", description="钙钛矿光伏研究")
    ach = create(ctx, "achievement", kind="technology", title="钙钛矿光伏电池封装", organisation_id=uni)
    create(ctx, "need", title="钙钛矿光伏封装工艺需求")
    closed = create(ctx, "need", title="已关闭的钙钛矿光伏需求")
    from innobridge.registry.models import Need, NeedStatus

    with ctx.uow() as uow:
        uow.session.get(Need, closed).status = NeedStatus.closed  # type: ignore[union-attr]
        uow.changed("need", closed)
    with ctx.session() as s:
        out = service.match_achievement(s, actor=SYSTEM, index=index, achievement_id=ach)
    assert [c.title for c in out.needs] == ["钙钛矿光伏封装工艺需求"]
    assert [c.title for c in out.enterprises] == ["光伏组件股份有限公司"]
