"""inbox rows say why a bundle was refused, and whether who it names was verified

`reason_kind` is the kind of refusal (services/exchange/rejections.Kind: unknown key,
revoked key, gap, …) that the inbox turns into a remedy. `identity_verified` is false when
the agency, officer, bundle id, key and sequence of a row were read from a bundle whose
signature did not check out: shown, marked "unverified", never trusted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundle_inbox") as batch_op:
        batch_op.add_column(sa.Column("reason_kind", sa.String(length=30), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("identity_verified", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("bundle_inbox") as batch_op:
        batch_op.drop_column("identity_verified")
        batch_op.drop_column("reason_kind")
