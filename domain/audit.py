"""The audit log: who did or viewed what (PDPA)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import AuditLog, Centre, Child, LineGroup, Staff


def audit(session: Session, actor: str, action: str, subject: str = "", at: datetime | None = None,
          **detail) -> None:
    """Append one audit entry."""
    entry = AuditLog(actor=actor or "-", action=action, subject=subject, detail=detail)
    if at is not None:
        entry.at = at
    session.add(entry)


def audit_entries(session: Session, centre_code: str | None = None, since: datetime | None = None) -> list[AuditLog]:
    """Audit entries, oldest first, since a moment; with a centre: those by its staff or about it, its children or its
    parent groups."""
    query = select(AuditLog).order_by(AuditLog.at, AuditLog.id)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if centre_code is None:
        return list(session.scalars(query))
    centre = session.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        raise LookupError(f"ไม่พบศูนย์รหัส '{centre_code}' (centre not found)")
    people = set(session.scalars(select(Staff.line_user_id).where(Staff.centre_id == centre.id))) - {None}
    about = {centre.code} | set(session.scalars(select(Child.code).where(Child.centre_id == centre.id)))
    about |= set(session.scalars(select(LineGroup.group_id).where(LineGroup.centre_id == centre.id)))
    return list(session.scalars(query.where(or_(AuditLog.actor.in_(people), AuditLog.subject.in_(about),
                                                AuditLog.subject.contains(centre.code)))))
