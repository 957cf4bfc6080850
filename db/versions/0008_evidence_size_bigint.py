"""evidence sizes as 64-bit integers (PostgreSQL's INTEGER stops at 2 GiB)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite this rebuilds the table (integers there are 64-bit already, but the declared
    # type should say what the models say).
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.alter_column("size", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.alter_column("size", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=True)
