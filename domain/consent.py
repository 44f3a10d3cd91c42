"""Guardians' consent, opt-in (PDPA s.19-20: a child under 10 needs a parent's consent; s.26: health is sensitive).

Three purposes, asked separately when a guardian links to a child and changed any time ("ความยินยอม"). No row, or
a refused one, means no consent. What each purpose allows, and what happens without it:

- photo: photos in which the child may appear are shown to parents (group, roll-up, 1:1 answers). Without it the
  teacher must confirm, before a lunch or activity photo is shared, that none of the children without consent is
  in the frame; otherwise the photos are not shared (they are deleted).
- health: officials see the child's conditions, allergies and health notes by name. Without it they see a count
  only. The centre still records the daily check and always tells the guardians when a child is sent home: that
  is the child's vital interest (s.26(1)), and guardians always see their own child's health.
- home: the centre may keep the child's home pin (van route, emergencies; staff of the centre only). Refusing or
  withdrawing erases a stored pin at once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import Child, Consent

KINDS = ("photo", "health", "home")


def decisions(session: Session, child_id: int) -> dict[str, bool | None]:
    """The child's decision per purpose: True, False, or None (never answered = no consent)."""
    found = {c.kind: c.granted for c in session.scalars(select(Consent).where(Consent.child_id == child_id))}
    return {kind: found.get(kind) for kind in KINDS}


def has_consent(session: Session, child_id: int, kind: str) -> bool:
    """Whether a guardian granted this purpose for the child."""
    return bool(session.scalar(select(Consent.granted).where(Consent.child_id == child_id, Consent.kind == kind)))


def without_consent(session: Session, centre_id: int, kind: str) -> list[Child]:
    """Active children of a centre whose guardians have not granted this purpose."""
    granted = select(Consent.child_id).where(Consent.kind == kind, Consent.granted.is_(True))
    return list(session.scalars(select(Child).where(Child.centre_id == centre_id, Child.active,
                                                    Child.id.not_in(granted)).order_by(Child.nickname, Child.code)))


def set_consent(session: Session, child: Child, kind: str, granted: bool, by: str, now: datetime) -> None:
    """Record a guardian's decision (audited); refusing the home pin erases a stored one."""
    if kind not in KINDS:
        raise ValueError(f"unknown consent kind {kind!r}")
    row = session.scalar(select(Consent).where(Consent.child_id == child.id, Consent.kind == kind))
    if row is None:
        row = Consent(child_id=child.id, kind=kind, granted=granted, set_by=by, set_at=now)
        session.add(row)
    row.granted, row.set_by, row.set_at = granted, by, now
    if kind == "home" and not granted:
        child.home_lat = child.home_lng = None
    audit(session, by, f"consent.{kind}", child.code, at=now, granted=granted)
