"""The centre's vans: each van's children, the day's trips, who boarded, arrival and "the van is empty",
and the detector that raises an urgent alert when a boarded child is not checked in after the van arrived.

Only the MORNING leg (before 12:00) raises alerts: the children ride to the centre, so every boarded child
must be checked in there. On the AFTERNOON leg the children ride home: boardings and the empty
confirmation are recorded for the record, but nothing checks them in at the other end, so no alert.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.insert import insert_once
from domain.alerts import acknowledge, raise_alert
from domain.expected import arrived_clause, on_leave_clause
from domain.thai import hhmm
from models import Alert, Centre, Child, VanBoarding, VanTrip

MORNING, AFTERNOON = "morning", "afternoon"
LEG_LABEL = {MORNING: "รอบเช้า", AFTERNOON: "รอบบ่าย"}
NOON = time(12, 0)


def leg_at(now: datetime) -> str:
    """The leg a van is on at local time `now`: morning before 12:00, afternoon after."""
    return MORNING if now.time() < NOON else AFTERNOON


def van_codes(session: Session, centre_id: int) -> list[str]:
    """The distinct van codes of the centre's active van riders, sorted."""
    return list(session.scalars(select(Child.van_code).distinct().where(
        Child.centre_id == centre_id, Child.active, Child.rides_van, Child.van_code != "").order_by(Child.van_code)))


def van_children(session: Session, centre_id: int, van_code: str, day: date) -> list[Child]:
    """The van's list for a day: active children of the centre riding this van, minus those on leave."""
    return list(session.scalars(select(Child).where(
        Child.centre_id == centre_id, Child.active, Child.rides_van, Child.van_code == van_code,
        ~on_leave_clause(day)).order_by(Child.nickname, Child.first_name, Child.id)))


def find_trip(session: Session, centre_id: int, van_code: str, day: date, leg: str) -> VanTrip | None:
    """The van's trip of that day and leg, if it was started."""
    return session.scalar(select(VanTrip).where(VanTrip.centre_id == centre_id, VanTrip.van_code == van_code,
                                                VanTrip.day == day, VanTrip.leg == leg))


def trip_for(session: Session, centre_id: int, van_code: str, by: str, now: datetime) -> VanTrip:
    """The van's trip for the leg under way at `now`, created once (a second driver's tap gets the same row)."""
    day, leg = now.date(), leg_at(now)
    session.execute(insert_once(session, VanTrip, dict(
        centre_id=centre_id, van_code=van_code, day=day, leg=leg, started_at=now.astimezone(timezone.utc),
        started_by=by), on=["centre_id", "van_code", "day", "leg"]))
    return find_trip(session, centre_id, van_code, day, leg)


def boardings(session: Session, trip: VanTrip) -> list[VanBoarding]:
    """Who boarded the trip, in boarding order."""
    return list(session.scalars(select(VanBoarding).where(VanBoarding.trip_id == trip.id).order_by(
        VanBoarding.boarded_at, VanBoarding.id)))


def board(session: Session, trip: VanTrip, child: Child, by: str, via: str, now: datetime) -> tuple[VanBoarding, bool]:
    """Record a child on the trip once; returns (the boarding, whether this call recorded it)."""
    new_id = session.execute(insert_once(session, VanBoarding, dict(
        trip_id=trip.id, child_id=child.id, boarded_at=now.astimezone(timezone.utc), boarded_by=by, via=via,
    ), on=["trip_id", "child_id"]).returning(VanBoarding.id)).scalar()
    row = session.scalar(select(VanBoarding).where(VanBoarding.trip_id == trip.id, VanBoarding.child_id == child.id))
    return row, new_id is not None


def arrive(trip: VanTrip, by: str, now: datetime) -> bool:
    """Note that the van reached the centre; False when that was noted already."""
    if trip.arrived_at is not None:
        return False
    trip.arrived_at, trip.arrived_by = now.astimezone(timezone.utc), by
    return True


def confirm_empty(session: Session, trip: VanTrip, by: str, now: datetime) -> bool:
    """Record "the van is empty" once and settle the van's open van_empty alert of the day; False if done already."""
    if trip.empty_at is not None:
        return False
    trip.empty_at, trip.empty_by = now.astimezone(timezone.utc), by
    alert = session.scalar(select(Alert).where(Alert.kind == "van_empty", Alert.centre_id == trip.centre_id,
                                               Alert.van_code == trip.van_code, Alert.day == trip.day,
                                               Alert.acknowledged_at.is_(None)))
    if alert is not None:
        acknowledge(session, alert, by, "van_checked", now)
    return True


def unchecked(session: Session, trip: VanTrip) -> list[VanBoarding]:
    """Boardings of the trip whose child has no check-in at the centre that day and is not on leave."""
    return list(session.scalars(select(VanBoarding).join(Child, Child.id == VanBoarding.child_id).where(
        VanBoarding.trip_id == trip.id, ~arrived_clause(trip.day), ~on_leave_clause(trip.day)).order_by(
        VanBoarding.boarded_at, VanBoarding.id)))


def arrival_time(trip: VanTrip, centre: Centre, tz) -> datetime:
    """When the van counts as arrived: the driver's "ถึงศูนย์แล้ว", else the empty confirmation, at the latest
    the centre's cutoff (so a van nobody reported still raises alerts)."""
    cutoff = datetime.combine(trip.day, centre.cutoff, tz)
    known = trip.arrived_at or trip.empty_at
    return min(known.astimezone(tz), cutoff) if known else cutoff


def van_overdue(session: Session, centre: Centre, now: datetime) -> list[Alert]:
    """Raise the urgent van alerts due at `now` for today's morning trips (idempotent; new alerts returned)."""
    raised = []
    grace = timedelta(minutes=centre.van_grace_minutes)
    trips = session.scalars(select(VanTrip).where(VanTrip.centre_id == centre.id, VanTrip.day == now.date(),
                                                  VanTrip.leg == MORNING).order_by(VanTrip.van_code))
    for trip in trips:
        arrived = arrival_time(trip, centre, now.tzinfo)
        if now < arrived + grace:
            continue
        for row in unchecked(session, trip):
            detail = (f"ขึ้นรถตู้ {trip.van_code} เวลา {hhmm(row.boarded_at.astimezone(now.tzinfo))} "
                      f"รถถึงศูนย์ {hhmm(arrived)} ยังไม่เช็คชื่อ")
            raised.append(raise_alert(session, centre, "van", trip.day, now, child=row.child,
                                      van_code=trip.van_code, level="urgent", detail=detail))
        if trip.empty_at is None and boardings(session, trip):
            detail = f"รถตู้ {trip.van_code} ถึงศูนย์ {hhmm(arrived)} คนขับยังไม่ยืนยัน \"รถว่างแล้ว\" ต้องตรวจในรถทันที"
            raised.append(raise_alert(session, centre, "van_empty", trip.day, now, van_code=trip.van_code,
                                      level="urgent", detail=detail))
    return [a for a in raised if a is not None]
