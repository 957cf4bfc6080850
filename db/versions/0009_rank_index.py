"""PostgreSQL only: a RUM index that returns search matches in rank order

Without it, a common word's first page ranks every match (57,000 rows for "rights" at
270,000 recommendations). The index needs the `rum` extension; a server without it keeps
the GIN index alone and search still works (see store/postgres.install_rank_index).
On SQLite this revision changes nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

from nmrf_desktop.store import postgres

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        postgres.install_rank_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        postgres.remove_rank_index(bind)
