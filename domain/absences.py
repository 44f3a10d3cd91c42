"""Absences and late notices: recorded for a child and a span of days; leave covering today settles alerts."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from domain.alerts import settle_child
from models import Absence, Child

KIND_LABEL = {"sick": "ลาป่วย", "personal": "ลากิจ", "late": "มาสาย"}


def record_absence(session: Session, child: Child, kind: str, first_day: date, last_day: date, *, by: str,
                   now: datetime, late_until: time | None = None, note: str = "") -> Absence:
    """Record leave ("sick" | "personal") or a late notice ("late", with `late_until`) for first_day..last_day.

    Leave that covers today acknowledges the child's open alerts of today (resolution = the leave kind).
    """
    row = Absence(child_id=child.id, centre_id=child.centre_id, kind=kind, first_day=first_day, last_day=last_day,
                  late_until=late_until, note=note, reported_by=by, reported_at=now)
    session.add(row)
    session.flush()
    if kind in ("sick", "personal") and first_day <= now.date() <= last_day:
        settle_child(session, child.id, now.date(), by, kind, now)
    return row
