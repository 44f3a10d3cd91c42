"""A centre's records as tables for its own staff to download (XLSX): the children (withdrawn ones too, with their
latest growth bands and overdue vaccines) and the staff (position, training, COVID-19 doses). Names and phone
numbers are in them, so only the centre's teachers and head get the link; home pins are left out."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.measures import latest_statuses
from domain.reports import Table
from domain.thai import thai_date
from domain.vaccines import doses_of, overdue_codes
from models import Centre, Child, ChildGuardian, Staff

SHEETS = {"children": "ทะเบียนเด็ก", "staff": "ทะเบียนบุคลากร"}
SEX = {"M": "ชาย", "F": "หญิง"}
ROLE = {"teacher": "ครู", "head": "หัวหน้าศูนย์", "driver": "พนักงานขับรถ"}


def children_rows(session: Session, centre: Centre, today: date) -> list[list]:
    """One row per child of the centre, by code."""
    children = list(session.scalars(select(Child).where(Child.centre_id == centre.id).order_by(Child.code).options(
        selectinload(Child.guardian_links).selectinload(ChildGuardian.guardian))))
    growth = {c.id: (m, s) for c, m, s in latest_statuses(session, children)}
    doses = doses_of(session, [c.id for c in children])
    rows = []
    for c in children:
        m, s = growth.get(c.id, (None, None))
        link = min(c.guardian_links, key=lambda item: item.id, default=None)
        rows.append([c.code, f"{c.title}{c.first_name} {c.last_name}", c.nickname, SEX.get(c.sex, c.sex),
                     thai_date(c.birth_date), "กำลังเรียน" if c.active else
                     f"ย้ายออก {thai_date(c.withdrawn_on)}" if c.withdrawn_on else "ไม่อยู่ในทะเบียน",
                     m.weight_kg if m else "", m.height_cm if m else "", thai_date(m.measured_on) if m else "",
                     s.wfh if s else "", s.hfa if s else "", " ".join(overdue_codes(c.birth_date, doses[c.id], today)),
                     c.allergies, c.chronic_conditions, link.guardian.name if link else "",
                     link.guardian.phone if link else ""])
    return rows


def staff_rows(session: Session, centre: Centre) -> list[list]:
    """One row per staff member of the centre (closed accounts too)."""
    return [[s.name, ROLE.get(s.role, s.role), "ใช้งาน" if s.active else "ปิดสิทธิ์แล้ว", s.position, s.qualification,
             s.training_hours, ", ".join(thai_date(date.fromisoformat(d["on"])) for d in s.covid_doses or [])]
            for s in session.scalars(select(Staff).where(Staff.centre_id == centre.id).order_by(Staff.id))]


def records_table(session: Session, centre: Centre, kind: str, today: date) -> Table:
    """The table of one sheet kind ("children" or "staff")."""
    subtitle = f"{centre.name} ข้อมูล ณ {thai_date(today)}"
    if kind == "children":
        return Table(SHEETS[kind], subtitle,
                     ["รหัส", "ชื่อ-นามสกุล", "ชื่อเล่น", "เพศ", "วันเกิด", "สถานะ", "น้ำหนัก (กก.)", "ส่วนสูง (ซม.)",
                      "วันที่ชั่งวัด", "น้ำหนักตามส่วนสูง", "ส่วนสูงตามอายุ", "วัคซีนเลยกำหนด", "แพ้อาหาร/ยา",
                      "โรคประจำตัว", "ผู้ปกครอง", "โทรศัพท์"],
                     [12, 28, 10, 6, 14, 18, 10, 10, 14, 14, 16, 20, 16, 16, 22, 14],
                     children_rows(session, centre, today))
    return Table(SHEETS[kind], subtitle,
                 ["ชื่อ", "บทบาท", "สถานะ", "ตำแหน่ง", "วุฒิการศึกษา", "ชั่วโมงอบรม", "วัคซีนโควิด-19"],
                 [24, 14, 14, 22, 24, 12, 36], staff_rows(session, centre))
