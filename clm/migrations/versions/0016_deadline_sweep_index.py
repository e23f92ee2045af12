"""the daily sweep's index: per kind, the open deadlines by due date and first reminder

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 03:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The sweep asks, per kind, for the open deadlines due up to that kind's horizon that
    # were not reminded yet: a range in this index, even with a million open deadlines.
    op.create_index(
        "ix_deadlines_sweep",
        "deadlines",
        ["kind", "closed_on", "lapsed_on", "due_on", "reminded_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_deadlines_sweep", table_name="deadlines")
