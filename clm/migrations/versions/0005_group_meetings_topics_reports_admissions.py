"""group meetings, topics, reports, admissions; group actions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:25:50.127740
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("care_type", sa.String(length=20), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("invite_due", sa.Date(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("agenda_set_on", sa.Date(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("report_recorded_on", sa.Date(), nullable=True),
        sa.Column("framework_change", sa.Text(), nullable=False),
        sa.Column("report_pdf", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("uid"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "period", "digest"),
    )
    op.create_table(
        "admissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=50), nullable=False),
        sa.Column("decision_remark", sa.Text(), nullable=False),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("overdue_sent_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_id"),
    )
    op.create_table(
        "group_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("group_meeting_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_meeting_id"],
            ["group_meetings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("group_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_topics_group_meeting_id"), ["group_meeting_id"], unique=False
        )

    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_meeting_id", sa.Integer(), nullable=True))
        batch_op.alter_column("meeting_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("provider_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_action_items_group_meeting_id"), ["group_meeting_id"], unique=False
        )
        batch_op.create_unique_constraint(
            "uq_action_items_group_meeting", ["group_meeting_id", "number"]
        )
        batch_op.create_foreign_key(
            "fk_action_items_group_meeting", "group_meetings", ["group_meeting_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_action_items_group_meeting", type_="foreignkey")
        batch_op.drop_constraint("uq_action_items_group_meeting", type_="unique")
        batch_op.drop_index(batch_op.f("ix_action_items_group_meeting_id"))
        batch_op.alter_column("provider_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("meeting_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("group_meeting_id")

    with op.batch_alter_table("group_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_topics_group_meeting_id"))

    op.drop_table("group_topics")
    op.drop_table("admissions")
    op.drop_table("reports")
    op.drop_table("group_meetings")
