"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_mi', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_agencies'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=80), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash'))
    )
    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=True),
    sa.Column('acknowledged', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log')),
    sa.UniqueConstraint('change_id', name=op.f('uq_change_log_change_id'))
    )
    op.create_table('import_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('recommendations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('num', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('paragraph', sa.String(length=40), nullable=False),
    sa.Column('document_symbol', sa.String(length=80), nullable=False),
    sa.Column('mechanism', sa.String(length=20), nullable=False),
    sa.Column('body', sa.String(length=80), nullable=False),
    sa.Column('upr_session', sa.Integer(), nullable=True),
    sa.Column('cycle', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('position', sa.String(length=20), nullable=True),
    sa.Column('action_category', sa.Integer(), nullable=True),
    sa.Column('te_tiriti', sa.Boolean(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=True),
    sa.Column('last_update_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('num', name=op.f('uq_recommendations_num')),
    sa.UniqueConstraint('reference', name=op.f('uq_recommendations_reference')),
    sa.UniqueConstraint('source', 'source_id', name='uq_recommendations_source_id')
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index('ix_recommendations_body_cycle', ['body', 'cycle'], unique=False)
        batch_op.create_index('ix_recommendations_country', ['country'], unique=False)
        batch_op.create_index('ix_recommendations_status', ['status'], unique=False)

    op.create_table('states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('regional_group', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_states')),
    sa.UniqueConstraint('name', name=op.f('uq_states_name'))
    )
    op.create_table('terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('kind', 'label', name='uq_terms_kind_label')
    )
    op.create_table('assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_assignments_agency_code_agencies')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_assignments_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('recommendation_id', 'agency_code', name='uq_assignments_rec_agency')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_agency', ['agency_code', 'role'], unique=False)

    op.create_table('body_leads',
    sa.Column('body', sa.String(length=80), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_body_leads_agency_code_agencies')),
    sa.PrimaryKeyConstraint('body', 'agency_code', name=op.f('pk_body_leads'))
    )
    op.create_table('officers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_officers_agency_code_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers'))
    )
    op.create_table('recommendation_states',
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_states_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['states.id'], name=op.f('fk_recommendation_states_state_id_states')),
    sa.PrimaryKeyConstraint('recommendation_id', 'state_id', name=op.f('pk_recommendation_states'))
    )
    with op.batch_alter_table('recommendation_states', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_states_state', ['state_id'], unique=False)

    op.create_table('recommendation_terms',
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_terms_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_recommendation_terms_term_id_terms')),
    sa.PrimaryKeyConstraint('recommendation_id', 'term_id', name=op.f('pk_recommendation_terms'))
    )
    with op.batch_alter_table('recommendation_terms', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_terms_term', ['term_id'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_actions_agency_code_agencies')),
    sa.ForeignKeyConstraint(['created_by'], ['officers.id'], name=op.f('fk_actions_created_by_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_table('progress_updates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.Column('agency_code', sa.String(length=20), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_progress_updates_agency_code_agencies')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_progress_updates_officer_id_officers')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_progress_updates_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_updates'))
    )
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index('ix_progress_rec_asof', ['recommendation_id', 'as_of'], unique=False)

    op.create_table('action_links',
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_links_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_action_links_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('action_id', 'recommendation_id', name=op.f('pk_action_links'))
    )
    with op.batch_alter_table('action_links', schema=None) as batch_op:
        batch_op.create_index('ix_action_links_rec', ['recommendation_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=True),
    sa.Column('recommendation_id', sa.String(length=36), nullable=True),
    sa.Column('agency_code', sa.String(length=20), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_evidence_action_id_actions')),
    sa.ForeignKeyConstraint(['agency_code'], ['agencies.code'], name=op.f('fk_evidence_agency_code_agencies')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_evidence_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_action', ['action_id'], unique=False)
        batch_op.create_index('ix_evidence_rec', ['recommendation_id'], unique=False)
        batch_op.create_index('ix_evidence_sha', ['sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_sha')
        batch_op.drop_index('ix_evidence_rec')
        batch_op.drop_index('ix_evidence_action')

    op.drop_table('evidence')
    with op.batch_alter_table('action_links', schema=None) as batch_op:
        batch_op.drop_index('ix_action_links_rec')

    op.drop_table('action_links')
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_rec_asof')

    op.drop_table('progress_updates')
    op.drop_table('actions')
    with op.batch_alter_table('recommendation_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_terms_term')

    op.drop_table('recommendation_terms')
    with op.batch_alter_table('recommendation_states', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_states_state')

    op.drop_table('recommendation_states')
    op.drop_table('officers')
    op.drop_table('body_leads')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_agency')

    op.drop_table('assignments')
    op.drop_table('terms')
    op.drop_table('states')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendations_status')
        batch_op.drop_index('ix_recommendations_country')
        batch_op.drop_index('ix_recommendations_body_cycle')

    op.drop_table('recommendations')
    op.drop_table('meta')
    op.drop_table('import_runs')
    op.drop_table('change_log')
    op.drop_table('audit_log')
    op.drop_table('agencies')
