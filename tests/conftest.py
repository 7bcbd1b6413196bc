"""Shared fixtures: a migrated database per backend (SQLite always, PostgreSQL when
INNOBRIDGE_TEST_POSTGRES_URL is set — and then it must answer), each test in a rolled-back transaction."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from innobridge.core import migrate, security
from innobridge.core.accounts import UserIn, principal_for, register_user
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.db import make_engine
from innobridge.core.principal import Principal
from innobridge.core.users import Role

security.use_cheap_hashing_for_tests()

PG_URL = os.environ.get("INNOBRIDGE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _pg_engine(schema: str) -> Engine:
    assert PG_URL
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}", "connect_timeout": 5})


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Engine]]:
    """One migrated database per backend for the whole run; a private schema on PostgreSQL."""
    out: dict[str, Engine] = {}
    sqlite_path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    out["sqlite"] = make_engine(f"sqlite:///{sqlite_path}")
    migrate.upgrade(out["sqlite"])
    schema = None
    if PG_URL:
        schema = f"ib_test_{uuid.uuid4().hex[:12]}"
        try:
            admin = make_engine(PG_URL, connect_args={"connect_timeout": 5})
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:  # the run must fail, not skip, when PostgreSQL was asked for
            pytest.fail(
                f"INNOBRIDGE_TEST_POSTGRES_URL is set but PostgreSQL does not answer: {exc}", pytrace=False
            )
        out["postgresql"] = _pg_engine(schema)
        migrate.upgrade(out["postgresql"])
    yield out
    for engine in out.values():
        engine.dispose()
    if schema:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def ctx(request: pytest.FixtureRequest, engines: dict[str, Engine], tmp_path: Path) -> Iterator[Context]:
    """A Context on a real database; every table is emptied afterwards.

    Emptying rather than an outer rolled-back transaction: requests open several sessions at once (one
    for the principal, one per unit of work), and nested savepoints on one shared connection would make
    a read session's rollback undo another session's commit — the tests would not see what production does.
    """
    engine = engines[request.param]
    settings = Settings(env="test", data_dir=tmp_path / "data", encoder="none")
    context = Context.from_settings(settings, engine=engine)
    try:
        yield context
    finally:
        _empty(engine)


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(migrate.all_metadata().sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )
        else:
            for t in tables:  # names come from our own metadata, not from input
                conn.execute(text(f'DELETE FROM "{t}"'))  # noqa: S608
            if _has_sqlite_sequence(conn):
                conn.execute(text("DELETE FROM sqlite_sequence"))


def _has_sqlite_sequence(conn: object) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first()  # type: ignore[attr-defined]
    )


def make_user(ctx: Context, *, email: str | None = None, role: Role = Role.member) -> Principal:
    """A registered user with the given platform role, as a Principal."""
    email = email or f"u{uuid.uuid4().hex[:10]}@example.org"
    with ctx.uow() as uow:
        user = register_user(uow, data=UserIn(email=email, name="测试用户", password="correct-horse-42"))
        if role != Role.member:
            from innobridge.core.users import User

            uow.session.get(User, user.id).role = role  # type: ignore[union-attr]
    with ctx.session() as s:
        principal = principal_for(s, user.id)
    assert principal is not None
    return principal


@pytest.fixture
def officer(ctx: Context) -> Principal:
    return make_user(ctx, role=Role.programme_officer)


@pytest.fixture
def member(ctx: Context) -> Principal:
    return make_user(ctx)
