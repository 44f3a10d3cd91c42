"""The cutoff detector: at a centre's cutoff, every expected child who has not arrived is an alert.

- expected / missing: `domain.expected.missing_children` (open day, active, not arrived, not on leave);
- a child who boarded the van this morning and is not checked in: an urgent "van" alert at once;
- a child with a late notice: waited for until the time the guardian gave (no time given: until noon);
- a child with any alert today already is not alerted again;
- a centre whose teachers and head are not on LINE yet (not using the system) raises nothing: it records no
  check-ins, so every child would look missing every day.
"""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.alerts import raise_alert, staff_recipients
from domain.expected import missing_children
from domain.thai import hhmm
from models import Absence, Alert, Centre, VanBoarding, VanTrip

LATE_DEFAULT = time(12, 0)  # a late notice without a time


def late_notices(session: Session, centre_id: int, day) -> dict[int, time]:
    """Children with a late notice covering `day`: child id → the latest time they are expected."""
    rows = session.execute(select(Absence.child_id, Absence.late_until).where(
        Absence.centre_id == centre_id, Absence.kind == "late", Absence.cancelled_at.is_(None),
        Absence.first_day <= day, Absence.last_day >= day))
    found: dict[int, time] = {}
    for child_id, until in rows:
        until = until or LATE_DEFAULT
        found[child_id] = max(found.get(child_id, until), until)
    return found


def boarded_this_morning(session: Session, centre_id: int, day) -> dict[int, tuple[str, datetime]]:
    """Children who boarded one of the centre's vans this morning: child id → (van code, when)."""
    rows = session.execute(select(VanBoarding.child_id, VanTrip.van_code, VanBoarding.boarded_at).join(
        VanTrip, VanTrip.id == VanBoarding.trip_id).where(
        VanTrip.centre_id == centre_id, VanTrip.day == day, VanTrip.leg == "morning"))
    return {child_id: (van, at) for child_id, van, at in rows}


def cutoff_alerts(session: Session, centre: Centre, now: datetime) -> list[Alert]:
    """After the cutoff: raise an alert for every missing child (urgent if they boarded the van); idempotent."""
    if now.time() < centre.cutoff or not staff_recipients(session, centre.id):
        return []
    day = now.date()
    missing = missing_children(session, centre.id, day)
    if not missing:
        return []
    alerted = set(session.scalars(select(Alert.child_id).where(Alert.centre_id == centre.id, Alert.day == day,
                                                               Alert.child_id.is_not(None))))
    late = late_notices(session, centre.id, day)
    boarded = boarded_this_morning(session, centre.id, day)
    raised = []
    for child in missing:
        if child.id in alerted:
            continue
        if child.id in boarded:
            van, at = boarded[child.id]
            detail = (f"ขึ้นรถ {van} เวลา {hhmm(at.astimezone(now.tzinfo))} น. "
                      f"แต่ยังไม่ได้เช็คชื่อที่ศูนย์ (ตัดยอด {centre.cutoff:%H:%M} น.)")
            alert = raise_alert(session, centre, "van", day, now, child=child, van_code=van, level="urgent",
                                detail=detail)
        elif child.id in late:
            if now.time() < late[child.id]:
                continue
            alert = raise_alert(session, centre, "missing", day, now, child=child,
                                detail=f"ผู้ปกครองแจ้งว่าจะมาสายถึง {late[child.id]:%H:%M} น. แต่ยังไม่มาถึง")
        else:
            alert = raise_alert(session, centre, "missing", day, now, child=child,
                                detail=f"ยังไม่มาถึงและไม่ได้แจ้งลา (ตัดยอด {centre.cutoff:%H:%M} น.)")
        if alert is not None:
            raised.append(alert)
    return raised

