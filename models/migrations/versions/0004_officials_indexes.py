"""officials' query indexes: a teacher's latest check-in, lunch and activity; absences running on a day

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attendance_arrived_by_day", "attendance", ["arrived_by", "day"], unique=False)
    op.create_index("ix_lunches_recorded_by_day", "lunches", ["recorded_by", "day"], unique=False)
    op.create_index("ix_activities_posted_by_day", "activities", ["posted_by", "day"], unique=False)
    op.create_index("ix_absences_last_day", "absences", ["last_day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_absences_last_day", table_name="absences")
    op.drop_index("ix_activities_posted_by_day", table_name="activities")
    op.drop_index("ix_lunches_recorded_by_day", table_name="lunches")
    op.drop_index("ix_attendance_arrived_by_day", table_name="attendance")
