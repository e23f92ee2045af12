"""answers in the order they were sent: when each mail, answer, sheet and point was sent

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# (table, column): when the provider sent it; empty for rows from before this revision
COLUMNS = [
    ("inbound_mails", "sent_at"),
    ("amendment_parties", "answered_at"),
    ("minutes_reactions", "sent_at"),
    ("intake_files", "sent_at"),
    ("agenda_points", "sent_at"),
]


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
