"""escalation steps: a recovery term per case (step 3) and the reason a step was skipped to

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:00:00

Seed 004: step 3 gives "een redelijke hersteltermijn", set per case (the config's number is
the default); step 4 follows "indien herstel uitblijft na ingebrekestelling", so a step 4
without a notice of default whose term has passed carries the reason it was skipped to, and
its letter says that reason instead of a sentence that would not be true.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recovery_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("skip_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.drop_column("skip_reason")
        batch_op.drop_column("recovery_days")
