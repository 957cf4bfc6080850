"""a recommendation can be recorded as repeating an earlier one, with what was carried

When a new cycle repeats a recommendation already being worked on, a coordinator may
carry the earlier one's agencies and actions forward (issue 17). `carry_forwards` keeps
each decision (carried or declined), who took it and what it added, so undo can take
exactly that back and reports can show the lineage.

Revision ID: 0013
Revises: 0012
Create Date: 2027-03-01
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
        "carry_forwards",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("recommendation_id", sa.String(length=36),
                  sa.ForeignKey("recommendations.id"), nullable=False),
        sa.Column("earlier_id", sa.String(length=36), sa.ForeignKey("recommendations.id"),
                  nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("agencies", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("actions", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("decided_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("recommendation_id", "earlier_id",
                            name="uq_carry_forwards_pair"),
    )
    op.create_index("ix_carry_forwards_earlier", "carry_forwards", ["earlier_id"])


def downgrade() -> None:
    op.drop_index("ix_carry_forwards_earlier", table_name="carry_forwards")
    op.drop_table("carry_forwards")
