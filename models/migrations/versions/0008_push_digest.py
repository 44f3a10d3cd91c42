"""centres choose whether the daily digest is pushed to the parent group (parents pull it by default)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_digest', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_column('push_digest')
