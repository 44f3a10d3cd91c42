"""Arrivals and departures: who a scanned card is, recording a child once a day, who has not come yet."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.insert import insert_once
from domain.alerts import settle_child
from domain.qr import PREFIX, verify_qr
from domain.expected import arrived_clause, on_leave_clause
from models import Attendance, Centre, Child

AFTERNOON = time(12, 0)  # with check-out on, a card scanned after this of a child already in means "going home"

REFUSED = {"other_centre": "บัตรของศูนย์อื่น", "revoked": "บัตรถูกยกเลิกแล้ว (มีบัตรใหม่)",
           "forged": "บัตรไม่ถูกต้อง", "unknown": "ไม่พบเด็กในระบบ", "inactive": "เด็กไม่อยู่ในทะเบียนแล้ว",
           "foreign": "ไม่ใช่บัตร Smart Kids"}


@dataclass
class CardCheck:
    """What the cards in a photo are: children of this centre, and codes refused with the reason."""

    children: list[Child] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reason key, shown label)


def check_cards(session: Session, payloads: list[str], centre_id: int, secret: bytes) -> CardCheck:
    """Verify each decoded payload's signature, version and centre; never accept a forged or revoked card."""
    result = CardCheck()
    for payload in dict.fromkeys(p.strip() for p in payloads):
        verified = verify_qr(payload, secret)
        if verified is None:
            reason = "forged" if payload.startswith(PREFIX + ".") else "foreign"
            result.refused.append((reason, _short(payload)))
            continue
        code, version = verified
        child = session.scalar(select(Child).where(Child.code == code))
        if child is None:
            result.refused.append(("unknown", code))
        elif child.centre_id != centre_id:
            result.refused.append(("other_centre", code))
        elif version != child.qr_version:
            result.refused.append(("revoked", child.short_name))
        elif not child.active:
            result.refused.append(("inactive", child.short_name))
        elif child not in result.children:
            result.children.append(child)
    return result


def _short(payload: str) -> str:
    return payload if len(payload) <= 24 else payload[:21] + "…"


def attendance_of(session: Session, child_ids: list[int], day: date) -> dict[int, Attendance]:
    """Today's attendance rows of these children, by child id."""
    if not child_ids:
        return {}
    rows = session.scalars(select(Attendance).where(Attendance.child_id.in_(child_ids), Attendance.day == day))
    return {row.child_id: row for row in rows}


def is_late(centre: Centre, now: datetime) -> bool:
    """Whether an arrival at `now` (local time) is after the centre's cutoff."""
    return now.time() > centre.cutoff


def record_arrival(session: Session, child: Child, centre: Centre, by: str, via: str, now: datetime,
                   shared: bool) -> tuple[Attendance, bool]:
    """Check a child in once a day; returns (the day's row, whether this call created it)."""
    stmt = insert_once(session, Attendance, dict(
        child_id=child.id, centre_id=centre.id, day=now.date(), arrived_at=now.astimezone(timezone.utc),
        arrived_by=by, arrived_via=via, late=is_late(centre, now), health_items=[], health_note="",
        picked_up_by="", shared_at=now.astimezone(timezone.utc) if shared else None,
    ), on=["child_id", "day"]).returning(Attendance.id)
    new_id = session.execute(stmt).scalar()
    row = session.scalar(select(Attendance).where(Attendance.child_id == child.id, Attendance.day == now.date()))
    if new_id is not None:
        settle_child(session, child.id, now.date(), by, "arrived", now)
    return row, new_id is not None


def record_departure(row: Attendance, by: str, via: str, now: datetime, picked_up_by: str = "") -> bool:
    """Check a child out; False when they already left today."""
    if row.left_at is not None:
        return False
    row.left_at, row.left_by, row.left_via = now.astimezone(timezone.utc), by, via
    row.picked_up_by = picked_up_by
    return True


def centre_children(session: Session, centre_id: int) -> list[Child]:
    """Active children of a centre, in the order teachers read lists (nickname, then name)."""
    return list(session.scalars(select(Child).where(Child.centre_id == centre_id, Child.active).order_by(
        Child.nickname, Child.first_name, Child.id)))


def not_arrived(session: Session, centre_id: int, day: date) -> tuple[list[Child], list[Child]]:
    """(children not checked in yet and not on leave, children on leave) for the day (see domain.expected)."""
    base = select(Child).where(Child.centre_id == centre_id, Child.active, ~arrived_clause(day)).order_by(
        Child.nickname, Child.first_name, Child.id)
    return (list(session.scalars(base.where(~on_leave_clause(day)))),
            list(session.scalars(base.where(on_leave_clause(day)))))


_SPLIT = re.compile(r"[\s,、]+")


def match_names(session: Session, centre_id: int, words: str) -> tuple[list[Child], list[list[Child]], list[str]]:
    """Resolve typed names (nickname, first name, or first + last) to children of a centre:
    (matched, ambiguous candidate lists, unknown words)."""
    children = centre_children(session, centre_id)
    tokens = [t for t in _SPLIT.split(words.strip()) if t and t not in ("น้อง", "ด.ช.", "ด.ญ.")]
    tokens = [t.removeprefix("น้อง") or t for t in tokens]
    matched, ambiguous, unknown = [], [], []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        full = [c for c in children if nxt and c.first_name == word and c.last_name == nxt]
        if full:
            candidates, i = full, i + 2
        else:
            candidates = [c for c in children if c.nickname == word] or \
                         [c for c in children if c.first_name == word]
            i += 1
        if len(candidates) == 1:
            if candidates[0] not in matched:
                matched.append(candidates[0])
        elif candidates:
            ambiguous.append(candidates)
        else:
            unknown.append(word)
    return matched, ambiguous, unknown


def unshared_arrivals(session: Session, centre_id: int, day: date) -> list[Attendance]:
    """Arrivals parents have not been shown yet (recorded in 1:1), oldest first."""
    return list(session.scalars(select(Attendance).where(
        Attendance.centre_id == centre_id, Attendance.day == day, Attendance.shared_at.is_(None),
    ).order_by(Attendance.arrived_at)))

