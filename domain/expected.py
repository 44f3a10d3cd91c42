"""Who is expected at each centre on a day, and how many arrived, are on leave or are missing.

Definitions (shared by the officials' dashboards, reports and the safety loop):
- active: children with Child.active at the centre;
- arrived: active children with an Attendance row for the day (whether or not they were on leave);
- on_leave: active children who did NOT arrive and have an uncancelled "sick" or "personal" Absence
  whose first_day..last_day covers the day ("late" notices do not excuse a child);
- expected: active − on_leave on a school day, 0 otherwise (weekend, Thai public holiday, closure);
- missing: expected − arrived, never below 0 (a child who arrives on a closed day is not "missing").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select
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
    """Per centre id: expected, arrived, on_leave, missing and active on `day` (every given id is present)."""
    ids = list(centre_ids)
    counts = {cid: DayCounts() for cid in ids}
    if not ids:
        return counts
    arrived = arrived_clause(day)
    leave = and_(~arrived, on_leave_clause(day))
    rows = session.execute(
        select(Child.centre_id, func.count(), func.count().filter(arrived), func.count().filter(leave))
        .where(Child.centre_id.in_(ids), Child.active).group_by(Child.centre_id))
    open_ids = open_centres(session, ids, day)
    for centre_id, active, n_arrived, n_leave in rows:
        expected = active - n_leave if centre_id in open_ids else 0
        counts[centre_id] = DayCounts(expected, n_arrived, n_leave if centre_id in open_ids else 0,
                                      max(expected - n_arrived, 0), active)
    return counts


def total(counts) -> DayCounts:
    """The sum of several centres' counts."""
    return sum(counts, DayCounts())
