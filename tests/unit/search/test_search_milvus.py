"""MilvusBackend behaviour that only Milvus has: persistence in a Milvus Lite file, expressions, schema.
The shared contract (both backends) is in test_search_backends.py."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from milvus_lite import server_manager_instance

from innobridge.search.milvus import MilvusBackend, filter_expression
from innobridge.search.types import Document, Query

from .conftest import CORPUS, ToyEncoder

_collections = itertools.count()


@pytest.fixture(scope="module")
def uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "milvus.db")


def fresh(uri: str, **options: object) -> MilvusBackend:
    return MilvusBackend(uri, collection=f"m{next(_collections)}", **options)


def ids(backend: MilvusBackend, query: Query) -> list[str]:
    return [h.id for h in backend.search(query).hits]


@pytest.mark.parametrize("commit", [True, False])
def test_reopening_the_file_keeps_documents_and_vectors(tmp_path: Path, commit: bool) -> None:
    path = str(tmp_path / "reopen.db")
    b = MilvusBackend(path, encoder=ToyEncoder())
    b.upsert(CORPUS)
    b.build_vectors()
    if commit:
        b.commit()
    b.close()
    server_manager_instance.release_server(path)  # a new in-process server reads the file again

    encoder = ToyEncoder()
    again = MilvusBackend(path, encoder=encoder)
    try:
        assert again.count() == 5
        assert again.pending_vectors() == 0
        assert ids(again, Query(text="锂电池回收", mode="lexical"))[0] == "achievement:5"
        assert ids(again, Query(text="废旧锂离子电池回收率", mode="dense"))[0] == "achievement:5"
        assert encoder.passages_encoded == 0
    finally:
        again.close()
        server_manager_instance.release_server(path)


def test_collections_in_one_file_are_independent(uri: str) -> None:
    a, b = fresh(uri), fresh(uri)
    a.upsert(CORPUS)
    assert (a.count(), b.count()) == (5, 0)
    b.clear()
    assert a.count() == 5


def test_a_different_encoder_makes_vectors_pending_again(uri: str) -> None:
    b = fresh(uri, encoder=ToyEncoder())
    b.upsert(CORPUS)
    b.build_vectors()

    class OtherEncoder(ToyEncoder):
        name = "toy-bigram-64-v2"

    other = MilvusBackend(uri, collection=b.collection, encoder=OtherEncoder())
    assert other.pending_vectors() == 5
    assert ids(other, Query(text="锂电池回收", mode="hybrid"))[0] == "achievement:5"  # lexical meanwhile


def test_an_encoder_of_another_width_is_refused(uri: str) -> None:
    b = fresh(uri, encoder=ToyEncoder())

    class WideEncoder(ToyEncoder):
        dim = 128

    with pytest.raises(ValueError, match="64-d vectors"):
        MilvusBackend(uri, collection=b.collection, encoder=WideEncoder())


def test_tokens_joined_by_punctuation_stay_one_term(uri: str) -> None:
    b = fresh(uri)
    b.upsert(
        [
            Document(id="a:1", kind="achievement", title="CO2-laser cutting of 3.5 mm steel"),
            Document(id="a:2", kind="achievement", title="laser welding, CO2 capture"),
        ]
    )
    assert ids(b, Query(text="co2-laser", mode="lexical")) == ["a:1"]
    assert ids(b, Query(text="3.5", mode="lexical")) == ["a:1"]


def test_filters_become_escaped_expressions() -> None:
    expr = filter_expression(("need",), {"org": ['a"b\\c'], "year": (2020, None), "trl": (None, None)})
    assert expr == (
        '(kind in ["need"]) and (array_contains_any(codes, ["org=a\\"b\\\\c"])) and (nums["year"] >= 2020)'
    )
    assert filter_expression((), {"org": []}) == '(id == "")'
    with pytest.raises(ValueError, match="filter name"):
        filter_expression((), {"Org": ["x"]})


def test_large_pages_and_facets_over_many_rows(uri: str) -> None:
    b = fresh(uri)
    docs = [
        replace(CORPUS[i % 5], id=f"{CORPUS[i % 5].kind}:{i}", numbers={"year": 2000 + i % 7})
        for i in range(1050)
    ]
    b.upsert(docs, commit=False)
    b.commit()
    result = b.search(Query(text="", limit=1000, offset=50, facets=("kind", "year"), mode="lexical"))
    assert result.total == 1050
    assert len(result.hits) == 1000
    assert result.facets["kind"] == {"achievement": 630, "need": 210, "person": 210}
    assert sum(result.facets["year"].values()) == 1050
    assert len({h.id for h in result.hits}) == 1000
