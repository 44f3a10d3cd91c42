"""evaluation and parents' voice: monthly indicator snapshots, survey rounds and answers, complaints

Revision ID: 0009
Revises: 0008

"""
from alembic import op
import sqlalchemy as sa
import models.base
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('scope_code', sa.String(length=16), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rounds'))
    )
    with op.batch_alter_table('survey_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_rounds_scope_code'), ['scope_code'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('to_level', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('handled_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_complaints_centre_id_centres')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardians.id'], name=op.f('fk_complaints_guardian_id_guardians'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('number', name=op.f('uq_complaints_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_guardian_id'), ['guardian_id'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_evaluations_centre_id_centres')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('centre_id', 'month', name=op.f('uq_evaluations_centre_id'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('answered_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_survey_answers_centre_id_centres')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardians.id'], name=op.f('fk_survey_answers_guardian_id_guardians'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_answers_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('round_id', 'guardian_id', name=op.f('uq_survey_answers_round_id'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_centre', ['centre_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_centre')

    op.drop_table('survey_answers')
    op.drop_table('evaluations')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_guardian_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_centre_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('survey_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_rounds_scope_code'))

    op.drop_table('survey_rounds')
