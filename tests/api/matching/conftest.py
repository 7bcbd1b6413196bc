from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from innobridge.core.context import Context
from innobridge.index import service as indexing
from innobridge.search.engine import SearchEngine
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    """The real app; its index is the in-memory engine (create_app's install finds it already there)."""
    service = indexing.install(ctx, engine=SearchEngine(None))
    with TestClient(create_app(ctx)) as c:
        yield c
    service.close()
