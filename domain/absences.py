"""Absences and late notices: recorded for a child and a span of days; leave covering today settles alerts."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.alerts import settle_child
from domain.audit import audit
from models import Absence, Child

KIND_LABEL = {"sick": "ลาป่วย", "personal": "ลากิจ", "late": "มาสาย"}
KIND_SHORT = {"sick": "ป่วย", "personal": "กิจ", "late": "สาย"}


def record_absence(session: Session, child: Child, kind: str, first_day: date, last_day: date, *, by: str,
                   now: datetime, late_until: time | None = None, note: str = "") -> Absence:
    """Record leave ("sick" | "personal") or a late notice ("late", with `late_until`) for first_day..last_day.

    Leave that covers today acknowledges the child's open alerts of today (resolution = the leave kind). Audited.
    """
    row = Absence(child_id=child.id, centre_id=child.centre_id, kind=kind, first_day=first_day, last_day=last_day,
                  late_until=late_until, note=note, reported_by=by, reported_at=now)
    session.add(row)
    session.flush()
    audit(session, by, "absence.record", child.code, at=now, absence=row.id, kind=kind, first=first_day.isoformat(),
          last=last_day.isoformat())
    if kind in ("sick", "personal") and first_day <= now.date() <= last_day:
        settle_child(session, child.id, now.date(), by, kind, now)
    return row


def notices_on(session: Session, child_ids, day: date) -> dict[int, Absence]:
    """Each child's uncancelled absence or late notice covering `day`, by child id (leave wins over a late
    notice; else the latest reported)."""
    ids = list(child_ids)
    if not ids:
        return {}
    rows = session.scalars(select(Absence).where(
        Absence.child_id.in_(ids), Absence.first_day <= day, Absence.last_day >= day,
        Absence.cancelled_at.is_(None)).order_by(Absence.reported_at, Absence.id))
    out: dict[int, Absence] = {}
    for row in rows:
        if row.kind != "late" or out.get(row.child_id) is None or out[row.child_id].kind == "late":
            out[row.child_id] = row
    return out


def upcoming(session: Session, child_ids, today: date, limit: int = 12) -> list[Absence]:
    """Uncancelled absences and late notices of these children that have not ended yet, soonest first."""
    ids = list(child_ids)
    if not ids:
        return []
    return list(session.scalars(select(Absence).where(
        Absence.child_id.in_(ids), Absence.last_day >= today, Absence.cancelled_at.is_(None))
        .order_by(Absence.first_day, Absence.id).limit(limit)))


def cancel_absence(session: Session, absence: Absence, by: str, now: datetime) -> None:
    """Withdraw a reported absence (kept for the record with cancelled_at), audited."""
    absence.cancelled_at = now.astimezone(timezone.utc)
    audit(session, by, "absence.cancel", absence.child.code, at=now, absence=absence.id, kind=absence.kind)


def late_time(absence: Absence) -> str:
    """'10:00' for a late notice with a time, else ''."""
    return f"{absence.late_until:%H:%M}" if absence.late_until else ""
