"""Who a LINE user is: their staff, official and guardian records, resolved once per event."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Guardian, Official, Staff

STAFF_ROLES = ("teacher", "head", "driver")


@dataclass(frozen=True)
class Actor:
    """The records behind one LINE user: active staff rows (one per centre), an active official row, a guardian."""

    line_user_id: str | None
    staff: tuple[Staff, ...] = ()
    official: Official | None = None
    guardian: Guardian | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def registered(self) -> bool:
        """Whether the user holds any role at all."""
        return bool(self.roles)


def resolve(session: Session, line_user_id: str | None) -> Actor:
    """Read every role record of a LINE user (three queries); an unknown or missing user is an empty Actor."""
    if not line_user_id:
        return Actor(None)
    staff = tuple(session.scalars(select(Staff).where(Staff.line_user_id == line_user_id, Staff.active)))
    official = session.scalar(select(Official).where(Official.line_user_id == line_user_id, Official.active))
    guardian = session.scalar(select(Guardian).where(Guardian.line_user_id == line_user_id))
    roles = {s.role for s in staff} | ({official.role} if official else set()) | ({"parent"} if guardian else set())
    return Actor(line_user_id, staff, official, guardian, frozenset(roles))
