"""School days: Monday–Friday that are not Thai public holidays nor a centre's own closure day (set by its head)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.thai import thai_date
from models import Centre, Closure


@lru_cache(maxsize=16)
def _thai_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TH", years=year, language="th")


def holiday_name(day: date) -> str | None:
    """The Thai public holiday on `day` (its Thai name), or None."""
    return _thai_holidays(day.year).get(day)


def is_weekday_open(day: date) -> bool:
    """Monday–Friday and not a Thai public holiday: the province-wide calendar, before centre closures."""
    return day.weekday() < 5 and holiday_name(day) is None


def closed_centres(session: Session, centre_ids, day: date) -> set[int]:
    """Centres closed on `day` by their head (one query for many centres).

    Every caller (is_school_day, expected counts, reports, the safety loop) goes through this one function.
    """
    ids = list(centre_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Closure.centre_id).where(Closure.day == day, Closure.centre_id.in_(ids))))


def closures_between(session: Session, centre_id: int, first: date, last: date) -> list[Closure]:
    """A centre's closure days from `first` to `last` inclusive, in order."""
    return list(session.scalars(select(Closure).where(Closure.centre_id == centre_id, Closure.day >= first,
                                                      Closure.day <= last).order_by(Closure.day)))


def is_school_day(session: Session, centre: Centre | int, day: date) -> bool:
    """Whether `centre` expects children on `day`."""
    centre_id = centre if isinstance(centre, int) else centre.id
    return is_weekday_open(day) and centre_id not in closed_centres(session, [centre_id], day)


def open_centres(session: Session, centre_ids, day: date) -> set[int]:
    """The subset of `centre_ids` that expect children on `day` (one call for many centres)."""
    ids = set(centre_ids)
    return ids - closed_centres(session, ids, day) if is_weekday_open(day) else set()


def school_days(first: date, last: date) -> list[date]:
    """Province-wide school days from `first` to `last` inclusive (centre closures not applied)."""
    return [first + timedelta(n) for n in range((last - first).days + 1) if is_weekday_open(first + timedelta(n))]


def next_closures(session: Session, centre_id: int, today: date, limit: int = 10) -> list[Closure]:
    """A centre's closure days from today on, soonest first."""
    return list(session.scalars(select(Closure).where(Closure.centre_id == centre_id, Closure.day >= today)
                                .order_by(Closure.day).limit(limit)))


def closure_wording(closure: Closure) -> str:
    """'25 พ.ย. 2569 (อบรมครู)'."""
    return thai_date(closure.day) + (f" ({closure.reason})" if closure.reason else "")


def centre_school_days(session: Session, centre_id: int, first: date, last: date) -> list[date]:
    """The days from `first` to `last` on which `centre_id` expects children (its closures applied)."""
    closed = {c.day for c in closures_between(session, centre_id, first, last)}
    return [day for day in school_days(first, last) if day not in closed]


def upcoming_holidays(today: date, count: int = 5, within: int = 120) -> list[tuple[date, str]]:
    """The next Thai public holidays on weekdays (from today, at most `count`, within `within` days)."""
    days = (today + timedelta(n) for n in range(within))
    return [(day, holiday_name(day)) for day in days if day.weekday() < 5 and holiday_name(day)][:count]
