"""declarations: the period index also covers the classification's figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:00:00

The classification sums a year of declarations per provider, client and municipality. With
the columns it reads in the index, the database no longer looks up each of a region's
millions of rows in the table (2.2 s to 1.4 s for 2 million rows on SQLite). The index keeps
period and provider first, so it serves every query the old one served.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = ("ix_declarations_period_provider", ["period", "provider_id"])
NEW = (
    "ix_declarations_period_figures",
    ["period", "provider_id", "client_ref", "municipality_code", "amount"],
)


def upgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(OLD[0])
        batch_op.create_index(*NEW, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(NEW[0])
        batch_op.create_index(*OLD, unique=False)
