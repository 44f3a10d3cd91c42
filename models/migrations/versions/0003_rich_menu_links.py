"""rich menu links: the LINE id linked to each user

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('line_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rich_menu_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_line_users_rich_menu_id'), ['rich_menu_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('line_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_users_rich_menu_id'))
        batch_op.drop_column('rich_menu_id')
