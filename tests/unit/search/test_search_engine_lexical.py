"""SearchEngine in lexical mode: upsert, update, delete, filters, facets, persistence, explanations."""

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


def test_traditional_text_matches_simplified_query(engine: SearchEngine) -> None:
    assert "person:3" in ids(engine, Query(text="超导材料", mode="lexical"))


def test_english_query_matches_stemmed_forms(engine: SearchEngine) -> None:
    assert ids(engine, Query(text="detecting diseases", mode="lexical")) == ["achievement:2"]


def test_title_match_outranks_text_match() -> None:
    e = SearchEngine(None)
    e.upsert(
        [
            Document(id="a:1", kind="achievement", title="普通 标题", text="催化剂 的 制备 与 表征 研究"),
            Document(id="a:2", kind="achievement", title="催化剂", text="制备 与 表征 研究 普通 内容"),
        ]
    )
    assert ids(e, Query(text="催化剂", mode="lexical")) == ["a:2", "a:1"]


def test_upsert_replaces_the_previous_version(engine: SearchEngine, corpus: list[Document]) -> None:
    engine.upsert([replace(corpus[4], title="钠离子电池", text="钠离子电池负极材料", keywords=())])
    assert engine.count() == 5
    assert "achievement:5" not in ids(engine, Query(text="回收", mode="lexical"))
    assert ids(engine, Query(text="钠离子", mode="lexical")) == ["achievement:5"]


def test_delete_removes_documents(engine: SearchEngine) -> None:
    engine.delete(["achievement:5", "missing:9"])
    assert engine.count() == 4
    assert ids(engine, Query(text="锂电池回收", mode="lexical")) == []


def test_kind_filter(engine: SearchEngine) -> None:
    assert ids(engine, Query(text="超导", kinds=("person",), mode="lexical")) == ["person:3"]


def test_code_filter_matches_any_listed_value(engine: SearchEngine) -> None:
    found = ids(engine, Query(text="", filters={"ipc": ["H01M", "G06N"]}, mode="lexical"))
    assert sorted(found) == ["achievement:2", "achievement:5"]


def test_integer_range_filter_is_inclusive_and_open_ended(engine: SearchEngine) -> None:
    found = ids(engine, Query(text="", filters={"year": (2022, None)}, limit=10, mode="lexical"))
    assert sorted(found) == ["achievement:2", "achievement:5", "need:4"]
    found = ids(engine, Query(text="", filters={"trl": (None, 5)}, mode="lexical"))
    assert sorted(found) == ["achievement:1", "achievement:2"]


def test_filters_do_not_change_scores(engine: SearchEngine) -> None:
    plain = engine.search(Query(text="超导", mode="lexical")).hits
    filtered = engine.search(Query(text="超导", filters={"region": ["310104"]}, mode="lexical")).hits
    assert [h.id for h in filtered] == ["achievement:1"]
    assert filtered[0].score == pytest.approx(next(h.score for h in plain if h.id == "achievement:1"))


def test_invalid_filter_name_is_refused(engine: SearchEngine) -> None:
    with pytest.raises(ValueError, match="filter name"):
        engine.search(Query(text="x", filters={"year:[* TO *] OR id": (1, 2)}))


def test_total_offset_and_limit(engine: SearchEngine) -> None:
    everything = engine.search(Query(text="", limit=10, mode="lexical"))
    assert everything.total == 5
    page = engine.search(Query(text="", limit=2, offset=2, mode="lexical"))
    assert page.total == 5
    assert len(page.hits) == 2


def test_facets_count_all_matches(engine: SearchEngine) -> None:
    result = engine.search(Query(text="", limit=1, facets=("kind", "region", "year"), mode="lexical"))
    assert result.facets["kind"] == {"achievement": 3, "person": 1, "need": 1}
    assert result.facets["region"] == {"310104": 2, "620100": 2, "110000": 1}
    assert result.facets["year"]["2021"] == 1
    assert sum(result.facets["year"].values()) == 5


def test_explanation_names_terms_fields_and_codes(engine: SearchEngine) -> None:
    hit = engine.search(
        Query(text="超导薄膜", filters={"ipc": ["H01L", "H01M"]}, explain=True, mode="lexical")
    ).hits[0]
    assert hit.id == "achievement:1"
    assert hit.explanation is not None
    assert "超导" in hit.explanation.matched_terms
    assert set(hit.explanation.matched_fields) == {"title", "keywords", "text"}
    assert hit.explanation.matched_codes == {"ipc": ["H01L"]}
    assert hit.explanation.lexical_rank == 1
    assert hit.explanation.dense_score is None
    assert "<mark>" in hit.highlights["title"]


def test_highlights_are_html_escaped() -> None:
    e = SearchEngine(None)
    e.upsert([Document(id="a:1", kind="achievement", title="<b>石墨烯</b> & 传感器", text="")])
    hit = e.search(Query(text="石墨烯", highlight=True)).hits[0]
    assert hit.highlights["title"] == "&lt;b&gt;<mark>石墨烯</mark>&lt;/b&gt; &amp; 传感器"
    assert hit.explanation is None


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
