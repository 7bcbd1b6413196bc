from __future__ import annotations

from collections.abc import Iterator

import pytest

from innobridge.core.context import Context
from innobridge.matching import indexing
from innobridge.matching.indexing import IndexService


@pytest.fixture
def index(ctx: Context) -> Iterator[IndexService]:
    """The context's search index (an empty one under the test's own data directory)."""
    service = indexing.install(ctx)
    yield service
    service.close()
