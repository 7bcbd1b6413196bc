"""transfer: technology contracts and their registration

Revision ID: c7d8e9f0a102
Revises: b5c6d7e8f901
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7d8e9f0a102"
down_revision: str | None = "b5c6d7e8f901"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "contract_type",
            sa.Enum(
                "development",
                "transfer",
                "licence",
                "consultancy",
                "service",
                name="contracttype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("project_name", sa.String(length=300), nullable=False),
        sa.Column("buyer_org_id", sa.Integer(), nullable=True),
        sa.Column("buyer_name", sa.String(length=300), nullable=False),
        sa.Column("buyer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("buyer_region_code", sa.String(length=6), nullable=True),
        sa.Column("buyer_country_code", sa.String(length=2), nullable=False),
        sa.Column("seller_org_id", sa.Integer(), nullable=True),
        sa.Column("seller_name", sa.String(length=300), nullable=False),
        sa.Column("seller_credit_code", sa.String(length=18), nullable=True),
        sa.Column("seller_region_code", sa.String(length=6), nullable=True),
        sa.Column("seller_country_code", sa.String(length=2), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("equipment_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("technology_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "registered",
                "returned",
                "refused",
                name="contractstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("registration_number", sa.String(length=16), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("registration_region_code", sa.String(length=6), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_contracts_achievement_id_achievements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_org_id"],
            ["organisations.id"],
            name=op.f("fk_contracts_buyer_org_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contracts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_contracts_introduction_id_introductions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_contracts_need_id_needs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["seller_org_id"],
            ["organisations.id"],
            name=op.f("fk_contracts_seller_org_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("registration_number", name=op.f("uq_contracts_registration_number")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_achievement_id"), ["achievement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_buyer_org_id"), ["buyer_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_contract_type"), ["contract_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_introduction_id"), ["introduction_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_registered_on"), ["registered_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contracts_registration_region_code"), ["registration_region_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contracts_seller_org_id"), ["seller_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_signed_on"), ["signed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index("ix_contracts_queue", ["state", "submitted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_queue")
        batch_op.drop_index(batch_op.f("ix_contracts_updated_at"))
        batch_op.drop_index(batch_op.f("ix_contracts_state"))
        batch_op.drop_index(batch_op.f("ix_contracts_signed_on"))
        batch_op.drop_index(batch_op.f("ix_contracts_seller_org_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_registration_region_code"))
        batch_op.drop_index(batch_op.f("ix_contracts_registered_on"))
        batch_op.drop_index(batch_op.f("ix_contracts_need_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_introduction_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_created_at"))
        batch_op.drop_index(batch_op.f("ix_contracts_contract_type"))
        batch_op.drop_index(batch_op.f("ix_contracts_buyer_org_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_achievement_id"))

    op.drop_table("contracts")
