"""reporting calendar: deadlines per UN body and the recommendations each covers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("covers_all", sa.Boolean(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")))
    with op.batch_alter_table("calendar_entries") as batch_op:
        batch_op.create_index("ix_calendar_entries_due", ["due_on"], unique=False)
        batch_op.create_index("ix_calendar_entries_body", ["body"], unique=False)
    op.create_table(
        "calendar_covers",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("recommendation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["calendar_entries.id"],
                                name=op.f("fk_calendar_covers_entry_id_calendar_entries"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendations.id"],
                                name=op.f("fk_calendar_covers_recommendation_id_recommendations")),
        sa.PrimaryKeyConstraint("entry_id", "recommendation_id",
                                name=op.f("pk_calendar_covers")))
    with op.batch_alter_table("calendar_covers") as batch_op:
        batch_op.create_index("ix_calendar_covers_rec", ["recommendation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("calendar_covers")
    op.drop_table("calendar_entries")
