"""Reminders to teachers who have not recorded check-in, lunch or an activity by the centre's times."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages import say, text
from domain.alerts import staff_recipients
from domain.thai import thai_date
from models import Activity, Attendance, Centre, Child, Lunch

CATCH_UP = timedelta(minutes=90)  # a clock that was down longer than this skips the reminder (it would be stale)
KINDS = {  # kind → (the centre's time setting, what proves it was recorded, what the teacher is told, next move)
    "checkin": ("remind_checkin", Attendance, "ยังไม่ได้เช็คชื่อเด็ก", "เช็คชื่อ"),
    "lunch": ("remind_lunch", Lunch, "ยังไม่ได้บันทึกอาหารกลางวัน", "อาหารกลางวัน"),
    "activity": ("remind_activity", Activity, "ยังไม่ได้บันทึกกิจกรรม", "กิจกรรม"),
}


def due(session: Session, centre: Centre, now: datetime) -> list[str]:
    """The reminder kinds whose time has come (within the catch-up window) and whose record is still missing."""
    if not session.scalar(select(exists().where(Child.centre_id == centre.id, Child.active))):
        return []
    found = []
    for kind, (setting, model, _, _) in KINDS.items():
        at = datetime.combine(now.date(), getattr(centre, setting), now.tzinfo)
        if not at <= now < at + CATCH_UP:
            continue
        recorded = session.scalar(select(exists().where(model.centre_id == centre.id, model.day == now.date())))
        if not recorded:
            found.append(kind)
    return found


def recipients(session: Session, centre_id: int) -> list[str]:
    """The centre's teachers on LINE (the head when the centre has no teacher on LINE)."""
    return staff_recipients(session, centre_id, ("teacher",)) or staff_recipients(session, centre_id)


def remind(session: Session, centre: Centre, kind: str, now: datetime, to: list[str]) -> int:
    """Push one reminder of `kind` to each of `to`; returns how many were queued."""
    _, _, missing, move = KINDS[kind]
    body = (f"⏰ เตือนความจำค่ะ: วันนี้ ({thai_date(now.date())}) {centre.name} {missing}\n"
            "แตะปุ่มด้านล่างเพื่อบันทึกได้เลย")
    for uid in to:
        outbox.queue_push(session, uid, [text(body, [say(move)])],
                          key=f"remind:{centre.code}:{now.date()}:{kind}:{uid}", now=now)
    return len(to)
