"""amendments during the term: the proposal, the providers consulted, the versions of the
contract terms they change

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("change_kind", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=50), nullable=False),
        sa.Column("new_value", sa.String(length=100), nullable=False),
        sa.Column("lots", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("origin_ref", sa.String(length=200), nullable=False),
        sa.Column("proposed_by", sa.String(length=50), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("reaction_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("deferred_to", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "amendment_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.String(length=12), nullable=False),
        sa.Column("disadvantaged", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("registered_by", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["amendment_id"], ["amendments.id"]),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("amendment_id", "provider_id"),
    )
    op.create_index("ix_amendment_parties_amendment_id", "amendment_parties", ["amendment_id"])
    op.create_index("ix_amendment_parties_provider_id", "amendment_parties", ["provider_id"])
    op.create_table(
        "contract_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_kind", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("lots", sa.JSON(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["amendment_id"], ["amendments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("amendment_id"),
        sa.UniqueConstraint("change_kind", "target", "version"),
    )


def downgrade() -> None:
    op.drop_table("contract_terms")
    op.drop_index("ix_amendment_parties_provider_id", table_name="amendment_parties")
    op.drop_index("ix_amendment_parties_amendment_id", table_name="amendment_parties")
    op.drop_table("amendment_parties")
    op.drop_table("amendments")
