"""The audit log: who did or viewed what (PDPA)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models import AuditLog


def audit(session: Session, actor: str, action: str, subject: str = "", at: datetime | None = None,
          **detail) -> None:
    """Append one audit entry."""
    entry = AuditLog(actor=actor or "-", action=action, subject=subject, detail=detail)
    if at is not None:
        entry.at = at
    session.add(entry)
