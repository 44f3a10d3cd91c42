"""privacy: revoked access, erased children, photos cleared for sharing

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('line_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', models.base.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', models.base.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_at', models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cleared_by', sa.String(length=64), nullable=True))
    # photos stored before consent became opt-in were shared under the old rule: they stay visible
    op.execute("UPDATE media SET cleared_at = created_at, cleared_by = 'before-0006'")


def downgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_column('cleared_by')
        batch_op.drop_column('cleared_at')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('line_users', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
