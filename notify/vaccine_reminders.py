"""Guardians reminded in 1:1 a few days before their child's next vaccine dose is due (once per child and dose)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages import say, text
from domain.thai import thai_date
from domain.vaccines import DOSES, doses_of, next_doses
from models import Child, ChildGuardian, Guardian

AHEAD = timedelta(days=7)


def due_soon(session: Session, today) -> list[tuple[Child, str, list[str]]]:
    """(child, dose code, guardians' LINE ids) for every active child with a linked guardian whose next dose of a
    series falls due within AHEAD."""
    rows = session.execute(select(Child, Guardian.line_user_id).join(ChildGuardian, ChildGuardian.child_id == Child.id)
                           .join(Guardian, Guardian.id == ChildGuardian.guardian_id)
                           .where(Child.active, Guardian.line_user_id.is_not(None))).all()
    guardians: dict[int, list[str]] = {}
    children: dict[int, Child] = {}
    for child, uid in rows:
        children[child.id] = child
        guardians.setdefault(child.id, []).append(uid)
    doses = doses_of(session, list(children))
    out = []
    for cid, child in children.items():
        for due in next_doses(child.birth_date, doses[cid], today):
            if today <= due.due_on <= today + AHEAD:
                out.append((child, due.dose.code, sorted(set(guardians[cid]))))
    return out


def remind(session: Session, child: Child, code: str, to: list[str], now: datetime) -> None:
    """Push the reminder of one dose to the child's guardians."""
    due = next(d for d in next_doses(child.birth_date, doses_of(session, [child.id])[child.id], now.date())
               if d.dose.code == code)
    body = (f"💉 เตือนวัคซีนของน้อง{child.short_name}: {DOSES[code].name} ({code}) "
            f"ถึงกำหนดวันที่ {thai_date(due.due_on)} ค่ะ กรุณาพาไปรับที่สถานพยาบาลใกล้บ้าน "
            "และนำสมุดวัคซีน (สมุดสีชมพู) ไปด้วย แล้วแจ้งครูเมื่อได้รับแล้วนะคะ")
    for uid in to:
        outbox.queue_push(session, uid, [text(body, [say("วัคซีน")])], key=f"vaccine:{child.code}:{code}:{uid}",
                          now=now)
