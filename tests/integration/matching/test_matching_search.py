"""Registry search through the index: follows commits, respects visibility (hits and facets), filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import make_user
from tests.integration.matching.factories import create, member_of, org

from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import ANONYMOUS, SYSTEM, Principal
from innobridge.core.users import Role
from innobridge.index import faceted
from innobridge.index import service as indexing
from innobridge.index.schemas import SearchIn
from innobridge.index.service import IndexService
from innobridge.registry import service as registry
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Code


def titles(ctx: Context, index: IndexService, actor: Principal, **query: object) -> list[str]:
    with ctx.session() as s:
        out = faceted.search_records(s, actor=actor, index=index, query=SearchIn(**query))  # type: ignore[arg-type]
    return [i.title for i in out.items]


def test_written_records_are_searchable_right_after_commit(ctx: Context, index: IndexService) -> None:
    aid = create(ctx, "achievement", kind="patent", title="固态锂电池电解质", keywords=["锂电池"])
    assert titles(ctx, index, ANONYMOUS, q="锂电池") == ["固态锂电池电解质"]
    with ctx.uow() as uow:
        registry.update_record(
            uow, actor=SYSTEM, spec=SPECS["achievement"], record_id=aid, patch={"title": "钠离子电池正极"}
        )
    assert titles(ctx, index, ANONYMOUS, q="钠离子") == ["钠离子电池正极"]
    assert titles(ctx, index, ANONYMOUS, q="固态") == []
    with ctx.uow() as uow:
        registry.delete_record(uow, actor=SYSTEM, spec=SPECS["achievement"], record_id=aid)
    assert titles(ctx, index, ANONYMOUS, q="钠离子") == []


def test_rolled_back_writes_never_reach_the_index(ctx: Context, index: IndexService) -> None:
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        registry.create_record(
            uow,
            actor=SYSTEM,
            spec=SPECS["achievement"],
            data=SPECS["achievement"].schema_in(kind="paper", title="回滚的石墨烯论文"),
        )
        raise RuntimeError("boom")
    assert titles(ctx, index, SYSTEM, q="石墨烯") == []
    assert index.count() == 0


def test_english_titles_are_found_across_languages(ctx: Context, index: IndexService) -> None:
    create(
        ctx, "achievement", kind="technology", title="工业机器人视觉定位", title_en="Robot vision positioning"
    )
    assert titles(ctx, index, ANONYMOUS, q="robot vision") == ["工业机器人视觉定位"]


def test_code_list_names_translate_english_queries(ctx: Context, index: IndexService) -> None:
    create(ctx, "achievement", kind="technology", title="作物病理学诊断平台")
    with ctx.uow() as uow:  # a made-up English name, so that only the code list can translate it
        uow.session.add(Code(scheme="discipline", code="zz1", name_zh="作物病理学", name_en="Zorblatics"))
    assert titles(ctx, index, ANONYMOUS, q="zorblatics") == []
    assert index.load_terms() >= 1
    assert titles(ctx, index, ANONYMOUS, q="zorblatics") == ["作物病理学诊断平台"]


def test_visibility_applies_to_hits_and_facets(ctx: Context, index: IndexService) -> None:
    a, b = org(ctx, "甲大学"), org(ctx, "乙大学")
    create(ctx, "achievement", kind="patent", title="公开的催化剂", organisation_id=a)
    create(
        ctx,
        "achievement",
        kind="patent",
        title="注册可见的催化剂",
        organisation_id=a,
        visibility="registered",
    )
    create(ctx, "achievement", kind="patent", title="内部的催化剂", organisation_id=a, visibility="internal")
    of_a, of_b = member_of(ctx, a), member_of(ctx, b)
    manager = make_user(ctx, role=Role.tech_manager)
    expected = {
        "anonymous": (ANONYMOUS, {"公开的催化剂"}),
        "member of another org": (of_b, {"公开的催化剂", "注册可见的催化剂"}),
        "member of the owner": (of_a, {"公开的催化剂", "注册可见的催化剂", "内部的催化剂"}),
        "technology manager": (manager, {"公开的催化剂", "注册可见的催化剂", "内部的催化剂"}),
    }
    for who, (actor, seen) in expected.items():
        with ctx.session() as s:
            out = faceted.search_records(s, actor=actor, index=index, query=SearchIn(q="催化剂"))
        assert {i.title for i in out.items} == seen, who
        assert out.total == len(seen), who
        assert {b.value: b.count for b in out.facets["kind"]} == {"achievement": len(seen)}, who


def test_internal_record_visible_to_its_author(ctx: Context, index: IndexService, member: Principal) -> None:
    create(ctx, "need", actor=member, title="内部需求：污水处理膜", visibility=Visibility.internal)
    assert titles(ctx, index, member, q="污水处理") == ["内部需求：污水处理膜"]
    assert titles(ctx, index, make_user(ctx), q="污水处理") == []


def test_facets_filters_and_pages(ctx: Context, index: IndexService) -> None:
    with ctx.uow() as uow:
        uow.session.add(
            Code(
                scheme="discipline",
                code="520",
                name_zh="工程与技术科学基础学科",
                name_en="Engineering basics",
            )
        )
    u = org(ctx, "徐汇大学", region_code="310104")
    create(
        ctx,
        "achievement",
        kind="patent",
        title="传感器芯片一",
        discipline_codes=["52010"],
        year=2023,
        region_code="310104",
    )
    create(
        ctx,
        "achievement",
        kind="patent",
        title="传感器芯片二",
        discipline_codes=["520"],
        year=2024,
        region_code="320102",
    )
    create(ctx, "project", title="传感器项目", start_year=2024, organisation_id=u)
    create(ctx, "person", name_zh="张传感", keywords=["传感器"], organisation_id=u, discipline_codes=["520"])
    with ctx.session() as s:
        out = faceted.search_records(s, actor=ANONYMOUS, index=index, query=SearchIn(q="传感器"))
        facets = {k: {b.value: b.count for b in v} for k, v in out.facets.items()}
        assert facets["kind"] == {"achievement": 2, "project": 1, "person": 1}
        assert facets["year"] == {"2023": 1, "2024": 2}
        assert facets["region"] == {"310104": 1, "320102": 1}
        assert facets["discipline"] == {"520": 2, "52010": 1}
        label = next(b for b in out.facets["discipline"] if b.value == "520")
        assert (label.label_zh, label.label_en) == ("工程与技术科学基础学科", "Engineering basics")
        ach = faceted.search_records(
            s,
            actor=ANONYMOUS,
            index=index,
            query=SearchIn(q="传感器", discipline="520", kinds=["achievement"]),
        )
        assert ach.total == 2  # 520 also finds its sub-discipline 52010
        shanghai = faceted.search_records(
            s, actor=ANONYMOUS, index=index, query=SearchIn(q="传感器", region="31")
        )
        assert [i.title for i in shanghai.items] == ["传感器芯片一"]
        recent = faceted.search_records(
            s, actor=ANONYMOUS, index=index, query=SearchIn(q="传感器", year_from=2024)
        )
        assert {i.title for i in recent.items} == {"传感器芯片二", "传感器项目"}
        page1 = faceted.search_records(
            s, actor=ANONYMOUS, index=index, query=SearchIn(q="传感器", page_size=3)
        )
        page2 = faceted.search_records(
            s, actor=ANONYMOUS, index=index, query=SearchIn(q="传感器", page_size=3, page=2)
        )
    assert page1.total == page2.total == 4
    assert len(page1.items) == 3 and len(page2.items) == 1
    assert not {i.id for i in page1.items if i.kind == page2.items[0].kind} & {page2.items[0].id}
    person = next(i for i in out.items if i.kind == "person")
    assert person.owner is not None and person.owner.name_zh == "徐汇大学"
    assert "<mark>" in " ".join(out.items[0].highlights.values())


def test_rebuild_indexes_the_whole_database(ctx: Context, index: IndexService) -> None:
    for i in range(7):
        create(ctx, "achievement", kind="paper", title=f"论文{i}号")
    create(ctx, "organisation", name_zh="重建研究所", kind="research_institute")
    index.engine.clear()
    assert index.count() == 0
    seen: list[tuple[str, int, int]] = []
    assert index.rebuild(batch_size=3, progress=lambda e, d, t: seen.append((e, d, t))) == 8
    assert index.count() == 8
    assert ("achievement", 7, 7) in seen and ("achievement", 3, 7) in seen
    assert titles(ctx, index, ANONYMOUS, q="重建") == ["重建研究所"]


def test_installed_index_lives_under_the_data_directory(ctx: Context) -> None:
    service = indexing.install(ctx)
    assert indexing.install(ctx) is service  # once per context
    create(ctx, "instrument", name_zh="场发射扫描电镜", name_en="Field emission SEM")
    assert titles(ctx, service, ANONYMOUS, q="scanning electron microscope SEM") == ["场发射扫描电镜"]
    service.close()
    assert (ctx.settings.search_dir / "lexical").is_dir()
    reopened = IndexService(ctx, indexing.make_engine(ctx))
    assert reopened.count() == 1  # survives a restart
    reopened.close()


def test_settings_choose_the_milvus_backend(ctx: Context, tmp_path: Path) -> None:
    """INNOBRIDGE_SEARCH_BACKEND=milvus with a Milvus Lite file: the same service, a different index."""
    from innobridge.search.milvus import MilvusBackend

    ctx.settings = ctx.settings.model_copy(
        update={"search_backend": "milvus", "milvus_uri": str(tmp_path / "index.db"), "encoder": "none"}
    )
    service = indexing.install(ctx)
    assert isinstance(service.engine, MilvusBackend)
    create(ctx, "instrument", name_zh="场发射扫描电镜", name_en="Field emission SEM")
    assert titles(ctx, service, ANONYMOUS, q="scanning electron microscope SEM") == ["场发射扫描电镜"]
    service.close()
    reopened = IndexService(ctx, indexing.make_engine(ctx))
    assert reopened.count() == 1  # the Milvus Lite file survives a restart
    reopened.close()


def test_failed_index_update_keeps_the_commit_and_is_retried(
    ctx: Context, index: IndexService, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_apply, failures = index.apply, []

    def flaky(changes: object) -> None:
        if not failures:
            failures.append(1)
            raise RuntimeError("disk full")
        real_apply(changes)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "apply", flaky)
    create(ctx, "achievement", kind="patent", title="第一条磁悬浮专利")  # the write itself succeeds
    assert titles(ctx, index, ANONYMOUS, q="磁悬浮") == []
    create(ctx, "achievement", kind="patent", title="第二条磁悬浮专利")  # retries the first as well
    assert sorted(titles(ctx, index, ANONYMOUS, q="磁悬浮")) == ["第一条磁悬浮专利", "第二条磁悬浮专利"]
