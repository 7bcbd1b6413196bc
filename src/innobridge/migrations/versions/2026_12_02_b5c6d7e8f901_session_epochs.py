"""accounts: a session epoch per user, so logging out ends every copy of the session cookie

Revision ID: b5c6d7e8f901
Revises: 9d4e2a6b8c03
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

revision: str = "b5c6d7e8f901"
down_revision: str | None = "9d4e2a6b8c03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
