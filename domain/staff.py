"""A centre's staff: closing a person's access, their own record (position, qualification, training hours,
COVID-19 doses), and the operator's export."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import Centre, LineUser, Official, Staff

FIELDS = {"position": "ตำแหน่ง", "qualification": "วุฒิการศึกษา", "training_hours": "ชั่วโมงอบรม",
          "covid_doses": "วัคซีนโควิด-19"}
EXPORT_COLUMNS = ("name", "role", "active", "position", "qualification", "training_hours", "covid_doses")


def deactivate(session: Session, staff: Staff, by: str, now: datetime) -> None:
    """Close one staff member's access: the row stays (history) but is inactive; when it was the person's only
    role, their LINE user loses the role and its rich menu (unlinked after commit by bot.menu_links)."""
    staff.active, staff.deactivated_at, staff.deactivated_by = False, now, by
    user = session.scalar(select(LineUser).where(LineUser.line_user_id == staff.line_user_id)) \
        if staff.line_user_id else None
    still = user and (session.scalar(select(Staff.id).where(Staff.line_user_id == user.line_user_id, Staff.active))
                      or session.scalar(select(Official.id).where(Official.line_user_id == user.line_user_id,
                                                                  Official.active)))
    if user and not still:
        user.role = user.scope_code = user.rich_menu = None
    audit(session, by, "staff.deactivate", staff.line_user_id or staff.name, at=now, staff=staff.id,
          centre=staff.centre_id, role=staff.role)


def is_deactivated(session: Session, line_user_id: str) -> bool:
    """Whether this LINE user's staff access was closed and they hold no other role."""
    closed = session.scalar(select(Staff.id).where(Staff.line_user_id == line_user_id,
                                                   Staff.deactivated_at.is_not(None)).limit(1))
    if closed is None:
        return False
    return session.scalar(select(LineUser.role).where(LineUser.line_user_id == line_user_id)) is None


def add_covid_dose(session: Session, staff: Staff, on: date, by: str, now: datetime) -> int:
    """Record the next COVID-19 dose on a day; returns its number."""
    doses = sorted(staff.covid_doses or [], key=lambda d: d["on"])
    doses.append({"n": len(doses) + 1, "on": on.isoformat()})
    staff.covid_doses = doses
    audit(session, by, "staff.record", str(staff.id), at=now, field="covid_doses", dose=len(doses))
    return len(doses)


def set_field(session: Session, staff: Staff, field: str, value, by: str, now: datetime) -> None:
    """Change a text or number field of a staff member's own record (audited)."""
    setattr(staff, field, value)
    audit(session, by, "staff.record", str(staff.id), at=now, field=field, value=str(value))


def export_staff(session: Session, centre_code: str, fmt: str) -> str:
    """The centre's staff (closed access too, `active` false) as JSON or CSV: name, role, active, position,
    qualification, training hours, COVID-19 doses (JSON: a list of {n, on}; CSV: how many)."""
    if fmt not in ("json", "csv"):
        raise ValueError(f"รูปแบบ '{fmt}' ไม่รองรับ ใช้ json หรือ csv")
    centre = session.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        raise LookupError(f"ไม่พบศูนย์รหัส '{centre_code}' (centre_code not found)")
    rows = [{"name": s.name, "role": s.role, "active": s.active, "position": s.position,
             "qualification": s.qualification, "training_hours": s.training_hours, "covid_doses": s.covid_doses or []}
            for s in session.scalars(select(Staff).where(Staff.centre_id == centre.id).order_by(Staff.id))]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "active": "yes" if r["active"] else "no", "covid_doses": len(r["covid_doses"])}
                     for r in rows)
    return out.getvalue()
