"""Safety alerts: raised once per (kind, child or van, day), acknowledged once, every step logged.

Detectors (the cutoff, the van checks) only raise rows here; `notify.alerting` sends them (and repeats
urgent ones) to the centre's teachers and head, and escalates what nobody acknowledged.
Kinds: "missing" (expected, not arrived at the cutoff), "van" (boarded, not checked in after the van
arrived: urgent), "van_empty" (no "รถว่างแล้ว" in time after the van arrived: urgent).
Resolutions: arrived | sick | personal | contacted | van_checked | absent (a guardian reported leave).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.insert import insert_once
from models import Alert, Centre, Child, Staff

KINDS = {"missing": "เด็กยังไม่มาถึง", "van": "เด็กขึ้นรถแต่ยังไม่เช็คชื่อ", "van_empty": "ยังไม่ยืนยันรถว่าง"}
RESOLUTIONS = {"arrived": "มาถึงแล้ว", "sick": "ลาป่วย", "personal": "ลากิจ", "absent": "ผู้ปกครองแจ้งลา",
               "contacted": "ติดต่อผู้ปกครองแล้ว", "van_checked": "ตรวจรถแล้ว"}


def _utc(now: datetime) -> datetime:
    return now.astimezone(timezone.utc)


def log_step(alert: Alert, now: datetime, step: str, **info) -> None:
    """Append one step (raised, sent, repeated, escalated, acknowledged, …) to the alert's log."""
    alert.steps = [*(alert.steps or []), {"at": _utc(now).isoformat(), "step": step, **info}]


def raise_alert(session: Session, centre: Centre, kind: str, day: date, now: datetime, *, child: Child | None = None,
                van_code: str = "", level: str = "alert", detail: str = "") -> Alert | None:
    """Create the alert unless it exists already (same kind, child or van, day); returns the new row or None.

    Safe under a second clock: the insert is ON CONFLICT DO NOTHING on (kind, child, day), or for alerts
    without a child (van_empty) on (kind, centre, van, day).
    """
    values = dict(kind=kind, level=level, centre_id=centre.id, child_id=child.id if child else None,
                  van_code=van_code, day=day, raised_at=_utc(now), detail=detail, sends=0, resolution="", steps=[])
    if child is None:
        stmt = insert_once(session, Alert, values, on=["kind", "centre_id", "van_code", "day"],
                           where=Alert.child_id.is_(None))
    else:
        stmt = insert_once(session, Alert, values, on=["kind", "child_id", "day"])
    stmt = stmt.returning(Alert.id)
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        return None
    alert = session.get(Alert, new_id)
    log_step(alert, now, "raised", level=level)
    return alert


def acknowledge(session: Session, alert: Alert, by: str, resolution: str, now: datetime) -> bool:
    """Mark the alert handled by `by` with `resolution`; False when somebody already had (nothing changes)."""
    row = session.get(Alert, alert.id, with_for_update=True, populate_existing=True)
    if row.acknowledged_at is not None:
        return False
    row.acknowledged_at, row.acknowledged_by, row.resolution = _utc(now), by, resolution
    log_step(row, now, "acknowledged", by=by, resolution=resolution)
    return True


def settle_child(session: Session, child_id: int, day: date, by: str, resolution: str, now: datetime) -> list[Alert]:
    """Acknowledge every open alert about this child on `day` (she arrived, or leave was reported)."""
    open_ = session.scalars(select(Alert).where(Alert.child_id == child_id, Alert.day == day,
                                                Alert.acknowledged_at.is_(None))).all()
    return [a for a in open_ if acknowledge(session, a, by, resolution, now)]


def open_alerts(session: Session, centre_id: int, day: date) -> list[Alert]:
    """The centre's alerts of `day` that nobody has acknowledged yet, oldest first."""
    return list(session.scalars(select(Alert).where(Alert.centre_id == centre_id, Alert.day == day,
                                                    Alert.acknowledged_at.is_(None)).order_by(Alert.raised_at,
                                                                                               Alert.id)))


def staff_recipients(session: Session, centre_id: int, roles=("teacher", "head")) -> list[str]:
    """LINE ids of the centre's active staff in `roles` (by default who receive alerts: teachers and head; none =
    the centre is not on LINE yet)."""
    return sorted(set(session.scalars(select(Staff.line_user_id).where(
        Staff.centre_id == centre_id, Staff.active, Staff.role.in_(roles), Staff.line_user_id.is_not(None)))))
