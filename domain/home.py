"""A child's home pin (a map location): kept only with a consent on record, seen only by the centre's staff, and
every setting and viewing audited. The consent is a Consent row of kind HOME_PIN for the child."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import Child, Consent

HOME_PIN = "home_pin"


def set_home_pin(session: Session, child: Child, lat: float, lng: float, by: str, now: datetime,
                 consent_by: str) -> None:
    """Save the pin after the consent question was answered yes (`consent_by`: who consented, a guardian or the
    teacher on the guardian's word); the consent is recorded with it."""
    row = session.scalar(select(Consent).where(Consent.child_id == child.id, Consent.kind == HOME_PIN))
    if row is None:
        row = Consent(child_id=child.id, kind=HOME_PIN)
        session.add(row)
    row.granted, row.set_by, row.set_at = True, consent_by, now
    child.home_lat, child.home_lng = lat, lng
    audit(session, by, "child.home_pin.set", child.code, at=now, consent_by=consent_by)


def viewed_home_pin(session: Session, child: Child, by: str, now: datetime) -> None:
    """Record that a staff member looked at a child's home pin."""
    audit(session, by, "view.child.home", child.code, at=now)
