"""central keeps the id of every pack it issues, so a bundle must name one of its own

A bundle's manifest names the pack it was made against (`pack_id`, `pack_version`); the
import refuses a bundle whose pack this central record did not issue to that agency.
Packs issued before this revision have no stored id (NULL): a bundle made against one is
matched on agency and version only, as the pack's id was never kept.

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issued_packs") as batch_op:
        batch_op.add_column(sa.Column("pack_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_packs") as batch_op:
        batch_op.drop_column("pack_id")
