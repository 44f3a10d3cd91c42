"""records: withdrawal, staff record, vaccines, portfolio

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import models.base
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vaccine_doses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_vaccine_doses_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccine_doses')),
    sa.UniqueConstraint('child_id', 'code', name=op.f('uq_vaccine_doses_child_id'))
    )
    with op.batch_alter_table('vaccine_doses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vaccine_doses_child_id'), ['child_id'], unique=False)

    op.create_table('portfolio_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=True),
    sa.Column('caption', sa.Text(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_portfolio_items_media_id_media'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_portfolio_items_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_items'))
    )
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_items_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('qualification', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('training_hours', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('covid_doses', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('deactivated_at', models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deactivated_by', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('deactivated_by')
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('covid_doses')
        batch_op.drop_column('training_hours')
        batch_op.drop_column('qualification')
        batch_op.drop_column('position')

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_on')

    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolio_items_staff_id'))

    op.drop_table('portfolio_items')
    with op.batch_alter_table('vaccine_doses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vaccine_doses_child_id'))

    op.drop_table('vaccine_doses')
