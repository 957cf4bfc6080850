"""longer taxonomy labels: SDG targets with their titles exceed 200 characters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("terms") as batch_op:
        batch_op.alter_column("label", existing_type=sa.String(length=200),
                              type_=sa.String(length=500), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("terms") as batch_op:
        batch_op.alter_column("label", existing_type=sa.String(length=500),
                              type_=sa.String(length=200), existing_nullable=False)
