"""Alembic environment: runs on the connection InnoBridge hands over (see core/migrate.py)."""

from __future__ import annotations

from alembic import context

from innobridge.core.migrate import all_metadata

target_metadata = all_metadata()
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` CLI from the repo root (alembic.ini): use the configured URL
    from innobridge.core.config import get_settings
    from innobridge.core.db import make_engine

    with make_engine(get_settings().resolved_database_url).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
