"""workflow: version columns for optimistic concurrency, reason codes on audit events

Revision ID: 5e1a7f0c2b01
Revises: d30b3d7888e7
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a7f0c2b01"
down_revision: str | None = "d30b3d7888e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("reason_code")
    with op.batch_alter_table("introductions") as batch:
        batch.drop_column("version")
