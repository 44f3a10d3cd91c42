"""Organisation: province → district → local authority (LAO) → centre → classroom."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from datetime import time

from models.base import Base


class Province(Base):
    """A province (จังหวัด)."""

    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class District(Base):
    """A district (อำเภอ)."""

    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    province: Mapped[Province] = relationship()


class Lao(Base):
    """A local administrative organisation (อปท.) that runs centres."""

    __tablename__ = "laos"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    district: Mapped[District] = relationship()


class Centre(Base):
    """A child development centre (ศูนย์พัฒนาเด็กเล็ก)."""

    __tablename__ = "centres"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"), index=True)
    cutoff: Mapped[time] = mapped_column(Time, default=time(9, 0))
    rollup_times: Mapped[str] = mapped_column(String(64), default="")  # "HH:MM,HH:MM"; empty or "off" = none
    checkout_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    escalate_minutes: Mapped[int] = mapped_column(default=15)  # an unacknowledged alert goes to guardians and the LAO
    van_grace_minutes: Mapped[int] = mapped_column(default=15)  # van arrival → every boarded child checked in
    remind_checkin: Mapped[time] = mapped_column(Time, default=time(9, 30))
    remind_lunch: Mapped[time] = mapped_column(Time, default=time(12, 30))
    remind_activity: Mapped[time] = mapped_column(Time, default=time(15, 0))
    digest_at: Mapped[time] = mapped_column(Time, default=time(15, 30))
    push_digest: Mapped[bool] = mapped_column(Boolean, default=False)  # the head's choice: parents pull by default
    lao: Mapped[Lao] = relationship()
    classrooms: Mapped[list["Classroom"]] = relationship(back_populates="centre")


class Classroom(Base):
    """A classroom within a centre."""

    __tablename__ = "classrooms"
    __table_args__ = (UniqueConstraint("centre_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    centre: Mapped[Centre] = relationship(back_populates="classrooms")
