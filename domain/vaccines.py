"""Thailand's national EPI schedule (the free basic vaccines for children under 5) as versioned data, and each
child's due and overdue doses from her birth date and the doses recorded.

Source: กรมควบคุมโรค (DDC), "กำหนดการให้วัคซีนตามแผนงานสร้างเสริมภูมิคุ้มกันโรคของกระทรวงสาธารณสุข ปี 2566"
(https://ddc.moph.go.th/dcd/publishinfodetail.php?publish=13857&deptcode=dcd). The 2566 (2023) edition revised
the polio component (OPV at 2, 6, 18 months and 4 years with IPV at 4 months; the edition marks polio "ปรับปรุง").
A new edition is added as another entry of SCHEDULES, and CURRENT moves to it; recorded doses keep their codes.

Catch-up (the DDC rule for late children): a child who missed a dose gets the next dose of that series when
seen, never a restart; a dose is due at its scheduled age, and no sooner than MIN_GAP after the series' previous
dose. It is overdue once GRACE has passed after it was due. A dose with an upper age (rotavirus, 8 months) that
was missed is not given late, so it is never overdue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from models import Child, VaccineDose

MIN_GAP = timedelta(weeks=4)
GRACE = timedelta(days=30)


@dataclass(frozen=True)
class Dose:
    """One dose of the schedule: its code, series (doses given in order), and age in months."""

    code: str
    series: str
    months: int
    name: str  # Thai, as the pink book says it
    until: int | None = None  # age in months after which the dose is no longer given (missed, not overdue)


def _series(series: str, name: str, months: tuple[int, ...], codes: tuple[str, ...] | None = None,
            until: int | None = None) -> list[Dose]:
    codes = codes or tuple(f"{series}{n}" for n in range(1, len(months) + 1))
    return [Dose(code, series, m, f"{name} ครั้งที่ {n}" if len(months) > 1 else name, until)
            for n, (code, m) in enumerate(zip(codes, months), 1)]


SCHEDULES = {
    "2566": [
        *_series("BCG", "วัณโรค (บีซีจี)", (0,), ("BCG",)),
        *_series("HB", "ตับอักเสบบี แรกเกิด", (0,), ("HB1",)),
        *_series("DTP-HB-Hib", "คอตีบ-บาดทะยัก-ไอกรน-ตับอักเสบบี-ฮิบ", (2, 4, 6)),
        *_series("OPV", "โปลิโอชนิดหยอด", (2, 4, 6, 18, 48)),
        *_series("IPV", "โปลิโอชนิดฉีด", (4,), ("IPV",)),
        *_series("Rota", "โรต้า", (2, 4, 6), until=8),  # rotavirus vaccine is not started or finished late
        *_series("MMR", "หัด-คางทูม-หัดเยอรมัน", (9, 30)),
        *_series("LAJE", "ไข้สมองอักเสบเจอี", (12, 30)),
        *_series("DTP", "คอตีบ-บาดทะยัก-ไอกรน กระตุ้น", (18, 48), ("DTP4", "DTP5")),
    ],
}
CURRENT = "2566"
SOURCE = "กรมควบคุมโรค กำหนดการให้วัคซีน EPI ปี 2566"
DOSES = {d.code: d for d in SCHEDULES[CURRENT]}
_FOLDED = {re.sub(r"[\s\-_]", "", code).upper(): code for code in DOSES}


def dose_code(typed: str) -> str | None:
    """The schedule's code for what was typed ("opv 4", "dtphbhib1", "Rota1"); None when unknown."""
    return _FOLDED.get(re.sub(r"[\s\-_]", "", typed).upper())


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    year, month = divmod(day.month - 1 + months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(day.year + year, month + 1, last)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Due:
    """A dose a child still needs: when it is (or was) due, and whether it is overdue on the day asked."""

    dose: Dose
    due_on: date
    overdue: bool


def next_doses(birth: date, given: dict[str, date], today: date) -> list[Due]:
    """Per series, the next dose not yet given (catch-up: no restart), with its due day; soonest first."""
    out = []
    for series in dict.fromkeys(d.series for d in SCHEDULES[CURRENT]):
        doses = [d for d in SCHEDULES[CURRENT] if d.series == series]
        pending = next((d for d in doses if d.code not in given), None)
        if pending is None or (pending.until is not None and today > add_months(birth, pending.until)):
            continue
        due = add_months(birth, pending.months)
        earlier = [given[d.code] for d in doses if d.code in given]
        if earlier:
            due = max(due, max(earlier) + MIN_GAP)
        out.append(Due(pending, due, today > due + GRACE))
    return sorted(out, key=lambda d: (d.due_on, d.dose.code))


def doses_of(session: Session, child_ids) -> dict[int, dict[str, date]]:
    """Recorded doses per child id: {child id: {code: given on}}."""
    out: dict[int, dict[str, date]] = {cid: {} for cid in child_ids}
    if out:
        for row in session.scalars(select(VaccineDose).where(VaccineDose.child_id.in_(list(out)))):
            out[row.child_id][row.code] = row.given_on
    return out


def overdue_codes(birth: date, given: dict[str, date], today: date) -> list[str]:
    """Codes of the child's overdue doses."""
    return [d.dose.code for d in next_doses(birth, given, today) if d.overdue]


def children_overdue(session: Session, centre_ids, on: date) -> dict[int, int]:
    """Per centre id: how many active children have at least one overdue dose on `on` (two queries, any scale)."""
    kids = session.execute(select(Child.id, Child.centre_id, Child.birth_date).where(
        Child.centre_id.in_(centre_ids), Child.active)).all()
    given: dict[int, dict[str, date]] = {child_id: {} for child_id, _, _ in kids}
    for child_id, code, day in session.execute(select(VaccineDose.child_id, VaccineDose.code, VaccineDose.given_on)
                                               .join(Child, Child.id == VaccineDose.child_id)
                                               .where(Child.centre_id.in_(centre_ids), Child.active)):
        given[child_id][code] = day
    out: dict[int, int] = {}
    for child_id, centre_id, birth in kids:
        late = birth is not None and bool(overdue_codes(birth, given[child_id], on))
        out[centre_id] = out.get(centre_id, 0) + late
    return out


def record_dose(session: Session, child: Child, code: str, on: date, by: str, now) -> VaccineDose:
    """Record (or correct the day of) one dose; audited."""
    row = session.scalar(select(VaccineDose).where(VaccineDose.child_id == child.id, VaccineDose.code == code))
    if row is None:
        row = VaccineDose(child_id=child.id, code=code, given_on=on, recorded_by=by, recorded_at=now)
        session.add(row)
    row.given_on, row.recorded_by, row.recorded_at = on, by, now
    audit(session, by, "vaccine.record", child.code, at=now, code=code, on=on.isoformat())
    return row
