"""HTTP-level fixtures: the real app over the test Context, and API tokens for users of each role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.conftest import make_user

from innobridge.core.accounts import create_api_token
from innobridge.core.context import Context
from innobridge.core.principal import Principal
from innobridge.core.users import Role
from innobridge.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


def token_for(ctx: Context, principal: Principal) -> dict[str, str]:
    with ctx.uow() as uow:
        token = create_api_token(uow, actor=principal, name="test")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def officer_headers(ctx: Context) -> dict[str, str]:
    return token_for(ctx, make_user(ctx, role=Role.programme_officer))


@pytest.fixture
def member_headers(ctx: Context) -> dict[str, str]:
    return token_for(ctx, make_user(ctx))
