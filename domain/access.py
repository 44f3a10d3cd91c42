"""Revoking someone's access: staff and official roles end, guardian links are cut, and the log says who did it.

Reusable by the operator's CLI (`access revoke --line-user ID`) and by the heads' chat moves (deactivating a
teacher). The caller unlinks the LINE rich menu after commit (a database change and a LINE call are not atomic).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import ChildGuardian, Conversation, Guardian, LineUser, Official, Staff


@dataclass
class Revocation:
    """What one revocation ended."""

    line_user_id: str
    staff: list[str] = field(default_factory=list)  # "teacher@K0001"
    officials: list[str] = field(default_factory=list)  # "lao@L001"
    children: list[str] = field(default_factory=list)  # child codes no longer linked to this LINE account

    def lines(self) -> list[str]:
        """A short report for the operator."""
        ended = self.staff + self.officials + [f"guardian of {code}" for code in self.children]
        return [f"revoked {self.line_user_id}: " + (", ".join(ended) if ended else "no active role")]


def revoke_access(session: Session, line_user_id: str, now: datetime, by: str, reason: str = "") -> Revocation:
    """End every staff and official role of a LINE user, unlink them from children (the guardian record and its
    phone stay for the centre), clear their role and menu, drop any half-done flow, and audit it."""
    done = Revocation(line_user_id)
    for row in session.scalars(select(Staff).where(Staff.line_user_id == line_user_id, Staff.active)):
        row.active = False
        done.staff.append(f"{row.role}@{row.centre.code}")
    for row in session.scalars(select(Official).where(Official.line_user_id == line_user_id, Official.active)):
        row.active = False
        done.officials.append(f"{row.role}@{row.scope_code}")
    for person in session.scalars(select(Guardian).where(Guardian.line_user_id == line_user_id)):
        done.children += [link.child.code for link in session.scalars(
            select(ChildGuardian).where(ChildGuardian.guardian_id == person.id))]
        person.line_user_id = None
    user = session.scalar(select(LineUser).where(LineUser.line_user_id == line_user_id))
    if user is not None:
        user.role = user.scope_code = user.rich_menu = user.rich_menu_id = None
        user.revoked_at = now
    for conv in session.scalars(select(Conversation).where(Conversation.user_id == line_user_id)):
        conv.flow = conv.state = conv.expires_at = None
        conv.draft = {}
    audit(session, by, "access.revoke", line_user_id, at=now, staff=done.staff, officials=done.officials,
          children=done.children, reason=reason)
    return done


def is_revoked(user: LineUser | None) -> bool:
    """Whether this LINE user's access was revoked (and not given back by a new invite)."""
    return bool(user is not None and user.revoked_at is not None and not user.role)
