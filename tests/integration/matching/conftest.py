from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from innobridge.core.context import Context
from innobridge.index import service as indexing
from innobridge.index.service import IndexService
from innobridge.search.backend import SearchBackend
from innobridge.search.engine import SearchEngine
from innobridge.search.milvus import MilvusBackend

_collections = itertools.count()


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    # one Milvus Lite file (one in-process server) for the session; each test gets its own collection
    return str(tmp_path_factory.mktemp("milvus") / "matching.db")


@pytest.fixture(params=["embedded", "milvus"])
def index(ctx: Context, request: pytest.FixtureRequest, milvus_uri: str) -> Iterator[IndexService]:
    """The context's search index on each backend: the same service and listener as in production. The
    embedded one is in memory (test_matching_search proves the on-disk index under settings.search_dir);
    the Milvus one runs on a real Milvus Lite, so every matching test proves the backend contract too."""
    engine: SearchBackend
    if request.param == "embedded":
        engine = SearchEngine(None)
    else:
        engine = MilvusBackend(milvus_uri, collection=f"matching{next(_collections)}")
    service = indexing.install(ctx, engine=engine)
    yield service
    if isinstance(engine, MilvusBackend):
        engine.client.drop_collection(engine.collection)
    service.close()
