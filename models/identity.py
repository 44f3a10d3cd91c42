"""LINE identities: users and groups, and the invite codes that bind them to roles and scopes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, utcnow
from models.org import Centre

ROLES = ("teacher", "head", "driver", "parent", "lao", "district", "province")


class LineUser(Base):
    """A LINE user who has talked to the bot; role and scope once registered."""

    __tablename__ = "line_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str | None] = mapped_column(String(16))
    scope_code: Mapped[str | None] = mapped_column(String(32))
    followed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    unfollowed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rich_menu: Mapped[str | None] = mapped_column(String(64))  # name of the rich menu this user should have
    rich_menu_id: Mapped[str | None] = mapped_column(String(64), index=True)  # LINE id linked; None: a link is owed
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # access revoked by the operator (domain.access)


class LineGroup(Base):
    """A LINE group the bot is in; bound to one centre once staff give the group-link code."""

    __tablename__ = "line_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    bound_by: Mapped[str | None] = mapped_column(String(64))
    bound_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    member_count: Mapped[int | None] = mapped_column()
    centre: Mapped[Centre | None] = relationship()


class Invite(Base):
    """A single-use code: binds a LINE user to a role and scope, a parent to a child, or a group to a centre."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="role")  # role | group
    role: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64), default="cli")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[str | None] = mapped_column(String(64))


class InviteAttempt(Base):
    """A failed code attempt, kept to rate-limit guessing."""

    __tablename__ = "invite_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
