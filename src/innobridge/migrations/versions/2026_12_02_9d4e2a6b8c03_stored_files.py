"""files: stored documents attached to records

Revision ID: 9d4e2a6b8c03
Revises: 7b3c9d1e4f02
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

revision: str = "9d4e2a6b8c03"
down_revision: str | None = "7b3c9d1e4f02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
