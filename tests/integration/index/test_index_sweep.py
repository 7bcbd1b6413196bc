"""The writer's sweep finds records written behind its back (a process with no index listener, such as
`innobridge import`): on its first run every record, later what was updated since its watermark, and
nothing (one MAX per entity) when nothing changed. Both databases."""

from __future__ import annotations

from sqlalchemy import delete

from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM
from innobridge.index import service as indexing
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Organisation
from innobridge.registry.schemas import OrganisationIn
from innobridge.search.engine import SearchEngine
from innobridge.search.types import Query


def _import(ctx: Context, name: str) -> None:
    """Written through a Context with no listeners: nobody tells the index."""
    silent = Context(settings=ctx.settings, engine=ctx.engine, sessions=ctx.sessions)
    with silent.uow() as uow:
        service.upsert_many(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            rows=[OrganisationIn(name_zh=name, kind="enterprise")],
        )


def _found(index: indexing.IndexService, text: str) -> int:
    return len(index.search(Query(text=text, mode="lexical")).hits)


def test_the_sweep_finds_what_nobody_announced(ctx: Context) -> None:
    _import(ctx, "癸子丑电池材料公司")  # before the writer ever ran
    index = indexing.install(ctx, engine=SearchEngine(None), writer=True, start_vectors=False)
    assert _found(index, "癸子丑电池材料公司") == 0
    assert index.sweep() == 1  # no watermark yet: every record
    assert _found(index, "癸子丑电池材料公司") == 1

    _import(ctx, "寅卯辰氢能装备公司")
    assert index.sweep() == 1  # only the new one: the first was indexed at its version
    assert _found(index, "寅卯辰氢能装备公司") == 1
    assert index.sweep() == 0  # nothing new


def test_a_rebuild_sets_the_watermark(ctx: Context) -> None:
    _import(ctx, "巳午未精密仪器公司")
    index = indexing.install(ctx, engine=SearchEngine(None), writer=True, start_vectors=False)
    assert index.rebuild() == 1
    assert _found(index, "巳午未精密仪器公司") == 1
    fresh = indexing.IndexService(ctx, index.engine)  # another process: no memory of what was indexed
    assert fresh.sweep() == 0  # the rebuild covered everything up to its watermark


def test_reconcile_drops_documents_of_records_deleted_behind_the_writers_back(ctx: Context) -> None:
    _import(ctx, "申酉戌生物医药公司")
    index = indexing.install(ctx, engine=SearchEngine(None), writer=True, start_vectors=False)
    index.rebuild()
    assert _found(index, "申酉戌生物医药公司") == 1
    assert index.reconcile() == 0
    silent = Context(settings=ctx.settings, engine=ctx.engine, sessions=ctx.sessions)
    with silent.session() as session:
        session.execute(delete(Organisation))
        session.commit()
    assert index.reconcile() == 1
    assert _found(index, "申酉戌生物医药公司") == 0
