"""overlap detection: indexed documents, term frequencies, matches, clusters, decisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
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
        "overlap_docs",
        sa.Column("recommendation_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("asks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("recommendation_id", name=op.f("pk_overlap_docs")))
    with op.batch_alter_table("overlap_docs") as batch_op:
        batch_op.create_index("ix_overlap_docs_country", ["country"], unique=False)
    op.create_table(
        "overlap_terms",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_overlap_terms")))
    op.create_table(
        "overlap_matches",
        sa.Column("rec_a", sa.String(length=36), nullable=False),
        sa.Column("rec_b", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=120), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rec_a", "rec_b", name=op.f("pk_overlap_matches")))
    with op.batch_alter_table("overlap_matches") as batch_op:
        batch_op.create_index("ix_overlap_matches_b", ["rec_b"], unique=False)
        batch_op.create_index("ix_overlap_matches_country", ["country"], unique=False)
    op.create_table(
        "overlap_clusters",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overlap_clusters")))
    with op.batch_alter_table("overlap_clusters") as batch_op:
        batch_op.create_index("ix_overlap_clusters_country", ["country"], unique=False)
    op.create_table(
        "overlap_members",
        sa.Column("cluster_id", sa.String(length=20), nullable=False),
        sa.Column("recommendation_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("cluster_id", "recommendation_id",
                                name=op.f("pk_overlap_members")))
    with op.batch_alter_table("overlap_members") as batch_op:
        batch_op.create_index("ix_overlap_members_rec", ["recommendation_id"], unique=False)
    op.create_table(
        "overlap_decisions",
        sa.Column("rec_a", sa.String(length=36), nullable=False),
        sa.Column("rec_b", sa.String(length=36), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rec_a", "rec_b", name=op.f("pk_overlap_decisions")))


def downgrade() -> None:
    for table in ("overlap_decisions", "overlap_members", "overlap_clusters",
                  "overlap_matches", "overlap_terms", "overlap_docs"):
        op.drop_table(table)
