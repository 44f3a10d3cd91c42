"""Who is expected at each centre on a day, and how many arrived, are on leave or are missing.

Definitions (shared by the officials' dashboards, reports and the safety loop):
- active: children with Child.active at the centre;
- arrived: Attendance rows of the day at the centre (whether or not the child was on leave);
- on_leave: active children who did NOT arrive and have an uncancelled "sick" or "personal" Absence
  whose first_day..last_day covers the day ("late" notices do not excuse a child);
- expected: active − on_leave on a school day, 0 otherwise (weekend, Thai public holiday, closure);
- missing: expected − arrived, never below 0 (a child who arrives on a closed day is not "missing").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from domain.calendar import open_centres
from models import Absence, Attendance, Child

LEAVE_KINDS = ("sick", "personal")


@dataclass
class DayCounts:
    """One centre's (or a sum of centres') numbers for one day."""

    expected: int = 0
    arrived: int = 0
    on_leave: int = 0
    missing: int = 0
    active: int = 0

    @property
    def percent(self) -> float | None:
        """Arrived as a share of expected (None when nobody was expected)."""
        return round(100 * min(self.arrived, self.expected) / self.expected, 1) if self.expected else None

    def __add__(self, other: "DayCounts") -> "DayCounts":
        return DayCounts(self.expected + other.expected, self.arrived + other.arrived,
                         self.on_leave + other.on_leave, self.missing + other.missing, self.active + other.active)


def on_leave_clause(day: date):
    """SQL condition: the Child in the query has an uncancelled sick/personal absence covering `day`."""
    return exists().where(Absence.child_id == Child.id, Absence.kind.in_(LEAVE_KINDS),
                          Absence.cancelled_at.is_(None), Absence.first_day <= day, Absence.last_day >= day)


def arrived_clause(day: date):
    """SQL condition: the Child in the query has an Attendance row for `day`."""
    return exists().where(Attendance.child_id == Child.id, Attendance.day == day)


def expected_counts(session: Session, centre_ids, day: date) -> dict[int, DayCounts]:
    """Per centre id: expected, arrived, on_leave, missing and active on `day` (every given id is present).

    Three grouped queries, each on an index: active children per centre (children.centre_id), arrivals of
    the day (attendance centre_id, day) and absences still running on the day (absences last_day).
    """
    ids = list(centre_ids)
    counts = {cid: DayCounts() for cid in ids}
    if not ids:
        return counts
    active = dict(session.execute(select(Child.centre_id, func.count()).where(Child.centre_id.in_(ids), Child.active)
                                  .group_by(Child.centre_id)).all())
    arrived = dict(session.execute(select(Attendance.centre_id, func.count())
                                   .where(Attendance.centre_id.in_(ids), Attendance.day == day)
                                   .group_by(Attendance.centre_id)).all())
    # Absences still running on the day are few: find them by last_day, keep this scope's centres here.
    running = session.execute(
        select(Absence.centre_id, func.count(func.distinct(Absence.child_id))).join(Child, Child.id == Absence.child_id)
        .where(Absence.last_day >= day, Absence.first_day <= day, Absence.kind.in_(LEAVE_KINDS),
               Absence.cancelled_at.is_(None), Child.active,
               ~exists().where(Attendance.child_id == Absence.child_id, Attendance.day == day))
        .group_by(Absence.centre_id))
    leave = {cid: n for cid, n in running if cid in counts}
    open_ids = open_centres(session, ids, day)
    for cid in ids:
        n_active, n_arrived = active.get(cid, 0), arrived.get(cid, 0)
        n_leave = leave.get(cid, 0) if cid in open_ids else 0
        expected = n_active - n_leave if cid in open_ids else 0
        counts[cid] = DayCounts(expected, n_arrived, n_leave, max(expected - n_arrived, 0), n_active)
    return counts


def missing_children(session: Session, centre_id: int, day: date) -> list[Child]:
    """The active children of a centre expected on `day` who have not arrived (empty on a non-school day)."""
    if centre_id not in open_centres(session, [centre_id], day):
        return []
    return list(session.scalars(select(Child).where(Child.centre_id == centre_id, Child.active, ~arrived_clause(day),
                                                    ~on_leave_clause(day)).order_by(Child.code)))


def total(counts) -> DayCounts:
    """The sum of several centres' counts."""
    return sum(counts, DayCounts())
