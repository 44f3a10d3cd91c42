"""A month's evaluation per centre: each indicator's value, done and current; the seed's group; 1–5 stars and why.

Done: the value reaches the indicator's target; an indicator that does not apply this month (value None:
no van, no alert, no survey round, records not kept yet) counts as done and current.
Current: the latest record lies within the indicator's last N school days of the period (N = fresh_days);
states (fresh_days None) are current whenever measured.
Group (as the seed's province evaluation): 1 = every indicator done and current; 2 = every indicator done,
some not current; 3 = some not done.
Stars, from one score = indicators done − done indicators whose data is not current (0..20):
  5 ดาว = 20 (group 1) · 4 ดาว ≥ 18 · 3 ดาว ≥ 15 · 2 ดาว ≥ 10 · 1 ดาว otherwise.
e.g. 18 done, 2 of them not current → 16 → 3 ดาว. Every answer carries the reason in Thai (`why`).

The period is the month up to `today` (a month in progress is evaluated so far). Officials read snapshots
(models.Evaluation) refreshed when older than FRESH_FOR; the CLI always computes afresh.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from domain.calendar import school_days
from domain.indicators import BY_CODE, DEFINITIONS, MEASURES, Month
from models import Centre, Closure, Evaluation
from models.insert import insert_once

STAR_STEPS = ((20, 5), (18, 4), (15, 3), (10, 2))  # minimum score → stars; below the last: 1 star
GROUPS = {1: "ครบทุกตัวชี้วัดและข้อมูลเป็นปัจจุบัน", 2: "ครบทุกตัวชี้วัดแต่ข้อมูลไม่เป็นปัจจุบัน",
          3: "ยังดำเนินการไม่ครบบางตัวชี้วัด"}
FRESH_FOR = timedelta(minutes=15)  # an official's answer may be this old for the month in progress


@dataclass
class Mark:
    """One indicator's result for one centre and month."""

    value: float | None
    done: bool
    current: bool

    def as_dict(self) -> dict:
        return {"value": self.value, "done": self.done, "current": self.current}


@dataclass
class CentreResult:
    """One centre's month: marks per indicator code, group, stars and the reason."""

    centre_id: int
    centre_code: str
    centre_name: str
    month: str
    marks: dict[str, Mark] = field(default_factory=dict)
    school_days: int = 0

    @cached_property  # read once the marks are complete (evaluate fills them before anyone asks)
    def not_done(self) -> list[str]:
        return [c for c, m in self.marks.items() if not m.done]

    @cached_property
    def stale(self) -> list[str]:
        return [c for c, m in self.marks.items() if m.done and not m.current]

    @property
    def done_count(self) -> int:
        return len(self.marks) - len(self.not_done)

    @property
    def group(self) -> int:
        return 3 if self.not_done else 2 if self.stale else 1

    @property
    def score(self) -> int:
        return self.done_count - len(self.stale)

    @property
    def stars(self) -> int:
        return next((stars for least, stars in STAR_STEPS if self.score >= least), 1)

    def why(self) -> str:
        """'3 ดาว: ตัวชี้วัดครบ 18/20, ข้อมูลไม่เป็นปัจจุบัน 2 ตัว: …, ยังไม่ครบ 2 ตัว: …'."""
        parts = [f"{self.stars} ดาว: ตัวชี้วัดครบ {self.done_count}/{len(self.marks)}"]
        if self.stale:
            parts.append(f"ข้อมูลไม่เป็นปัจจุบัน {len(self.stale)} ตัว: " + ", ".join(BY_CODE[c].name for c in self.stale))
        if self.not_done:
            parts.append(f"ยังไม่ครบ {len(self.not_done)} ตัว: " + ", ".join(BY_CODE[c].name for c in self.not_done))
        if not self.stale and not self.not_done:
            parts.append("ข้อมูลเป็นปัจจุบันทุกตัว")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The operator's row: centre_code, indicators (code → value/done/current), group, stars, why."""
        return {"centre_code": self.centre_code, "centre_name": self.centre_name, "month": self.month,
                "indicators": {c: m.as_dict() for c, m in self.marks.items()}, "group": self.group,
                "stars": self.stars, "why": self.why(), "school_days": self.school_days}

    @classmethod
    def from_dict(cls, centre_id: int, d: dict) -> "CentreResult":
        marks = {c: Mark(m["value"], m["done"], m["current"]) for c, m in d["indicators"].items()}
        return cls(centre_id, d["centre_code"], d["centre_name"], d["month"], marks, d.get("school_days", 0))


def month_period(month: date, today: date) -> tuple[date, date]:
    """First day of the month, and its last day or today if earlier."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return month, min(last, today)


def centre_days(session: Session, centre_ids: list[int], first: date, last: date) -> dict[int, list[date]]:
    """Each centre's school days from first to last (its closures removed), one query for the closures."""
    common = school_days(first, last) if first <= last else []
    closed: dict[int, set] = {}
    for cid, day in session.execute(select(Closure.centre_id, Closure.day).where(
            Closure.centre_id.in_(centre_ids), Closure.day >= first, Closure.day <= last)):
        closed.setdefault(cid, set()).add(day)
    return {c: [d for d in common if d not in closed.get(c, ())] for c in centre_ids}


