"""The SearchBackend contract, proved the same way for the embedded engine and for Milvus (Milvus Lite)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from innobridge.search.backend import SearchBackend
from innobridge.search.encoders import passage_text
from innobridge.search.engine import SearchEngine
from innobridge.search.fusion import FusionConfig
from innobridge.search.milvus import MilvusBackend
from innobridge.search.types import Document, Encoder, Query

from .conftest import CORPUS, ToyEncoder

Factory = Callable[..., SearchBackend]
_collections = itertools.count()


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    # one Milvus Lite file (one in-process server) per module; each test gets its own collection
    return str(tmp_path_factory.mktemp("milvus") / "backends.db")


@pytest.fixture(params=["embedded", "milvus"])
def make(request: pytest.FixtureRequest, milvus_uri: str) -> Iterator[Factory]:
    made: list[SearchBackend] = []

    def factory(encoder: Encoder | None = None, **options: Any) -> SearchBackend:
        backend: SearchBackend
        if request.param == "embedded":
            backend = SearchEngine(None, encoder=encoder, **options)
        else:
            backend = MilvusBackend(
                milvus_uri, collection=f"t{next(_collections)}", encoder=encoder, **options
            )
        made.append(backend)
        return backend

    yield factory
    for backend in made:
        if isinstance(backend, MilvusBackend):
            backend.client.drop_collection(backend.collection)
        backend.close()


@pytest.fixture
def backend(make: Factory) -> SearchBackend:
    b = make()
    b.upsert(CORPUS)
    return b


def ids(backend: SearchBackend, query: Query) -> list[str]:
    return [h.id for h in backend.search(query).hits]


def test_both_implement_the_protocol(backend: SearchBackend) -> None:
    assert isinstance(backend, SearchBackend)
    assert backend.count() == 5


def test_chinese_query_finds_the_document(backend: SearchBackend) -> None:
    assert ids(backend, Query(text="锂电池回收", mode="lexical"))[0] == "achievement:5"


def test_traditional_text_matches_simplified_query(backend: SearchBackend) -> None:
    assert "person:3" in ids(backend, Query(text="超导材料", mode="lexical"))


def test_english_query_matches_stemmed_forms(backend: SearchBackend) -> None:
    assert ids(backend, Query(text="detecting diseases", mode="lexical")) == ["achievement:2"]


def test_english_query_finds_chinese_record_through_translation(backend: SearchBackend) -> None:
    hits = backend.search(Query(text="recycling lithium batteries", mode="lexical", explain=True)).hits
    assert hits[0].id == "achievement:5"
    assert hits[0].explanation is not None
    assert {"回收", "锂电池"} & set(hits[0].explanation.matched_terms)


def test_domain_terms_translate_english_queries(backend: SearchBackend) -> None:
    # a made-up term, so that CC-CEDICT cannot already know it
    assert ids(backend, Query(text="zorblat", mode="lexical")) == []
    assert backend.add_terms([("zorblat", "超导薄膜"), ("nothing", "")]) == 1
    assert ids(backend, Query(text="zorblat", mode="lexical"))[0] == "achievement:1"


def test_title_match_outranks_text_match(make: Factory) -> None:
    b = make()
    b.upsert(
        [
            Document(id="a:1", kind="achievement", title="普通 标题", text="催化剂 的 制备 与 表征 研究"),
            Document(id="a:2", kind="achievement", title="催化剂", text="制备 与 表征 研究 普通 内容"),
        ]
    )
    assert ids(b, Query(text="催化剂", mode="lexical")) == ["a:2", "a:1"]


def test_upsert_replaces_the_previous_version(backend: SearchBackend) -> None:
    backend.upsert([replace(CORPUS[4], title="钠离子电池", text="钠离子电池负极材料", keywords=())])
    assert backend.count() == 5
    assert "achievement:5" not in ids(backend, Query(text="回收", mode="lexical"))
    assert ids(backend, Query(text="钠离子", mode="lexical")) == ["achievement:5"]


def test_the_last_of_a_repeated_id_wins(make: Factory) -> None:
    b = make()
    b.upsert([replace(CORPUS[0], title="旧标题"), replace(CORPUS[0], title="石墨烯传感器")])
    assert b.count() == 1
    assert ids(b, Query(text="石墨烯", mode="lexical")) == ["achievement:1"]


def test_delete_removes_documents(backend: SearchBackend) -> None:
    backend.delete(["achievement:5", "missing:9"])
    assert backend.count() == 4
    assert ids(backend, Query(text="锂电池回收", mode="lexical")) == []


def test_clear_removes_everything(backend: SearchBackend) -> None:
    backend.clear()
    assert backend.count() == 0
    assert ids(backend, Query(text="", mode="lexical")) == []
    backend.upsert(CORPUS[:1])
    assert backend.count() == 1


def test_uncommitted_writes_are_searchable_after_commit(make: Factory) -> None:
    b = make()
    b.upsert(CORPUS, commit=False)
    b.commit()
    assert b.count() == 5
    assert ids(b, Query(text="锂电池回收", mode="lexical"))[0] == "achievement:5"


def test_kind_filter(backend: SearchBackend) -> None:
    assert ids(backend, Query(text="超导", kinds=("person",), mode="lexical")) == ["person:3"]


def test_code_filter_matches_any_listed_value(backend: SearchBackend) -> None:
    found = ids(backend, Query(text="", filters={"ipc": ["H01M", "G06N"]}, mode="lexical"))
    assert sorted(found) == ["achievement:2", "achievement:5"]


def test_code_filter_with_text(backend: SearchBackend) -> None:
    found = ids(backend, Query(text="超导", filters={"region": ["310104"]}, mode="lexical"))
    assert found == ["achievement:1"]


def test_integer_range_filter_is_inclusive_and_open_ended(backend: SearchBackend) -> None:
    found = ids(backend, Query(text="", filters={"year": (2022, None)}, mode="lexical"))
    assert sorted(found) == ["achievement:2", "achievement:5", "need:4"]
    found = ids(backend, Query(text="", filters={"trl": (None, 5)}, mode="lexical"))
    assert sorted(found) == ["achievement:1", "achievement:2"]
    found = ids(backend, Query(text="", filters={"year": (2021, 2022)}, mode="lexical"))
    assert sorted(found) == ["achievement:1", "achievement:5"]


def test_invalid_filter_name_is_refused(backend: SearchBackend) -> None:
    with pytest.raises(ValueError, match="filter name"):
        backend.search(Query(text="x", filters={"year:[* TO *] OR id": (1, 2)}))
    with pytest.raises(ValueError, match="filter name"):
        backend.search(Query(text="x", filters={'ipc"] or id != "': ["x"]}))


def test_invalid_code_name_is_refused_on_upsert(make: Factory) -> None:
    b = make()
    with pytest.raises(ValueError, match="code field name"):
        b.upsert([Document(id="a:1", kind="achievement", title="x", codes={"Bad Name": ["1"]})])


@pytest.mark.parametrize("value", ['a"b', "a\\b", 'q="x\\y', "line\nbreak", "tab\there", "it's"])
def test_filter_values_with_quotes_and_backslashes_match_exactly(make: Factory, value: str) -> None:
    b = make()
    b.upsert(
        [
            Document(id="a:1", kind="achievement", title="石墨烯", codes={"org": [value]}),
            Document(id="a:2", kind="achievement", title="石墨烯", codes={"org": ["plain"]}),
        ]
    )
    assert ids(b, Query(text="", filters={"org": [value]}, mode="lexical")) == ["a:1"]
    assert ids(b, Query(text="石墨烯", filters={"org": [value]}, mode="lexical")) == ["a:1"]


@pytest.mark.parametrize(
    "value", ['x"]) or (id != "', 'x\\"]) or (id != "', "x') or (id != '", '" or true or "']
)
def test_filter_values_cannot_inject_an_expression(make: Factory, value: str) -> None:
    b = make()
    b.upsert(CORPUS)
    assert ids(b, Query(text="", filters={"org": [value]}, mode="lexical")) == []
    assert ids(b, Query(text="超导", kinds=(value,), mode="lexical")) == []


def test_query_text_with_quotes_is_just_text(backend: SearchBackend) -> None:
    assert ids(backend, Query(text='锂电池") or (id != "', mode="lexical"))[0] == "achievement:5"


def test_total_offset_and_limit(backend: SearchBackend) -> None:
    everything = backend.search(Query(text="", limit=10, mode="lexical"))
    assert everything.total == 5
    assert {h.score for h in everything.hits} == {0.0}  # unranked: listing, not matching
    filtered = backend.search(Query(text="", kinds=("achievement",), mode="lexical"))
    assert filtered.total == 3
    assert {h.score for h in filtered.hits} == {0.0}
    page = backend.search(Query(text="", limit=2, offset=2, mode="lexical"))
    assert page.total == 5
    assert len(page.hits) == 2
    assert not {h.id for h in page.hits} & {h.id for h in everything.hits[:2]}


def test_total_counts_lexical_matches(backend: SearchBackend) -> None:
    result = backend.search(Query(text="超导", limit=1, mode="lexical"))
    assert result.total == 2
    assert len(result.hits) == 1


def test_facets_count_all_matches(backend: SearchBackend) -> None:
    result = backend.search(Query(text="", limit=1, facets=("kind", "region", "year"), mode="lexical"))
    assert result.facets["kind"] == {"achievement": 3, "person": 1, "need": 1}
    assert result.facets["region"] == {"310104": 2, "620100": 2, "110000": 1}
    assert result.facets["year"]["2021"] == 1
    assert sum(result.facets["year"].values()) == 5


def test_facets_follow_the_text_and_filters(backend: SearchBackend) -> None:
    result = backend.search(Query(text="超导", facets=("kind", "region"), mode="lexical"))
    assert result.facets["kind"] == {"achievement": 1, "person": 1}
    assert result.facets["region"] == {"310104": 1, "110000": 1}
    filtered = backend.search(Query(text="", kinds=("achievement",), facets=("ipc",), mode="lexical"))
    assert filtered.facets["ipc"] == {"G06N": 1, "H01L": 1, "H01M": 1}


def test_explanation_names_terms_fields_and_codes(backend: SearchBackend) -> None:
    hit = backend.search(
        Query(text="超导薄膜", filters={"ipc": ["H01L", "H01M"]}, explain=True, mode="lexical")
    ).hits[0]
    assert hit.id == "achievement:1"
    assert hit.explanation is not None
    assert "超导" in hit.explanation.matched_terms
    assert set(hit.explanation.matched_fields) == {"title", "keywords", "text"}
    assert hit.explanation.matched_codes == {"ipc": ["H01L"]}
    assert hit.explanation.lexical_rank == 1
    assert hit.explanation.lexical_score is not None and hit.explanation.lexical_score > 0
    assert hit.explanation.dense_score is None
    assert "<mark>" in hit.highlights["title"]


def test_highlights_mark_the_traditional_original_text(backend: SearchBackend) -> None:
    hit = next(h for h in backend.search(Query(text="超导", highlight=True)).hits if h.id == "person:3")
    assert "<mark>超導</mark>" in hit.highlights["text"]
    assert hit.explanation is None


def test_highlights_are_html_escaped(make: Factory) -> None:
    b = make()
    b.upsert([Document(id="a:1", kind="achievement", title="<b>石墨烯</b> & 传感器", text="")])
    hit = b.search(Query(text="石墨烯", highlight=True)).hits[0]
    assert hit.highlights["title"] == "&lt;b&gt;<mark>石墨烯</mark>&lt;/b&gt; &amp; 传感器"


# --- vectors -------------------------------------------------------------------------------------


def test_without_an_encoder_nothing_is_pending(backend: SearchBackend) -> None:
    assert backend.pending_vectors() == 0
    assert backend.build_vectors() == 0
    assert ids(backend, Query(text="锂电池回收", mode="dense"))[0] == "achievement:5"


def test_documents_are_pending_until_vectors_are_built(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    assert b.pending_vectors() == 5
    seen: list[tuple[int, int]] = []
    assert b.build_vectors(batch_size=2, progress=lambda done, total: seen.append((done, total))) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert b.pending_vectors() == 0
    assert b.build_vectors() == 0


def test_hybrid_is_lexical_while_vectors_are_pending(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    hit = b.search(Query(text="锂电池回收", mode="hybrid", explain=True)).hits[0]
    assert hit.id == "achievement:5"
    assert hit.explanation is not None and hit.explanation.dense_rank is None
    assert toy_encoder.queries_encoded == 0


def test_dense_mode_finds_documents_without_shared_terms(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    b.build_vectors()
    result = b.search(Query(text="废旧锂离子电池回收率", mode="dense", explain=True))
    assert result.hits[0].id == "achievement:5"
    assert result.total == 5
    explanation = result.hits[0].explanation
    assert explanation is not None and explanation.dense_rank == 1 and explanation.lexical_score is None
    assert explanation.dense_score == pytest.approx(result.hits[0].score)


def test_dense_mode_applies_filters(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    b.build_vectors()
    result = b.search(Query(text="废旧锂离子电池回收率", mode="dense", kinds=("person", "need")))
    assert {h.id for h in result.hits} <= {"person:3", "need:4"}
    assert result.total == 2


def test_hybrid_explanation_has_both_components(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    b.build_vectors()
    result = b.search(Query(text="超导薄膜", mode="hybrid", explain=True))
    hit = result.hits[0]
    assert hit.id == "achievement:1"
    assert hit.explanation is not None
    assert hit.explanation.lexical_rank == 1 and hit.explanation.dense_rank is not None
    assert hit.explanation.fused_score == pytest.approx(hit.score)
    assert result.total >= 2
    # a lexical-only candidate still gets its dense score in the explanation
    assert all(h.explanation is not None and h.explanation.dense_score is not None for h in result.hits)


def test_build_resumes_after_an_interruption(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        b.build_vectors(batch_size=2, progress=stop_after_first_batch)
    assert b.pending_vectors() == 3
    assert b.build_vectors(batch_size=2) == 3
    assert b.pending_vectors() == 0
    assert toy_encoder.passages_encoded == 5


def test_unchanged_text_is_not_encoded_again(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder)
    b.upsert(CORPUS)
    b.build_vectors()
    b.upsert([replace(CORPUS[0], codes={"ipc": ["H01L", "H01B"]})])  # same text, new codes
    assert b.pending_vectors() == 0
    b.upsert([replace(CORPUS[1], title="Deep learning for wheat disease detection")])
    assert b.pending_vectors() == 1
    assert b.build_vectors() == 1
    assert toy_encoder.passages_encoded == 6


def test_dense_scores_are_centred_by_the_mean_document(make: Factory, toy_encoder: ToyEncoder) -> None:
    b = make(toy_encoder, centring=0.5)
    b.upsert(CORPUS)
    b.build_vectors()
    vecs = {d.id: toy_encoder._vec(passage_text(d)) for d in CORPUS}
    centroid = np.mean(list(vecs.values()), axis=0)
    q = toy_encoder.encode_queries(["超导薄膜"])[0]
    hits = b.search(Query(text="超导薄膜", mode="dense", explain=True)).hits
    assert len(hits) == 5
    for h in hits:
        assert h.explanation is not None
        expected = float(vecs[h.id] @ q - 0.5 * vecs[h.id] @ centroid)
        assert h.explanation.dense_score == pytest.approx(expected, abs=1e-4)
    assert [h.explanation.dense_score for h in hits if h.explanation] == sorted(
        (h.explanation.dense_score for h in hits if h.explanation), reverse=True
    )


class ThreeWayEncoder:
    """Passages with "filler" point one way, those with "反例" the opposite way, the rest across."""

    name = "three-way"
    dim = 2

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        vecs = [[1.0, 0.0] if "filler" in t else [-1.0, 0.0] if "反例" in t else [0.0, 1.0] for t in texts]
        return np.array(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.array([[0.8, 0.6] for _ in texts], dtype=np.float32)


def test_lexical_candidates_bring_their_own_dense_scores(make: Factory) -> None:
    # dense top 2: the fillers (0.8). The two lexical hits lie outside it: achievement:5 (0.6) and the
    # counter-example (-0.8). Scored exactly, achievement:5 scales to (0.6 + 0.8) / 1.6 = 0.875, not 0.
    fusion = FusionConfig(lexical_weight=0.4, dense_weight=0.6, adaptive=False)
    b = make(ThreeWayEncoder(), candidates=2, centring=0.0, fusion=fusion)
    extra = [Document(id=f"f{i}", kind="achievement", title=f"filler {i}") for i in range(2)]
    extra.append(Document(id="low", kind="achievement", title="锂电池 反例"))
    b.upsert([*CORPUS, *extra])
    b.build_vectors()
    lexical = ids(b, Query(text="锂电池回收", mode="lexical", limit=2))
    assert sorted(lexical) == ["achievement:5", "low"]
    hits = b.search(Query(text="锂电池回收", mode="hybrid", explain=True, limit=2)).hits
    mine = next(h for h in hits if h.id == "achievement:5")
    assert mine.explanation is not None and mine.explanation.dense_rank is None
    assert mine.explanation.dense_score == pytest.approx(0.6)
    lexical_part = 1.0 if lexical[0] == "achievement:5" else 0.0
    assert mine.score == pytest.approx(0.4 * lexical_part + 0.6 * 0.875)
