"""School days: Monday–Friday that are not Thai public holidays (nor, later, a centre's own closure day)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy.orm import Session

from models import Centre


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
    """Centres closed on `day` by their head (HOOK: closure days are not recorded yet, so none are closed).

    When heads can set closure days, read them here; every caller (is_school_day, expected counts,
    reports, the safety loop) goes through this one function.
    """
    return set()


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
