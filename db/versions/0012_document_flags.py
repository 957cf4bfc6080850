"""recommendations remember a treaty body's follow-up request and its important paragraphs

Concluding observations single out some recommendations for follow-up within one or two
years, and name the "paragraphs of particular importance"; an imported document sets
these flags (issue 13). Existing recommendations get False.

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as batch_op:
        batch_op.add_column(sa.Column("follow_up", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("important", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as batch_op:
        batch_op.drop_column("important")
        batch_op.drop_column("follow_up")
