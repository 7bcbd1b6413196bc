"""A process that only reads the index (a web worker) hands its committed changes to the writer as
`index.apply` jobs through the real job store; the writer applies them and the reader's engine, on the
same directory, finds the record. Both databases; the SQLite job store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.api import Huey

from innobridge.core import jobs
from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM
from innobridge.core.unit_of_work import Change
from innobridge.index import jobs as index_jobs
from innobridge.index import service as indexing
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.schemas import OrganisationIn
from innobridge.search.engine import SearchEngine
from innobridge.search.types import Query


@pytest.fixture
def store(ctx: Context) -> Iterator[Huey]:
    huey = jobs.make_huey(ctx.settings, name=f"ib-test-{uuid.uuid4().hex[:8]}")
    jobs.install(ctx, huey=huey)
    yield huey
    huey.storage.flush_all()


def _writer(ctx: Context, directory: Path) -> Context:
    """A second Context on the same database: the writer process's."""
    other = Context(settings=ctx.settings, engine=ctx.engine, sessions=ctx.sessions)
    indexing.install(other, engine=SearchEngine(directory), writer=True, start_vectors=False)
    return other


def test_a_reader_queues_its_changes_and_the_writer_makes_them_searchable(
    ctx: Context, store: Huey, tmp_path: Path
) -> None:
    writer = _writer(ctx, tmp_path)  # opened first: it may hold tantivy's one writer
    reader_engine = SearchEngine(tmp_path)
    reader = indexing.install(ctx, engine=reader_engine, writer=False, start_vectors=False)
    query = Query(text="庚辛壬量子计算研究所", mode="lexical")

    with ctx.uow() as uow:
        service.upsert_many(
            uow,
            actor=SYSTEM,
            spec=SPECS["organisation"],
            rows=[OrganisationIn(name_zh="庚辛壬量子计算研究所", kind="research_institute")],
        )
    assert reader.search(query).hits == []  # the reader wrote nothing itself
    assert store.pending_count() == 1
    task = store.dequeue()
    assert task is not None and task.name == indexing.APPLY_JOB
    assert index_jobs.apply_changes(writer, **task.kwargs) == 1

    hits = reader.search(query).hits
    assert [h.id.split(":")[0] for h in hits] == ["organisation"]


def test_large_change_lists_become_bounded_jobs(ctx: Context, store: Huey) -> None:
    known = indexing.catalogue()
    changes = [Change("organisation", i, "upsert") for i in range(1, 12_001)]
    changes += [Change("notification", 1, "upsert")]  # unindexed: not forwarded
    assert indexing.forward(ctx, changes, known) == 3  # 5,000 ids a job
    sizes = []
    while (task := store.dequeue()) is not None:
        sizes.append(len(task.kwargs["changes"]))
    assert sizes == [5000, 5000, 2000]


def test_a_reader_refuses_to_rebuild(ctx: Context, tmp_path: Path) -> None:
    reader = indexing.install(ctx, engine=SearchEngine(tmp_path), writer=False, start_vectors=False)
    with pytest.raises(RuntimeError, match="only reads"):
        reader.rebuild()
