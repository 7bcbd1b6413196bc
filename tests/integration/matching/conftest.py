from __future__ import annotations

from collections.abc import Iterator

import pytest

from innobridge.core.context import Context
from innobridge.matching import indexing
from innobridge.matching.indexing import IndexService
from innobridge.search.engine import SearchEngine


@pytest.fixture
def index(ctx: Context) -> Iterator[IndexService]:
    """The context's search index, in memory: the same service and listener as in production, without
    a disk commit per write (test_matching_search proves the on-disk index under settings.search_dir)."""
    service = indexing.install(ctx, engine=SearchEngine(None))
    yield service
    service.close()
