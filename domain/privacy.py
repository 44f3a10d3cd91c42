"""Data subject rights (PDPA s.30, s.33): everything held on one child, for a guardian's access request, and
erasure that keeps only anonymous counts for officials' history.

Photos are kept per lunch or activity, never tagged with the children in them, so a child's erasure cannot
find "their" photos; photo consent (domain.consent) is what keeps a child out of shared photos, and photo files
follow MEDIA_RETENTION_DAYS.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import Absence, Alert, Attendance, AuditLog, Child, ChildGuardian, Consent, Measurement, VanBoarding

ERASED = "(ลบข้อมูลแล้ว)"


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _row(obj, *skip: str) -> dict:
    """A model row as a JSON-ready dict (its columns, minus `skip`)."""
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def find_child(session: Session, code: str) -> Child:
    """The child with this code, or LookupError."""
    child = session.scalar(select(Child).where(Child.code == code))
    if child is None:
        raise LookupError(f"ไม่พบเด็กรหัส '{code}' (child not found)")
    return child


def export_child(session: Session, code: str, now: datetime, by: str) -> dict:
    """Everything held on a child (records, guardians, consents, who viewed them); audited."""
    child = find_child(session, code)
    of_child = lambda model, order: list(session.scalars(  # noqa: E731
        select(model).where(model.child_id == child.id).order_by(order)))
    links = of_child(ChildGuardian, ChildGuardian.id)
    out = {
        "exported_at": now.isoformat(),
        "child": _row(child, "centre_id", "classroom_id"),
        "centre": {"code": child.centre.code, "name": child.centre.name},
        "classroom": child.classroom.name if child.classroom else "",
        "guardians": [{"name": link.guardian.name, "phone": link.guardian.phone, "relation": link.relation,
                       "line_linked": bool(link.guardian.line_user_id)} for link in links],
        "consents": [_row(c, "id", "child_id") for c in of_child(Consent, Consent.kind)],
        "attendance": [_row(a, "id", "child_id", "centre_id") for a in of_child(Attendance, Attendance.day)],
        "absences": [_row(a, "id", "child_id", "centre_id") for a in of_child(Absence, Absence.first_day)],
        "measurements": [_row(m, "id", "child_id") for m in of_child(Measurement, Measurement.measured_on)],
        "alerts": [_row(a, "id", "child_id", "centre_id") for a in of_child(Alert, Alert.day)],
        "van_boardings": [{**_row(b, "id", "trip_id", "child_id"), "van_code": b.trip.van_code, "day": _plain(b.trip.day)}
                          for b in of_child(VanBoarding, VanBoarding.boarded_at)],
        "photos": "รูปอาหารและกิจกรรมเก็บเป็นรายกิจกรรม ไม่ได้ระบุว่าเด็กคนใดอยู่ในรูป",
        "audit": [_row(e, "id") for e in session.scalars(
            select(AuditLog).where(AuditLog.subject == child.code).order_by(AuditLog.at))],
    }
    audit(session, by, "privacy.export", child.code, at=now)
    return out


def erase_child(session: Session, code: str, now: datetime, by: str) -> dict:
    """Erase a child's personal data; keep the anonymous rows officials count (attendance days, leave kinds,
    alerts) under the code, which no longer leads to a name. The old QR card stops working. Audited."""
    child = find_child(session, code)
    child.title, child.first_name, child.last_name, child.nickname = "", ERASED, "", ""
    child.birth_date = date(child.birth_date.year, 1, 1)  # the birth year alone keeps age-band counts
    child.address = child.chronic_conditions = child.allergies = child.van_code = ""
    child.home_lat = child.home_lng = None
    child.active, child.erased_at, child.qr_version = False, now, child.qr_version + 1
    links = list(session.scalars(select(ChildGuardian).where(ChildGuardian.child_id == child.id)))
    guardians = [link.guardian for link in links]
    for link in links:
        session.delete(link)
    session.flush()
    counts = {"guardian_links": len(links), "guardians": 0}
    for person in guardians:
        if session.scalar(select(ChildGuardian.id).where(ChildGuardian.guardian_id == person.id).limit(1)) is None:
            session.delete(person)  # nobody else's guardian: the name and phone go too
            counts["guardians"] += 1
    for model in (Consent, Measurement):
        counts[model.__tablename__] = session.execute(delete(model).where(model.child_id == child.id)).rowcount
    for row in session.scalars(select(Attendance).where(Attendance.child_id == child.id)):
        row.health_items, row.temperature, row.health_note, row.picked_up_by = [], None, "", ""
    for row in session.scalars(select(Absence).where(Absence.child_id == child.id)):
        row.note = ""
    for row in session.scalars(select(Alert).where(Alert.child_id == child.id)):
        row.detail = ""
    audit(session, by, "privacy.erase", child.code, at=now, **counts)
    return counts

