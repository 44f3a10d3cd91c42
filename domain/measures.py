"""Weight and height as teachers type them, checked before saving, and the growth status they give.

Checks, in two kinds:
- wrong (never saved; the teacher is told why): weight outside 2–50 kg (0 or 150 kg), height outside 45–150 cm
  (a height over 300 is read as millimetres and the teacher is told so), a measurement of the future;
- doubtful (saved only after the teacher confirms): a z-score beyond ±4 for the child's age (weight-for-age,
  height-for-age) or her height (weight-for-height), a height lower than the last one by more than 2 cm, a
  weight that changed by more than 20 %, or a height that grew more than 2 cm a month since the last measurement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit import audit
from domain.growth import Growth, growth_status
from domain.thaidates import THAI_DIGITS
from models import Child, Measurement

WEIGHT_RANGE, HEIGHT_RANGE = (2.0, 50.0), (45.0, 150.0)
Z_LIMIT = 4
NUMBER = r"[0-9๐-๙]+(?:[.,][0-9๐-๙]+)?"
PAIR = re.compile(rf"^(?:น้ำหนัก\s*)?(?P<kg>{NUMBER})\s*(?:กก\.?|กิโล(?:กรัม)?)?\s*(?:,|/|\s)\s*(?:ส่วนสูง\s*)?"
                  rf"(?P<cm>{NUMBER})\s*(?:ซม\.?|เซน(?:ติเมตร|ต์)?)?$")


def number(typed: str) -> float:
    """A decimal typed with Thai digits or a comma ("๑๕,๕" → 15.5)."""
    return float(typed.translate(THAI_DIGITS).replace(",", "."))


def parse_pair(typed: str) -> tuple[float, float] | None:
    """(kg, cm) from "15.5 98", "15,5 98", "น้ำหนัก 15 ส่วนสูง 98 ซม."; None when it is not two numbers."""
    found = PAIR.match(" ".join(typed.split()))
    return (number(found["kg"]), number(found["cm"])) if found else None


@dataclass
class Check:
    """What is wrong (refused) or doubtful (to confirm) about a measurement, in Thai."""

    wrong: list[str]
    doubtful: list[str]


def check(child: Child, on: date, kg: float, cm: float, last: Measurement | None) -> Check:
    """The problems of a typed measurement for this child (see the module's rules)."""
    wrong, doubtful = [], []
    if not WEIGHT_RANGE[0] <= kg <= WEIGHT_RANGE[1]:
        low, high = WEIGHT_RANGE
        wrong.append(f"น้ำหนัก {kg:g} กก. ไม่ใช่น้ำหนักของเด็กเล็ก (ควรอยู่ระหว่าง {low:g}–{high:g} กก.)")
    if cm > 300:
        wrong.append(f"ส่วนสูง {cm:g} น่าจะเป็นมิลลิเมตร กรุณาพิมพ์เป็นเซนติเมตร (เช่น {cm / 10:g} ซม.)")
    elif not HEIGHT_RANGE[0] <= cm <= HEIGHT_RANGE[1]:
        low, high = HEIGHT_RANGE
        wrong.append(f"ส่วนสูง {cm:g} ซม. ไม่ใช่ส่วนสูงของเด็กเล็ก (ควรอยู่ระหว่าง {low:g}–{high:g} ซม.)")
    if wrong:
        return Check(wrong, [])
    status = growth_status(child.sex, child.birth_date, on, kg, cm)
    scores = ((status.z_wfa, "น้ำหนักตามอายุ"), (status.z_hfa, "ส่วนสูงตามอายุ"), (status.z_wfh, "น้ำหนักตามส่วนสูง"))
    for z, what in scores:
        if z is not None and abs(z) > Z_LIMIT:
            doubtful.append(f"{what}ผิดปกติมากสำหรับเด็กอายุนี้ (ค่า z {z:+.1f})")
    if last and last.measured_on < on:
        months = max((on - last.measured_on).days / 30.4, 1)
        if last.height_cm and cm < last.height_cm - 2:
            doubtful.append(f"ส่วนสูงลดลงจากครั้งก่อน ({last.height_cm:g} ซม.)")
        elif last.height_cm and cm - last.height_cm > 2 * months:
            doubtful.append(f"ส่วนสูงเพิ่มจากครั้งก่อน ({last.height_cm:g} ซม.) มากผิดปกติ")
        if last.weight_kg and abs(kg - last.weight_kg) > 0.2 * last.weight_kg:
            doubtful.append(f"น้ำหนักเปลี่ยนจากครั้งก่อน ({last.weight_kg:g} กก.) เกิน 20%")
    return Check([], doubtful)


def last_measurement(session: Session, child_id: int, before: date | None = None) -> Measurement | None:
    """The child's latest measurement (strictly before `before` when given)."""
    query = select(Measurement).where(Measurement.child_id == child_id)
    if before:
        query = query.where(Measurement.measured_on < before)
    return session.scalar(query.order_by(Measurement.measured_on.desc()).limit(1))


def save(session: Session, child: Child, on: date, kg: float, cm: float, by: str, now: datetime) -> Growth:
    """Record the day's measurement (a second one the same day replaces it); audited; returns its status."""
    row = session.scalar(select(Measurement).where(Measurement.child_id == child.id, Measurement.measured_on == on))
    if row is None:
        row = Measurement(child_id=child.id, measured_on=on)
        session.add(row)
    row.weight_kg, row.height_cm, row.recorded_by = kg, cm, by
    audit(session, by, "growth.measure", child.code, at=now, kg=kg, cm=cm)
    return growth_status(child.sex, child.birth_date, on, kg, cm)


def age_text(birth: date, on: date) -> str:
    """'4 ปี 6 เดือน'."""
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    years, months = divmod(max(months, 0), 12)
    return (f"{years} ปี " if years else "") + f"{months} เดือน"


def status_lines(child: Child, on: date, kg: float, cm: float, status: Growth) -> list[str]:
    """A measurement as parents and teachers read it: figures, age, bands, สูงดีสมส่วน."""
    lines = [f"{child.display_name} อายุ {age_text(child.birth_date, on)}",
             f"น้ำหนัก {kg:g} กก. ส่วนสูง {cm:g} ซม.",
             f"• น้ำหนักตามส่วนสูง: {status.wfh or '-'}" + (" (ใช้ดัชนีมวลกายตามอายุ)" if status.over_60 else ""),
             f"• ส่วนสูงตามอายุ: {status.hfa or '-'}", f"• น้ำหนักตามอายุ: {status.wfa or '-'}"]
    if status.good:
        lines.append("✅ สูงดีสมส่วน")
    lines.append(f"(เกณฑ์ {status.reference})")
    return lines


def latest_statuses(session: Session, children: list[Child]) -> list[tuple[Child, Measurement, Growth]]:
    """Each child's latest measurement and its status (children never measured are left out)."""
    latest: dict[int, Measurement] = {}
    if children:
        rows = session.scalars(select(Measurement).where(Measurement.child_id.in_([c.id for c in children]))
                               .order_by(Measurement.measured_on))
        latest = {row.child_id: row for row in rows}
    return [(c, latest[c.id], growth_status(c.sex, c.birth_date, latest[c.id].measured_on, latest[c.id].weight_kg,
                                            latest[c.id].height_cm)) for c in children if c.id in latest]


CONCERNS = ("ผอม", "ค่อนข้างผอม", "เตี้ย", "ค่อนข้างเตี้ย", "เริ่มอ้วน", "อ้วน")


def summary_lines(children: list[Child], statuses: list[tuple[Child, Measurement, Growth]]) -> list[str]:
    """A class's growth: how many measured, in each band, and who needs attention (ผอม / เตี้ย / อ้วน …)."""
    lines = [f"ชั่งวัดแล้ว {len(statuses)} จาก {len(children)} คน"]
    if not statuses:
        return lines
    lines.append(f"✅ สูงดีสมส่วน {sum(s.good for _, _, s in statuses)} คน")
    for title, attr in (("น้ำหนักตามส่วนสูง", "wfh"), ("ส่วนสูงตามอายุ", "hfa")):
        counts: dict[str, int] = {}
        for _, _, s in statuses:
            if getattr(s, attr):
                counts[getattr(s, attr)] = counts.get(getattr(s, attr), 0) + 1
        lines.append(f"{title}: " + ", ".join(f"{band} {n}" for band, n in counts.items()))
    for band in CONCERNS:
        names = [c.short_name for c, _, s in statuses if band in (s.wfh, s.hfa)]
        if names:
            lines.append(f"⚠️ {band}: {', '.join(names)}")
    unmeasured = [c.short_name for c in children if c.id not in {c2.id for c2, _, _ in statuses}]
    if unmeasured:
        lines.append("ยังไม่ได้ชั่งวัด: " + ", ".join(unmeasured[:30]) + (" …" if len(unmeasured) > 30 else ""))
    return lines
