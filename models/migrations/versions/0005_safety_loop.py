"""safety loop: closures, van trips and boardings, alert repeats, centre timings

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_closures_centre_id_centres')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closures')),
    sa.UniqueConstraint('centre_id', 'day', name=op.f('uq_closures_centre_id'))
    )
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.create_index('ix_closures_day', ['day'], unique=False)

    op.create_table('van_trips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('van_code', sa.String(length=32), nullable=False, server_default=''),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('leg', sa.String(length=16), nullable=False),
    sa.Column('started_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('arrived_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('arrived_by', sa.String(length=64), nullable=True),
    sa.Column('empty_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('empty_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_van_trips_centre_id_centres')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_van_trips')),
    sa.UniqueConstraint('centre_id', 'van_code', 'day', 'leg', name=op.f('uq_van_trips_centre_id'))
    )
    with op.batch_alter_table('van_trips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_van_trips_centre_id'), ['centre_id'], unique=False)

    op.create_table('van_boardings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('boarded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('boarded_by', sa.String(length=64), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_van_boardings_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trip_id'], ['van_trips.id'], name=op.f('fk_van_boardings_trip_id_van_trips'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_van_boardings')),
    sa.UniqueConstraint('trip_id', 'child_id', name=op.f('uq_van_boardings_trip_id'))
    )
    with op.batch_alter_table('van_boardings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_van_boardings_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_van_boardings_trip_id'), ['trip_id'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_code', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sends', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_sent_at', models.base.UtcDateTime(timezone=True), nullable=True))

    op.create_index('uq_alerts_van_day', 'alerts', ['kind', 'centre_id', 'van_code', 'day'], unique=True,
                    sqlite_where=sa.text('child_id IS NULL'), postgresql_where=sa.text('child_id IS NULL'))

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalate_minutes', sa.Integer(), nullable=False, server_default='15'))
        batch_op.add_column(sa.Column('van_grace_minutes', sa.Integer(), nullable=False, server_default='15'))
        batch_op.add_column(sa.Column('remind_checkin', sa.Time(), nullable=False, server_default='09:30:00'))
        batch_op.add_column(sa.Column('remind_lunch', sa.Time(), nullable=False, server_default='12:30:00'))
        batch_op.add_column(sa.Column('remind_activity', sa.Time(), nullable=False, server_default='15:00:00'))
        batch_op.add_column(sa.Column('digest_at', sa.Time(), nullable=False, server_default='15:30:00'))

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_trip_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_media_van_trip_id'), ['van_trip_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_media_van_trip_id_van_trips'), 'van_trips', ['van_trip_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_code', sa.String(length=32), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('van_code')

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_media_van_trip_id_van_trips'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_media_van_trip_id'))
        batch_op.drop_column('van_trip_id')

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_column('digest_at')
        batch_op.drop_column('remind_activity')
        batch_op.drop_column('remind_lunch')
        batch_op.drop_column('remind_checkin')
        batch_op.drop_column('van_grace_minutes')
        batch_op.drop_column('escalate_minutes')

    op.drop_index('uq_alerts_van_day', table_name='alerts')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('last_sent_at')
        batch_op.drop_column('sends')
        batch_op.drop_column('detail')
        batch_op.drop_column('van_code')

    with op.batch_alter_table('van_boardings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_van_boardings_trip_id'))
        batch_op.drop_index(batch_op.f('ix_van_boardings_child_id'))

    op.drop_table('van_boardings')
    with op.batch_alter_table('van_trips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_van_trips_centre_id'))

    op.drop_table('van_trips')
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.drop_index('ix_closures_day')

    op.drop_table('closures')
