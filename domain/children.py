"""A child's life at a centre, kept from the chat: enrol, edit a field, withdraw, re-admit; finding a child by name.

Every change is audited (who, when, what). A withdrawn child keeps her records: `active` is False and
`withdrawn_on` says since when, so she is not expected, not alerted, not counted and her card is refused.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from domain.roster import parse_phone
from models import Centre, Child, ChildGuardian, Guardian

EDITABLE = {"ชื่อ": "first_name", "นามสกุล": "last_name", "ชื่อเล่น": "nickname", "เพศ": "sex",
            "วันเกิด": "birth_date", "ที่อยู่": "address", "แพ้อาหาร": "allergies", "โรคประจำตัว": "chronic_conditions"}
SEX_WORDS = {"ชาย": "M", "ช": "M", "เด็กชาย": "M", "ด.ช.": "M", "หญิง": "F", "ญ": "F", "เด็กหญิง": "F", "ด.ญ.": "F"}
TITLE = {"M": "ด.ช.", "F": "ด.ญ."}
NONE_WORDS = ("ไม่มี", "-", "ไม่", "ไม่มีค่ะ", "ไม่มีครับ")


@dataclass
class Found:
    """What a typed name means among a centre's children: one child, several (ask which), or none (suggest)."""

    children: list[Child]
    suggestions: list[Child]

    @property
    def one(self) -> Child | None:
        return self.children[0] if len(self.children) == 1 else None


def find_child(session: Session, centre_id: int, typed: str, withdrawn: bool = False) -> Found:
    """Children of a centre called `typed` (nickname, first name, or "first last"); when none, the closest names.
    `withdrawn` looks among children who left instead of the active ones."""
    name = " ".join(typed.split()).removeprefix("น้อง").strip()
    pool = list(session.scalars(select(Child).where(Child.centre_id == centre_id, Child.active.is_(not withdrawn))
                                .order_by(Child.nickname, Child.first_name, Child.id)))
    exact = ([c for c in pool if c.nickname == name] or [c for c in pool if c.first_name == name]
             or [c for c in pool if f"{c.first_name} {c.last_name}" == name])
    if exact:
        return Found(exact, [])
    names = {n: c for c in pool for n in (c.nickname, c.first_name) if n}
    close = difflib.get_close_matches(name, list(names), n=5, cutoff=0.4)
    return Found([], list(dict.fromkeys(names[n] for n in close)))


def new_child_code(session: Session, centre: Centre) -> str:
    """The next free child code of a centre for a child enrolled in chat: <centre code>N<n> (letters and digits
    only, as QR payloads require)."""
    taken = set(session.scalars(select(Child.code).where(Child.code.like(f"{centre.code}N%"))))
    n = len(taken) + 1
    while f"{centre.code}N{n:03d}" in taken:
        n += 1
    return f"{centre.code}N{n:03d}"


def parse_sex(typed: str) -> str | None:
    """M or F from what a teacher types or taps (ชาย/หญิง, ด.ช./ด.ญ.)."""
    return SEX_WORDS.get(typed.strip())


def none_or(typed: str) -> str:
    """'' for "ไม่มี" and the like, else the text as typed."""
    typed = typed.strip()
    return "" if typed in NONE_WORDS else typed


def parse_guardian(typed: str) -> tuple[str, str] | str:
    """(name, phone) from "สมศรี ใจดี 081-234-5678"; a Thai reason (str) when the phone is missing or wrong."""
    found = re.search(r"(\+?[\d\-\s]{9,})$", typed.strip())
    if not found:
        return "กรุณาพิมพ์ชื่อและเบอร์โทรของผู้ปกครอง เช่น \"สมศรี ใจดี 0812345678\" ค่ะ"
    phone, name = parse_phone(found[1]), typed[:found.start()].strip()
    if phone is None or not name:
        return "เบอร์โทรต้องเป็นตัวเลข 9–10 หลัก ตามหลังชื่อ เช่น \"สมศรี ใจดี 0812345678\" ค่ะ"
    return name, phone


def enrol(session: Session, centre: Centre, values: dict, guardian: tuple[str, str] | None, relation: str,
          by: str, now: datetime) -> Child:
    """Create a child at a centre (the first classroom, if any) with a guardian found or created by name+phone."""
    room = min(centre.classrooms, key=lambda r: r.id, default=None)
    child = Child(code=new_child_code(session, centre), centre_id=centre.id, classroom_id=room.id if room else None,
                  title=TITLE[values["sex"]], **values)
    session.add(child)
    if guardian:
        person = session.scalar(select(Guardian).where(Guardian.name == guardian[0], Guardian.phone == guardian[1]))
        person = person or Guardian(name=guardian[0], phone=guardian[1])
        child.guardian_links.append(ChildGuardian(guardian=person, relation=relation))
    session.flush()
    audit(session, by, "child.enrol", child.code, at=now)
    return child


def edit(session: Session, child: Child, field: str, value, by: str, now: datetime) -> None:
    """Change one field of a child's record (audited with the old value)."""
    old = getattr(child, field)
    setattr(child, field, value)
    if field == "sex":
        child.title = TITLE[value]
    audit(session, by, "child.edit", child.code, at=now, field=field, old=str(old), new=str(value))


def withdraw(session: Session, child: Child, on: date, reason: str, by: str, now: datetime) -> None:
    """The child left the centre on `on`: kept for history, no longer expected, alerted, counted or checked in."""
    child.active, child.withdrawn_on, child.withdrawn_reason = False, on, reason
    audit(session, by, "child.withdraw", child.code, at=now, on=on.isoformat(), reason=reason)


def readmit(session: Session, child: Child, by: str, now: datetime) -> None:
    """The child came back: active again from today."""
    audit(session, by, "child.readmit", child.code, at=now,
          was_withdrawn_on=child.withdrawn_on.isoformat() if child.withdrawn_on else "")
    child.active, child.withdrawn_on, child.withdrawn_reason = True, None, ""
