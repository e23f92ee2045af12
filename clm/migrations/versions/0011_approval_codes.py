"""approval codes: a one-time code per approver and escalation step, stored as a hash

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("staff_key", sa.String(length=50), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["step_id"], ["escalation_steps.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id", "staff_key"),
    )
    op.create_index("ix_approval_codes_step_id", "approval_codes", ["step_id"])


def downgrade() -> None:
    op.drop_index("ix_approval_codes_step_id", table_name="approval_codes")
    op.drop_table("approval_codes")
