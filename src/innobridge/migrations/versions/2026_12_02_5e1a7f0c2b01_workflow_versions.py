"""workflow: version columns for optimistic concurrency, reason codes on audit events

Revision ID: 5e1a7f0c2b01
Revises: d30b3d7888e7
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

revision: str = "5e1a7f0c2b01"
down_revision: str | None = "d30b3d7888e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
