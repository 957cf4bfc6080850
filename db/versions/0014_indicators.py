"""indicators: structural, process and outcome indicators, their links and versioned values

Issue 14: an indicator (code, titles, kind, unit, direction, steward agency, optional SDG
indicator code, baseline and target, Māori data governance) measures recommendations and
overlap clusters; its values are kept per period and disaggregation, and a changed value
is a new version (the old one is kept, superseded), never an overwrite.

Revision ID: 0014
Revises: 0013
Create Date: 2027-03-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("title_mi", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("unit_multiplier", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("steward", sa.String(length=20), nullable=True),
        sa.Column("sdg", sa.String(length=20), nullable=True),
        sa.Column("baseline_value", sa.String(length=50), nullable=True),
        sa.Column("baseline_period", sa.String(length=40), nullable=True),
        sa.Column("target_value", sa.String(length=50), nullable=True),
        sa.Column("target_period", sa.String(length=40), nullable=True),
        sa.Column("maori_data", sa.Boolean(), nullable=False),
        sa.Column("governance", sa.String(length=300), nullable=False),
        sa.Column("governance_note", sa.Text(), nullable=False),
        sa.Column("release_public", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["steward"], ["agencies.code"],
                                name=op.f("fk_indicators_steward_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("code", name=op.f("uq_indicators_code")))
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.create_index("ix_indicators_steward", ["steward"], unique=False)
        batch_op.create_index("ix_indicators_sdg", ["sdg"], unique=False)
    op.create_table(
        "indicator_links",
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("recommendation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_indicator_links_indicator_id_indicators"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendations.id"],
                                name=op.f("fk_indicator_links_recommendation_id_recommendations")),
        sa.PrimaryKeyConstraint("indicator_id", "recommendation_id",
                                name=op.f("pk_indicator_links")))
    with op.batch_alter_table("indicator_links") as batch_op:
        batch_op.create_index("ix_indicator_links_rec", ["recommendation_id"], unique=False)
    op.create_table(
        "indicator_clusters",
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_indicator_clusters_indicator_id_indicators"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("indicator_id", "cluster_id",
                                name=op.f("pk_indicator_clusters")))
    with op.batch_alter_table("indicator_clusters") as batch_op:
        batch_op.create_index("ix_indicator_clusters_cluster", ["cluster_id"], unique=False)
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("disaggregation", sa.Text(), nullable=False),
        sa.Column("units", sa.String(length=500), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("observation_status", sa.String(length=500), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_id", sa.String(length=36), nullable=True),
        sa.Column("maori_data", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_indicator_values_indicator_id_indicators")),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"],
                                name=op.f("fk_indicator_values_evidence_id_evidence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint("indicator_id", "key", "version",
                            name="uq_indicator_values_version"))
    with op.batch_alter_table("indicator_values") as batch_op:
        batch_op.create_index("ix_indicator_values_current", ["indicator_id", "current"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("indicator_values")
    op.drop_table("indicator_clusters")
    op.drop_table("indicator_links")
    op.drop_table("indicators")
