"""contract register: lots with their terms and option years; step 7's end date

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("agreement", sa.String(length=50), nullable=False),
        sa.Column("lot", sa.String(length=20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("option_years", sa.Integer(), nullable=False),
        sa.Column("decide_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement", "provider_id", "lot"),
    )
    op.create_index("ix_contracts_provider_id", "contracts", ["provider_id"])
    with op.batch_alter_table("escalation_steps") as batch:
        batch.add_column(sa.Column("ends_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("escalation_steps") as batch:
        batch.drop_column("ends_on")
    op.drop_index("ix_contracts_provider_id", table_name="contracts")
    op.drop_table("contracts")
