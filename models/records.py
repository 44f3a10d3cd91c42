"""The day's records: arrivals and health, absences, lunch, activities, media, consent, growth, alerts."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JsonType, UtcDateTime, utcnow
from models.people import Child


class Attendance(Base):
    """One child's day at the centre: arrival, health check on arrival, check-out."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("child_id", "day"), Index("ix_attendance_centre_day", "centre_id", "day"),
                      Index("ix_attendance_arrived_by_day", "arrived_by", "day"))  # a teacher's last record
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    day: Mapped[date] = mapped_column(Date)
    arrived_at: Mapped[datetime] = mapped_column(UtcDateTime)
    arrived_by: Mapped[str] = mapped_column(String(64))  # LINE user id of the staff member
    arrived_via: Mapped[str] = mapped_column(String(16))  # photo | button | text | alert
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    health: Mapped[str | None] = mapped_column(String(16))  # None = not checked | ok | concern
    health_items: Mapped[list] = mapped_column(JsonType, default=list)  # [{"code": "fever", "value": "38.2"}, …]
    temperature: Mapped[float | None] = mapped_column(Float)
    health_note: Mapped[str] = mapped_column(Text, default="")
    health_by: Mapped[str | None] = mapped_column(String(64))
    health_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_home_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    left_by: Mapped[str | None] = mapped_column(String(64))
    left_via: Mapped[str | None] = mapped_column(String(16))
    picked_up_by: Mapped[str] = mapped_column(String(200), default="")
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when parents were shown the arrival
    child: Mapped[Child] = relationship()


class PhotoScan(Base):
    """One photo of QR cards a teacher sent, with what was decoded; photos of one imageSet are answered together."""

    __tablename__ = "photo_scans"
    __table_args__ = (Index("ix_photo_scans_set", "chat_id", "image_set_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    line_user_id: Mapped[str] = mapped_column(String(64))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    purpose: Mapped[str] = mapped_column(String(16), default="arrival")  # arrival | departure | van
    image_set_id: Mapped[str | None] = mapped_column(String(64))
    set_index: Mapped[int | None] = mapped_column()
    set_total: Mapped[int | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    outcome: Mapped[dict] = mapped_column(JsonType, default=dict)  # {"new": [child ids], "already": […], "refused": […]}
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Absence(Base):
    """A reported absence or late arrival for a span of days."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_child_span", "child_id", "first_day", "last_day"),
                      Index("ix_absences_last_day", "last_day"))  # absences still running on a day
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sick | personal | late
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    late_until: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    child: Mapped[Child] = relationship()


class Lunch(Base):
    """A centre's lunch of one day: the dishes as the teacher typed them, and tray photos (Media)."""

    __tablename__ = "lunches"
    __table_args__ = (UniqueConstraint("centre_id", "day"), Index("ix_lunches_recorded_by_day", "recorded_by", "day"))
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    day: Mapped[date] = mapped_column(Date)
    menu_text: Mapped[str] = mapped_column(Text, default="")
    dishes: Mapped[list] = mapped_column(JsonType, default=list)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Activity(Base):
    """An activity post: caption, optional learning-domain tag, photos (Media)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_centre_day", "centre_id", "day"),
                      Index("ix_activities_posted_by_day", "posted_by", "day"))
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    classroom_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id"))
    day: Mapped[date] = mapped_column(Date)
    caption: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[str] = mapped_column(String(16), default="")
    image_set_id: Mapped[str | None] = mapped_column(String(64))
    posted_by: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Media(Base):
    """A stored photo (original ≤ 10 MB + preview ≤ 1 MB, EXIF removed), owned by a lunch or an activity."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # unguessable storage key
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    lunch_id: Mapped[int | None] = mapped_column(ForeignKey("lunches.id", ondelete="SET NULL"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"), index=True)
    van_trip_id: Mapped[int | None] = mapped_column(ForeignKey("van_trips.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # may be shown to parents (photo consent checked)
    cleared_by: Mapped[str | None] = mapped_column(String(64))


class Consent(Base):
    """A guardian's decision for one child and one purpose (domain.consent.KINDS: photo, health, home); no row = no consent."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("child_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    granted: Mapped[bool] = mapped_column(Boolean)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Measurement(Base):
    """A child's weight and height on one day (for WHO growth status)."""

    __tablename__ = "measurements"
    __table_args__ = (UniqueConstraint("child_id", "measured_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    height_cm: Mapped[float | None] = mapped_column(Float)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class Alert(Base):
    """A safety alert (missing child, van) and who acknowledged it how; escalation steps in `steps`."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("kind", "child_id", "day"), Index("ix_alerts_centre_day", "centre_id", "day"),
                      Index("uq_alerts_van_day", "kind", "centre_id", "van_code", "day", unique=True,
                            sqlite_where=text("child_id IS NULL"), postgresql_where=text("child_id IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # missing | van | van_empty
    level: Mapped[str] = mapped_column(String(8), default="alert")  # alert | urgent
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    van_code: Mapped[str] = mapped_column(String(32), default="")  # van alerts: which van
    day: Mapped[date] = mapped_column(Date)
    detail: Mapped[str] = mapped_column(Text, default="")  # what the alert says beyond the child's name (Thai)
    sends: Mapped[int] = mapped_column(default=0)  # how many times it went to the teacher and head
    last_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str] = mapped_column(String(32), default="")  # see domain.alerts.RESOLUTIONS
    steps: Mapped[list] = mapped_column(JsonType, default=list)


class Closure(Base):
    """A day a centre is closed (set by its head in chat): nobody is expected, no reminders."""

    __tablename__ = "closures"
    __table_args__ = (UniqueConstraint("centre_id", "day"), Index("ix_closures_day", "day"))
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class VanTrip(Base):
    """One van's trip of a day: the morning run to the centre (or the afternoon run home), and its end."""

    __tablename__ = "van_trips"
    __table_args__ = (UniqueConstraint("centre_id", "van_code", "day", "leg"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    van_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    leg: Mapped[str] = mapped_column(String(16), default="morning")  # morning | afternoon
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(64))
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the van reached the centre
    arrived_by: Mapped[str | None] = mapped_column(String(64))
    empty_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the driver confirmed nobody is left inside
    empty_by: Mapped[str | None] = mapped_column(String(64))


class VanBoarding(Base):
    """A child who got on a van trip, when and how it was recorded."""

    __tablename__ = "van_boardings"
    __table_args__ = (UniqueConstraint("trip_id", "child_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("van_trips.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    boarded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    boarded_by: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))  # photo | button | text
    trip: Mapped[VanTrip] = relationship()
    child: Mapped[Child] = relationship()
