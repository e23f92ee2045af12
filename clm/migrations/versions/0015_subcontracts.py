"""subcontracting: who works for which main contractor, per lot, from and until when

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subcontracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("main_provider_id", sa.Integer(), nullable=False),
        sa.Column("sub_provider_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("declarations_to", sa.String(length=10), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["main_provider_id"], ["providers.id"]),
        sa.ForeignKeyConstraint(["sub_provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("main_provider_id", "sub_provider_id", "lot", "start_on"),
    )
    op.create_index("ix_subcontracts_main_provider_id", "subcontracts", ["main_provider_id"])
    op.create_index("ix_subcontracts_sub_provider_id", "subcontracts", ["sub_provider_id"])


def downgrade() -> None:
    op.drop_index("ix_subcontracts_sub_provider_id", table_name="subcontracts")
    op.drop_index("ix_subcontracts_main_provider_id", table_name="subcontracts")
    op.drop_table("subcontracts")
