"""Parents' voice: satisfaction survey rounds (5-point questions and one comment) and complaints with a number.

A round covers a unit (a centre, an LAO, a district or the province); it goes to every guardian linked in
LINE to an active child there. One answer per guardian per round (unique in the database). Response rate,
as the seed's province counted it: answers ÷ active children.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.thai import thai_date
from models import (Centre, Child, ChildGuardian, Complaint, District, Guardian, Lao, Province, SurveyAnswer,
                    SurveyRound)

QUESTIONS = (("arrival", "การแจ้งว่าลูกมาถึงศูนย์"), ("lunch", "ข้อมูลและรูปอาหารกลางวัน"),
             ("activity", "กิจกรรมและพัฒนาการของลูก"), ("overall", "ความพึงพอใจต่อศูนย์โดยรวม"))
SCALE = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}
ROUND_DAYS = 14
STATUS = {"new": "ส่งเรื่องแล้ว รอรับเรื่อง", "seen": "รับเรื่องแล้ว กำลังดำเนินการ", "done": "ดำเนินการเสร็จแล้ว"}


def centre_codes(session: Session, centre_ids) -> dict[int, dict[str, str]]:
    """Per centre id: its own, LAO, district and province codes."""
    rows = session.execute(select(Centre.id, Centre.code, Lao.code, District.code, Province.code)
                           .join(Lao, Centre.lao_id == Lao.id).join(District, Lao.district_id == District.id)
                           .join(Province, District.province_id == Province.id).where(Centre.id.in_(list(centre_ids))))
    return {cid: {"centre": c, "lao": lao, "district": d, "province": p} for cid, c, lao, d, p in rows}


def rounds_covering(session: Session, centre_ids, since: date, until: date) -> dict[int, int]:
    """Per centre id: the latest round opened from `since` to `until` whose unit holds the centre."""
    codes = centre_codes(session, centre_ids)
    rounds = session.execute(select(SurveyRound.id, SurveyRound.level, SurveyRound.scope_code, SurveyRound.opened_at)
                             .order_by(SurveyRound.opened_at)).all()
    found = {}
    for rid, level, code, opened in rounds:
        if not since <= opened.date() <= until:
            continue
        for cid, mine in codes.items():
            if mine.get(level) == code:
                found[cid] = rid
    return found


@dataclass
class Recipient:
    """A guardian to ask, and the centre their answer counts for."""

    guardian_id: int
    line_user_id: str
    centre_id: int


def recipients(session: Session, centre_ids) -> list[Recipient]:
    """Guardians linked in LINE to active children of the centres (one per guardian: their first child's centre)."""
    rows = session.execute(select(Guardian.id, Guardian.line_user_id, Child.centre_id)
                           .join(ChildGuardian, ChildGuardian.guardian_id == Guardian.id)
                           .join(Child, Child.id == ChildGuardian.child_id)
                           .where(Child.centre_id.in_(list(centre_ids)), Child.active, Guardian.line_user_id.is_not(None))
                           .order_by(Guardian.id, Child.id))
    seen: dict[int, Recipient] = {}
    for gid, uid, cid in rows:
        seen.setdefault(gid, Recipient(gid, uid, cid))
    return list(seen.values())


def open_round(session: Session, level: str, code: str, by: str, now: datetime, today: date) -> SurveyRound:
    """Open a round for a unit, closing in ROUND_DAYS."""
    found = SurveyRound(level=level, scope_code=code, opened_by=by, opened_at=now,
                        closes_on=today + timedelta(days=ROUND_DAYS))
    session.add(found)
    session.flush()
    return found


def open_round_for(session: Session, guardian_id: int, centre_id: int, today: date) -> SurveyRound | None:
    """The open round covering the guardian's centre that they have not answered yet (None if there is none)."""
    covering = rounds_covering(session, [centre_id], today - timedelta(days=ROUND_DAYS + 1), today)
    found = session.get(SurveyRound, covering[centre_id]) if centre_id in covering else None
    if found is None or found.closes_on < today or answered(session, found.id, guardian_id):
        return None
    return found


def answered(session: Session, round_id: int, guardian_id: int) -> bool:
    """Whether the guardian already answered the round."""
    return session.scalar(select(func.count()).select_from(SurveyAnswer).where(
        SurveyAnswer.round_id == round_id, SurveyAnswer.guardian_id == guardian_id)) > 0


@dataclass
class Results:
    """A unit's answers to a round: count, response rate, mean per question, comments."""

    answers: int = 0
    children: int = 0
    means: dict = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(100 * self.answers / self.children, 1) if self.children else None


def results(session: Session, round_id: int, centre_ids) -> Results:
    """Answers of one round from the given centres."""
    ids = list(centre_ids)
    out = Results(children=session.scalar(select(func.count()).select_from(Child).where(
        Child.centre_id.in_(ids), Child.active)) or 0)
    totals: dict[str, list[int]] = {k: [] for k, _ in QUESTIONS}
    for scores, comment in session.execute(select(SurveyAnswer.scores, SurveyAnswer.comment).where(
            SurveyAnswer.round_id == round_id, SurveyAnswer.centre_id.in_(ids))):
        out.answers += 1
        for key, value in scores.items():
            totals.setdefault(key, []).append(int(value))
        if comment:
            out.comments.append(comment)
    out.means = {k: round(sum(v) / len(v), 2) for k, v in totals.items() if v}
    return out


def latest_round(session: Session, level: str, code: str, centre_ids) -> SurveyRound | None:
    """The latest round that covers any of the unit's centres (its own or one above it)."""
    covering = rounds_covering(session, centre_ids, date(2000, 1, 1), date(2999, 1, 1))
    ids = set(covering.values())
    return session.get(SurveyRound, max(ids)) if ids else None


def file_complaint(session: Session, guardian_id: int, centre_id: int, to_level: str, body: str,
                   now: datetime) -> Complaint:
    """Store a complaint and give it the next number of the month: R + พ.ศ. year (2 digits) + month + sequence."""
    prefix = f"R{(now.year + 543) % 100:02d}{now.month:02d}-"
    taken = session.scalar(select(func.count()).select_from(Complaint).where(Complaint.number.like(prefix + "%")))
    found = Complaint(number=f"{prefix}{taken + 1:04d}", guardian_id=guardian_id, centre_id=centre_id,
                      to_level=to_level, body=body, created_at=now, updated_at=now)
    session.add(found)
    session.flush()
    return found


def complaint_line(c: Complaint) -> str:
    """'R6911-0001 (25 พ.ย. 2569): รับเรื่องแล้ว กำลังดำเนินการ'."""
    return f"{c.number} ({thai_date(c.created_at.date())}): {STATUS[c.status]}"
