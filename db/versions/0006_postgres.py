"""PostgreSQL only: unaccent full-text search and an append-only audit log

SQLite already has all of this (FTS5 from 0002; its audit log is guarded by the hash
chain); on SQLite this revision changes nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

from nmrf_desktop.store import postgres

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        postgres.install_schema(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        postgres.remove_schema(bind)