def is_current(last_record: date | None, days: list[date], fresh_days: int | None) -> bool:
    """Whether a record on `last_record` lies within the last `fresh_days` of the centre's school `days`."""
    if fresh_days is None or not days:
        return True
    since = days[-fresh_days] if len(days) >= fresh_days else days[0]
    return last_record is not None and last_record >= since


def evaluate(session: Session, centre_ids, month: date, today: date) -> list[CentreResult]:
    """Every given centre's results for the month (so far), in centre-code order; a grouped query per indicator."""
    centres = session.execute(select(Centre.id, Centre.code, Centre.name).where(Centre.id.in_(list(centre_ids)))
                              .order_by(Centre.code)).all()
    ids = [c.id for c in centres]
    first, last = month_period(month, today)
    m = Month(session, ids, first, last, centre_days(session, ids, first, last))
    found = {d.code: MEASURES[d.code](m) for d in DEFINITIONS}
    results = []
    for cid, code, name in centres:
        result = CentreResult(cid, code, name, month.strftime("%Y-%m"), school_days=len(m.days[cid]))
        for d in DEFINITIONS:
            value, last_record = found[d.code][cid]
            done = value is None or value >= d.target
            current = value is None or is_current(last_record, m.days[cid], d.fresh_days)
            result.marks[d.code] = Mark(value, done, current)
        results.append(result)
    return results


def save(session: Session, results: list[CentreResult], now: datetime) -> None:
    """Keep the results as the officials' snapshots (one row per centre and month, replaced): insert the rows that
    are missing, then overwrite them all (safe when the clock and an official's answer save at once)."""
    if not results:
        return
    rows = [{"c": r.centre_id, "m": r.month, "result": r.as_dict(), "computed_at": now} for r in results]
    missing = [{"centre_id": r["c"], "month": r["m"], "result": {}, "computed_at": now} for r in rows]
    session.execute(insert_once(session, Evaluation, missing, on=["centre_id", "month"]))
    session.connection().execute(update(Evaluation).where(Evaluation.centre_id == bindparam("c"),
                                                          Evaluation.month == bindparam("m")), rows)


def _is_fresh(computed_at: datetime, month: date, now: datetime, today: date) -> bool:
    """A snapshot stands if younger than FRESH_FOR (month in progress) or taken after the month ended."""
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return computed_at.date() > month_end if today > month_end else now - computed_at <= FRESH_FOR


def _recompute(session: Session, centre_ids, month: date, now: datetime, today: date) -> list[CentreResult]:
    """Evaluate the centres afresh and store their snapshots."""
    if not centre_ids:
        return []
    new = evaluate(session, centre_ids, month, today)
    save(session, new, now)
    return new


def snapshots(session: Session, centre_ids, month: date, now: datetime, today: date) -> list[CentreResult]:
    """Full results (every indicator) as officials see them: stored snapshots, recomputed and stored where missing
    or stale (see _is_fresh)."""
    rows = session.execute(select(Evaluation.centre_id, Evaluation.result, Evaluation.computed_at).where(
        Evaluation.centre_id.in_(list(centre_ids)), Evaluation.month == month.strftime("%Y-%m"))).all()
    kept = {cid: CentreResult.from_dict(cid, result) for cid, result, at in rows if _is_fresh(at, month, now, today)}
    kept.update({r.centre_id: r for r in _recompute(session, [c for c in centre_ids if c not in kept], month, now,
                                                    today)})
    return sorted(kept.values(), key=lambda r: r.centre_code)


@dataclass(frozen=True)
class Rating:
    """A centre's group, stars and reason without its indicators (what a scope-wide answer needs)."""

    centre_id: int
    centre_code: str
    centre_name: str
    group: int
    stars: int
    why: str


def ratings(session: Session, centre_ids, month: date, now: datetime, today: date) -> list[Rating]:
    """Group, stars and reason per centre from the snapshots, reading only those JSON fields (a province's
    answer reads 210 of them); missing or stale ones are recomputed and stored."""
    r = Evaluation.result
    rows = session.execute(select(Evaluation.centre_id, r["centre_code"].as_string(), r["centre_name"].as_string(),
                                  r["group"].as_integer(), r["stars"].as_integer(), r["why"].as_string(),
                                  Evaluation.computed_at)
                           .where(Evaluation.centre_id.in_(list(centre_ids)), Evaluation.month == month.strftime("%Y-%m")))
    kept = {row[0]: Rating(*row[:6]) for row in rows if _is_fresh(row[6], month, now, today)}
    for res in _recompute(session, [c for c in centre_ids if c not in kept], month, now, today):
        kept[res.centre_id] = Rating(res.centre_id, res.centre_code, res.centre_name, res.group, res.stars, res.why())
    return sorted(kept.values(), key=lambda x: x.centre_code)
