"""A child's home pin (a map location): kept only with the guardian's "home" consent on record (domain.consent;
refusing it later erases the pin there), seen only by the centre's staff, every setting and viewing audited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from domain.audit import audit
from domain.consent import set_consent
from models import Child


def set_home_pin(session: Session, child: Child, lat: float, lng: float, by: str, now: datetime,
                 consent_by: str) -> None:
    """Save the pin after the consent question was answered yes (`consent_by`: who consented, a guardian or the
    teacher on the guardian's word); the consent is recorded with it."""
    set_consent(session, child, "home", True, consent_by, now)
    child.home_lat, child.home_lng = lat, lng
    audit(session, by, "child.home_pin.set", child.code, at=now, consent_by=consent_by)


def viewed_home_pin(session: Session, child: Child, by: str, now: datetime) -> None:
    """Record that a staff member looked at a child's home pin."""
    audit(session, by, "view.child.home", child.code, at=now)
