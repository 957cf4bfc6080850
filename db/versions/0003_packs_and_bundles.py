"""packs and bundles

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applied_changes',
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('change_id', name=op.f('pk_applied_changes'))
    )
    op.create_table('bundle_inbox',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('officer', sa.String(length=200), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('manifest', sa.Text(), nullable=False),
    sa.Column('change_count', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundle_inbox'))
    )
    with op.batch_alter_table('bundle_inbox', schema=None) as batch_op:
        batch_op.create_index('ix_bundle_inbox_bundle', ['bundle_id'], unique=False)
        batch_op.create_index('ix_bundle_inbox_status', ['status'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('current_value', sa.Text(), nullable=False),
    sa.Column('incoming_value', sa.Text(), nullable=False),
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=False),
    sa.Column('resolved_value', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.String(length=200), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_status', ['status'], unique=False)

    op.create_table('merged_bundles',
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('bundle_sha256', sa.String(length=64), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('bundle_id', name=op.f('pk_merged_bundles')),
    sa.UniqueConstraint('key_id', 'sequence', name='uq_merged_bundles_key_seq')
    )
    op.create_table('record_versions',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=80), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_record_versions'))
    )
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index('ix_record_versions_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('sent_bundles',
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('change_count', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('bundle_id', name=op.f('pk_sent_bundles')),
    sa.UniqueConstraint('sequence', name=op.f('uq_sent_bundles_sequence'))
    )
    op.create_table('issued_packs',
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_issued_packs_agency_code_agencies')),
    sa.PrimaryKeyConstraint('agency_code', 'version', name=op.f('pk_issued_packs'))
    )
    op.create_table('signing_keys',
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.String(length=100), nullable=False),
    sa.Column('officer_name', sa.String(length=200), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('replaced_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_signing_keys_agency_code_agencies')),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_signing_keys'))
    )


def downgrade() -> None:
    op.drop_table('applied_changes')
    op.drop_table('signing_keys')
    op.drop_table('issued_packs')
    op.drop_table('sent_bundles')
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_record_versions_entity')

    op.drop_table('record_versions')
    op.drop_table('merged_bundles')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_conflicts_status')

    op.drop_table('conflicts')
    with op.batch_alter_table('bundle_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_bundle_inbox_status')
        batch_op.drop_index('ix_bundle_inbox_bundle')

    op.drop_table('bundle_inbox')
