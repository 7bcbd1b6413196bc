"""SearchEngine-only lexical behaviour (persistence, scores, analysis details). What every backend must do is
in test_search_backends.py, which runs against SearchEngine too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from innobridge.search.engine import SearchEngine
from innobridge.search.types import Document, Query


@pytest.fixture
def engine(corpus: list[Document]) -> SearchEngine:
    e = SearchEngine(None)
    e.upsert(corpus)
    return e


def ids(engine: SearchEngine, query: Query) -> list[str]:
    return [h.id for h in engine.search(query).hits]


def test_upserted_documents_are_searchable_at_once(engine: SearchEngine) -> None:
    assert engine.count() == 5
    assert ids(engine, Query(text="锂电池回收", mode="lexical"))[0] == "achievement:5"


def test_filters_do_not_change_scores(engine: SearchEngine) -> None:
    plain = engine.search(Query(text="超导", mode="lexical")).hits
    filtered = engine.search(Query(text="超导", filters={"region": ["310104"]}, mode="lexical")).hits
    assert [h.id for h in filtered] == ["achievement:1"]
    assert filtered[0].score == pytest.approx(next(h.score for h in plain if h.id == "achievement:1"))


def test_highlight_marks_traditional_original_text(engine: SearchEngine) -> None:
    hit = next(h for h in engine.search(Query(text="超导", highlight=True)).hits if h.id == "person:3")
    assert "<mark>超導</mark>" in hit.highlights["text"]


def test_index_survives_reopening(tmp_path: Path, corpus: list[Document]) -> None:
    e = SearchEngine(tmp_path / "idx")
    e.upsert(corpus)
    e.close()
    again = SearchEngine(tmp_path / "idx")
    assert again.count() == 5
    assert ids(again, Query(text="锂电池回收", mode="lexical"))[0] == "achievement:5"
    again.close()


def test_clear_empties_the_index(engine: SearchEngine) -> None:
    engine.clear()
    assert engine.count() == 0
    assert engine.search(Query(text="")).total == 0


def test_hybrid_without_encoder_behaves_as_lexical(engine: SearchEngine) -> None:
    assert ids(engine, Query(text="锂电池回收", mode="hybrid")) == ids(
        engine, Query(text="锂电池回收", mode="lexical")
    )
    assert engine.pending_vectors() == 0
    assert engine.build_vectors() == 0


def test_bulk_upsert_indexes_a_stream_with_worker_processes(corpus: list[Document]) -> None:
    e = SearchEngine(None)
    many = [replace(d, id=f"{d.kind}:{i}-{d.id}") for i in range(30) for d in corpus]
    assert e.bulk_upsert(iter(many), workers=2, batch_size=40) == 150
    assert e.count() == 150
    plain = SearchEngine(None)
    plain.upsert(many)
    query = Query(text="锂电池回收", mode="lexical", limit=5)
    assert [h.score for h in e.search(query).hits] == pytest.approx(
        [h.score for h in plain.search(query).hits]
    )
