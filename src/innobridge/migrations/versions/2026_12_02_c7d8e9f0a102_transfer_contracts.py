"""transfer: technology contracts and their registration

Revision ID: c7d8e9f0a102
Revises: b5c6d7e8f901
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

revision: str = "c7d8e9f0a102"
down_revision: str | None = "b5c6d7e8f901"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
