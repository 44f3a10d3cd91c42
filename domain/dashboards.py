"""The officials' queries: plain data for one scope and one day, per unit one level below the asker.

Every function takes a Scope from domain.scope (resolved and checked on the server) and reads only the
centres inside it. Aggregates carry counts, never names; the two leaf views that name children
(`alert_list`, `children_health`) are for one centre, and their callers write the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from domain.calendar import holiday_name, is_weekday_open, open_centres
from domain.expected import DayCounts, expected_counts, total
from domain.growth import growth_status
from domain.scope import Scope, Unit
from models import Activity, Alert, Attendance, Child, LineUser, Lunch, Measurement, Media, Official, Staff

QUIET_DAYS = 3  # a teacher silent this many days or more is flagged


def units_of(scope: Scope) -> tuple[Unit, ...]:
    """The units a view lists: the sub-units, or the centre itself for a centre scope."""
    return scope.units or (scope.unit,)


def day_note(day: date) -> str | None:
    """Why `day` is not a school day (weekend or the holiday's name), or None on a school day."""
    if day.weekday() >= 5:
        return "วันหยุดสุดสัปดาห์"
    return holiday_name(day)


# ── ภาพรวมวันนี้ ──────────────────────────────────────────────────────────────────────────────

@dataclass
class UnitCounts:
    """A unit's attendance numbers for the day."""

    unit: Unit
    counts: DayCounts


def overview(session: Session, scope: Scope, day: date) -> list[UnitCounts]:
    """Expected, arrived, on leave, missing and % per unit, worst (lowest %, most missing) first."""
    per_centre = expected_counts(session, scope.centre_ids, day)
    rows = [UnitCounts(u, total(per_centre[c] for c in u.centre_ids)) for u in units_of(scope)]
    return sorted(rows, key=lambda r: (r.counts.percent is None, r.counts.percent or 0, -r.counts.missing,
                                       r.unit.code))


# ── ศูนย์ที่ยังไม่บันทึก ─────────────────────────────────────────────────────────────────────────

@dataclass
class CentreGap:
    """A centre that lacks some of today's records, and when it last recorded anything."""

    centre_id: int
    code: str
    name: str
    missing: list[str]  # of "checkin", "lunch", "activity"
    last: date | None
    days_since: int | None


def _last_day(model, centre_id_col, day: date):
    """Correlated subquery: the latest record day on or before `day` for the outer centre id."""
    return select(func.max(model.day)).where(model.centre_id == centre_id_col, model.day <= day).scalar_subquery()


def last_recorded(session: Session, centre_ids, day: date) -> dict[int, dict[str, date | None]]:
    """Per centre: the last day (≤ day) with a check-in, a lunch and an activity (index look-ups per centre)."""
    from models import Centre

    query = select(Centre.id, _last_day(Attendance, Centre.id, day), _last_day(Lunch, Centre.id, day),
                   _last_day(Activity, Centre.id, day)).where(Centre.id.in_(list(centre_ids)))
    return {cid: {"checkin": a, "lunch": lu, "activity": ac} for cid, a, lu, ac in session.execute(query)}


def not_recorded(session: Session, scope: Scope, day: date) -> list[tuple[Unit, list[CentreGap]]]:
    """Per unit: its open centres with no check-in, lunch or activity today, longest-silent first."""
    lasts = last_recorded(session, scope.centre_ids, day)
    open_ids = open_centres(session, scope.centre_ids, day)
    gaps: dict[int, CentreGap] = {}
    for cid, kinds in lasts.items():
        missing = [k for k, last in kinds.items() if last != day]
        if cid not in open_ids or not missing:
            continue
        known = [d for d in kinds.values() if d is not None]
        last = max(known) if known else None
        code, name = scope.centre_names[cid]
        gaps[cid] = CentreGap(cid, code, name, missing, last, (day - last).days if last else None)
    order = lambda g: (g.days_since is not None, -(g.days_since or 0), -len(g.missing), g.code)  # noqa: E731
    rows = [(u, sorted((gaps[c] for c in u.centre_ids if c in gaps), key=order)) for u in units_of(scope)]
    return sorted(rows, key=lambda r: (-len(r[1]), r[0].code))


# ── อาหารกลางวันวันนี้ ─────────────────────────────────────────────────────────────────────────

@dataclass
class CentreLunch:
    """A centre's lunch today: the menu and its tray photo keys (empty when not recorded)."""

    centre_id: int
    code: str
    name: str
    menu: str | None
    photos: list[str] = field(default_factory=list)


def lunches(session: Session, scope: Scope, day: date) -> list[tuple[Unit, list[CentreLunch]]]:
    """Per unit: every centre's lunch today (recorded ones first), with tray photo keys."""
    found = {lu.centre_id: lu for lu in session.scalars(
        select(Lunch).where(Lunch.centre_id.in_(scope.centre_ids), Lunch.day == day))}
    photos: dict[int, list[str]] = {}
    if found:
        media = select(Media.lunch_id, Media.key).where(Media.lunch_id.in_([lu.id for lu in found.values()]),
                                                        Media.purged_at.is_(None)).order_by(Media.id)
        for lunch_id, key in session.execute(media):
            photos.setdefault(lunch_id, []).append(key)
    rows = []
    for unit in units_of(scope):
        items = []
        for cid in unit.centre_ids:
            code, name = scope.centre_names[cid]
            lunch = found.get(cid)
            menu = (lunch.menu_text or ", ".join(lunch.dishes or [])) if lunch else None
            items.append(CentreLunch(cid, code, name, menu, photos.get(lunch.id, []) if lunch else []))
        rows.append((unit, sorted(items, key=lambda i: (i.menu is None, i.code))))
    return rows


# ── ข้อมูลเด็ก ────────────────────────────────────────────────────────────────────────────────

AGE_BANDS = ("ต่ำกว่า 3 ปี", "3 ปี", "4 ปี", "5 ปีขึ้นไป")


@dataclass
class ChildStats:
    """Counts for a unit's active children: by age band and sex, conditions, growth bands."""

    total: int = 0
    by_age: dict = field(default_factory=dict)  # age band → {"M": n, "F": n}
    chronic: int = 0
    allergies: int = 0
    measured: int = 0
    over_60: int = 0
    wfh: dict = field(default_factory=dict)
    hfa: dict = field(default_factory=dict)
    good: int = 0


def _years_ago(day: date, years: int) -> date:
    """The birthday that makes a child exactly `years` old on `day` (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def children_stats(session: Session, scope: Scope, day: date) -> list[tuple[Unit, ChildStats]]:
    """Per unit: active children by age and sex, with conditions and the latest growth status (counts only)."""
    in_scope = (Child.centre_id.in_(scope.centre_ids), Child.active)
    band = case(*((Child.birth_date > _years_ago(day, n), i) for i, n in enumerate((3, 4, 5))), else_=3)
    demo = session.execute(
        select(Child.centre_id, band, Child.sex, func.count(), func.count().filter(Child.chronic_conditions != ""),
               func.count().filter(Child.allergies != "")).where(*in_scope).group_by(Child.centre_id, band, Child.sex))
    centre_unit = {cid: u.code for u in units_of(scope) for cid in u.centre_ids}
    stats = {u.code: ChildStats() for u in units_of(scope)}
    for centre_id, age, sex, n, chronic, allergic in demo:
        s = stats[centre_unit[centre_id]]
        cell = s.by_age.setdefault(AGE_BANDS[age], {"M": 0, "F": 0})
        cell[sex if sex in cell else "M"] += n
        s.total, s.chronic, s.allergies = s.total + n, s.chronic + chronic, s.allergies + allergic
    growth = growth_counts(session, scope.centre_ids, day)
    for centre_id, g in growth.items():
        s = stats[centre_unit[centre_id]]
        s.measured, s.over_60, s.good = s.measured + g.measured, s.over_60 + g.over_60, s.good + g.good
        for mine, theirs in ((s.wfh, g.wfh), (s.hfa, g.hfa)):
            for name, n in theirs.items():
                mine[name] = mine.get(name, 0) + n
    return [(u, stats[u.code]) for u in units_of(scope)]


_GROWTH_CACHE: dict[tuple, ChildStats] = {}


def growth_counts(session: Session, centre_ids, day: date) -> dict[int, ChildStats]:
    """Per centre: growth-band counts of active children's latest measurement on or before `day`.

    Scoring thousands of children takes longer than an official should wait, and measurements change a few
    times a year, so each centre's counts are kept in memory under (centre, day, data version); the version
    (newest measurement id, measurement count, newest child change) moves with any write that matters.
    """
    version = tuple(session.execute(select(func.max(Measurement.id), func.count(Measurement.id))).one()) + (
        session.scalar(select(func.max(Child.updated_at))),)
    keys = {cid: (cid, day, version) for cid in centre_ids}
    missing = [cid for cid, key in keys.items() if key not in _GROWTH_CACHE]
    if missing:
        if len(_GROWTH_CACHE) > 50_000:
            _GROWTH_CACHE.clear()
        fresh = {cid: ChildStats() for cid in missing}
        earlier = aliased(Measurement)
        latest = (select(func.max(earlier.measured_on)).where(earlier.child_id == Child.id, earlier.measured_on <= day)
                  .correlate(Child).scalar_subquery())
        measured = session.execute(
            select(Child.centre_id, Child.sex, Child.birth_date, Measurement.measured_on, Measurement.weight_kg,
                   Measurement.height_cm).join(Measurement, (Measurement.child_id == Child.id)
                                               & (Measurement.measured_on == latest))
            .where(Child.centre_id.in_(missing), Child.active))
        for centre_id, sex, birth, on, weight, height in measured:
            s, g = fresh[centre_id], growth_status(sex, birth, on, weight, height)
            s.measured += 1
            s.over_60 += g.over_60
            s.good += g.good
            for counts, name in ((s.wfh, g.wfh), (s.hfa, g.hfa)):
                if name:
                    counts[name] = counts.get(name, 0) + 1
        _GROWTH_CACHE.update({keys[cid]: stats for cid, stats in fresh.items()})
    return {cid: _GROWTH_CACHE[key] for cid, key in keys.items()}


def children_health(session: Session, centre_id: int) -> list[Child]:
    """The active children of one centre who have a chronic condition or an allergy (personal data: audit)."""
    return list(session.scalars(select(Child).where(
        Child.centre_id == centre_id, Child.active, (Child.chronic_conditions != "") | (Child.allergies != ""))
        .order_by(Child.code)))


# ── ข้อมูลครู ─────────────────────────────────────────────────────────────────────────────────

@dataclass
class TeacherLast:
    """A teacher or head and the last day they recorded anything (check-in, lunch or activity)."""

    name: str
    role: str
    centre_id: int
    last: date | None
    position: str = ""
    training_hours: float = 0
    covid_doses: int = 0


def _last_by(model, who_col, person_col, day: date):
    return select(func.max(model.day)).where(who_col == person_col, model.day <= day).scalar_subquery()


def teachers(session: Session, scope: Scope, day: date) -> list[tuple[Unit, list[TeacherLast]]]:
    """Per unit: its active teachers and heads with the last day each recorded, quietest first."""
    query = (select(Staff.name, Staff.role, Staff.centre_id, Staff.position, Staff.training_hours, Staff.covid_doses,
                    _last_by(Attendance, Attendance.arrived_by, Staff.line_user_id, day),
                    _last_by(Lunch, Lunch.recorded_by, Staff.line_user_id, day),
                    _last_by(Activity, Activity.posted_by, Staff.line_user_id, day))
             .where(Staff.centre_id.in_(scope.centre_ids), Staff.active, Staff.role.in_(("teacher", "head"))))
    people: dict[int, list[TeacherLast]] = {}
    for name, role, centre_id, position, hours, doses, *lasts in session.execute(query):
        known = [d for d in lasts if d is not None]
        people.setdefault(centre_id, []).append(TeacherLast(name, role, centre_id, max(known) if known else None,
                                                            position, hours or 0, len(doses or [])))
    order = lambda t: (t.last is not None, t.last or date.min, t.name)  # noqa: E731
    return [(u, sorted((t for c in u.centre_ids for t in people.get(c, [])), key=order)) for u in units_of(scope)]


def is_quiet(teacher: TeacherLast, day: date) -> bool:
    """Whether a teacher has not recorded for QUIET_DAYS days or more (or never)."""
    return teacher.last is None or (day - teacher.last) >= timedelta(days=QUIET_DAYS)


# ── การแจ้งเตือนวันนี้ ────────────────────────────────────────────────────────────────────────

@dataclass
class AlertCounts:
    """A unit's safety alerts of the day."""

    total: int = 0
    urgent: int = 0
    acknowledged: int = 0

    @property
    def open(self) -> int:
        return self.total - self.acknowledged


def alert_counts(session: Session, scope: Scope, day: date) -> list[tuple[Unit, AlertCounts]]:
    """Per unit: today's alerts, urgent ones and acknowledged ones, most open first."""
    per_centre: dict[int, AlertCounts] = {}
    query = (select(Alert.centre_id, func.count(), func.count().filter(Alert.level == "urgent"),
                    func.count().filter(Alert.acknowledged_at.is_not(None)))
             .where(Alert.centre_id.in_(scope.centre_ids), Alert.day == day).group_by(Alert.centre_id))
    for centre_id, n, urgent, acked in session.execute(query):
        per_centre[centre_id] = AlertCounts(n, urgent, acked)
    rows = []
    for unit in units_of(scope):
        c = AlertCounts()
        for cid in unit.centre_ids:
            x = per_centre.get(cid, AlertCounts())
            c.total, c.urgent, c.acknowledged = c.total + x.total, c.urgent + x.urgent, c.acknowledged + x.acknowledged
        rows.append((unit, c))
    return sorted(rows, key=lambda r: (-r[1].open, -r[1].total, r[0].code))


def alert_list(session: Session, centre_id: int, day: date) -> list[tuple[Alert, Child | None, str]]:
    """One centre's alerts of the day with the child and the acknowledger's name (names a child: audit)."""
    alerts = session.scalars(select(Alert).where(Alert.centre_id == centre_id, Alert.day == day)
                             .order_by(Alert.raised_at)).all()
    return [(a, session.get(Child, a.child_id) if a.child_id else None, person_name(session, a.acknowledged_by))
            for a in alerts]


def person_name(session: Session, line_user_id: str | None) -> str:
    """A staff member's or official's name for a LINE user id ("" if none)."""
    if not line_user_id:
        return ""
    for model in (Staff, Official):
        name = session.scalar(select(model.name).where(model.line_user_id == line_user_id).limit(1))
        if name:
            return name
    return session.scalar(select(LineUser.display_name).where(LineUser.line_user_id == line_user_id)) or ""


def school_day_note(day: date) -> str | None:
    """A Thai note when `day` is not a school day province-wide."""
    return None if is_weekday_open(day) else f"วันนี้ไม่ใช่วันเรียน ({day_note(day)})"
