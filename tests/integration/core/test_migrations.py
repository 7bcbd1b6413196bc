"""Migrations run both ways on each backend, and the models match the migrated schema."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from tests.conftest import BACKENDS

from innobridge.core import migrate
from innobridge.core.db import make_engine


def _round_trip(url: str, **kw: object) -> None:
    engine = make_engine(url, **kw)  # type: ignore[arg-type]
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), migrate.all_metadata())
    assert diff == [], f"models and migrations differ: {diff}"
    assert "organisations" in inspect(engine).get_table_names()
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "audit_events" in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        _round_trip(f"sqlite:///{tmp_path / 'm.sqlite3'}")
        return
    url = os.environ["INNOBRIDGE_TEST_POSTGRES_URL"]
    schema = f"ib_mig_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        _round_trip(url, connect_args={"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
