"""notifications: inbox, email outbox, per-user preferences

Revision ID: 7b3c9d1e4f02
Revises: 5e1a7f0c2b01
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

revision: str = "7b3c9d1e4f02"
down_revision: str | None = "5e1a7f0c2b01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
