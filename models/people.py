"""People: children, guardians (many-to-many, so siblings share one), staff and officials."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, utcnow
from models.org import Centre, Classroom

STAFF_ROLES = ("teacher", "head", "driver")
OFFICIAL_ROLES = ("lao", "district", "province")


class Child(Base):
    """A child enrolled at a centre, with every field the seed documents name."""

    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    classroom_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id"), index=True)
    title: Mapped[str] = mapped_column(String(32), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str] = mapped_column(String(100), default="")
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(Text, default="")
    chronic_conditions: Mapped[str] = mapped_column(Text, default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lng: Mapped[float | None] = mapped_column(Float)
    rides_van: Mapped[bool] = mapped_column(Boolean, default=False)
    van_code: Mapped[str] = mapped_column(String(32), default="")
    qr_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # personal data erased (domain.privacy.erase_child)
    centre: Mapped[Centre] = relationship()
    classroom: Mapped[Classroom | None] = relationship()
    guardian_links: Mapped[list["ChildGuardian"]] = relationship(back_populates="child", cascade="all, delete-orphan")

    @property
    def short_name(self) -> str:
        """Name for buttons and lists: the nickname, else the first name."""
        return self.nickname or self.first_name

    @property
    def display_name(self) -> str:
        """Name as teachers say it: nickname first, then the full name."""
        full = f"{self.first_name} {self.last_name}"
        return f"{self.nickname} ({full})" if self.nickname else full


class Guardian(Base):
    """A parent or other guardian; one row per person, linked to each of their children."""

    __tablename__ = "guardians"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    child_links: Mapped[list["ChildGuardian"]] = relationship(back_populates="guardian")


class ChildGuardian(Base):
    """The link between a child and a guardian, with the relation (แม่, ยาย, …)."""

    __tablename__ = "child_guardians"
    __table_args__ = (UniqueConstraint("child_id", "guardian_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(64), default="")
    child: Mapped[Child] = relationship(back_populates="guardian_links")
    guardian: Mapped[Guardian] = relationship(back_populates="child_links")


class Staff(Base):
    """A centre's teacher, head or van driver."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    van_code: Mapped[str] = mapped_column(String(32), default="")  # a driver's van (asked once when the centre has several)
    centre: Mapped[Centre] = relationship()


class Official(Base):
    """An official watching a scope: an LAO, a district or the province."""

    __tablename__ = "officials"
    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
