"""The index follows every feature's declaration (search.INDEX): what is indexed, what deliberately is
not, in batches of any size — and a change nobody declared is reported, not dropped in silence."""

from __future__ import annotations

import logging

import pytest
from tests.integration.matching.factories import create, org

from innobridge.cli.docs import load_workflows
from innobridge.core.context import Context
from innobridge.core.principal import SYSTEM
from innobridge.core.unit_of_work import Change
from innobridge.index import service as index_service
from innobridge.index.catalogue import catalogue
from innobridge.index.service import IndexService
from innobridge.registry import schemas as s
from innobridge.registry import service as registry
from innobridge.registry.entities import SPECS
from innobridge.search.types import Query


def test_every_entity_that_changes_is_declared() -> None:
    known = catalogue()
    changing = set(SPECS) | set(load_workflows())
    assert changing <= set(known.sources) | set(known.unindexed)
    assert "introduction" in known.unindexed and "achievement" in known.sources


def test_an_undeclared_change_is_reported_and_the_rest_still_indexed(
    ctx: Context, index: IndexService, caplog: pytest.LogCaptureFixture
) -> None:
    lab = org(ctx, "声学研究所", kind="research_institute")
    with caplog.at_level(logging.ERROR, logger="innobridge.index.service"):
        index.apply([Change("teleporter", 1, "upsert"), Change("organisation", lab, "upsert")])
    assert "teleporter" in caplog.text
    assert index.search(Query(text="声学研究所", mode="lexical")).total == 1


def test_changes_are_loaded_in_batches(
    ctx: Context, index: IndexService, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [s.AchievementIn(kind="patent", title=f"超声换能器{i}") for i in range(25)]
    with ctx.uow() as uow:
        result = registry.upsert_many(uow, actor=SYSTEM, spec=SPECS["achievement"], rows=rows)
    assert index.search(Query(text="超声换能器", mode="lexical", limit=50)).total == 25
    index.engine.clear()
    monkeypatch.setattr(index_service, "REFRESH_BATCH", 4)  # 25 ids → 7 loads
    index.apply([Change("achievement", i, "upsert") for i in result.created_ids])
    assert index.search(Query(text="超声换能器", mode="lexical", limit=50)).total == 25


def test_a_failed_update_is_retried_once_per_record(ctx: Context, index: IndexService) -> None:
    ach = create(ctx, "achievement", kind="patent", title="压电陶瓷")
    broken = index.engine

    class Down:
        def __getattr__(self, name: str) -> object:
            raise RuntimeError("index unavailable")

    index.engine = Down()  # type: ignore[assignment]
    for _ in range(5):  # the same record changes five times while the index is down
        index.on_changes([Change("achievement", ach, "upsert")])
    assert len(index._retry) == 1
    index.engine = broken
    index.on_changes([])
    assert index._retry == [] and index.search(Query(text="压电陶瓷", mode="lexical")).total == 1
