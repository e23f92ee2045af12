"""mailbox intake: reply references, inbound mails, proposed agenda points, work items
about a mail

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("outbox_key", sa.String(length=200), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_mail_references_provider_id", "mail_references", ["provider_id"])
    op.create_table(
        "inbound_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("from_addr", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=True),
        sa.Column("reply_kind", sa.String(length=20), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_inbound_mails_status", "inbound_mails", ["status"])
    op.create_index("ix_inbound_mails_provider_id", "inbound_mails", ["provider_id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("reference", sa.String(length=12), nullable=True))
    with op.batch_alter_table("agenda_points") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="confirmed")
        )
        batch.add_column(sa.Column("inbound_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_agenda_points_inbound_id", "inbound_mails", ["inbound_id"], ["id"]
        )
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("inbound_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_work_items_inbound_id", "inbound_mails", ["inbound_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.drop_constraint("fk_work_items_inbound_id", type_="foreignkey")
        batch.drop_column("inbound_id")
    # points proposed by mail and never confirmed did not reach any agenda: they go with
    # the column that told them apart
    op.execute("DELETE FROM agenda_points WHERE status <> 'confirmed'")
    with op.batch_alter_table("agenda_points") as batch:
        batch.drop_constraint("fk_agenda_points_inbound_id", type_="foreignkey")
        batch.drop_column("inbound_id")
        batch.drop_column("status")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reference")
    op.drop_index("ix_inbound_mails_provider_id", table_name="inbound_mails")
    op.drop_index("ix_inbound_mails_status", table_name="inbound_mails")
    op.drop_table("inbound_mails")
    op.drop_index("ix_mail_references_provider_id", table_name="mail_references")
    op.drop_table("mail_references")
