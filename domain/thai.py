"""Thai presentation: Buddhist-era dates, short month names, times as people read them."""
from __future__ import annotations

from datetime import date, datetime

MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def thai_date(day: date, full: bool = False) -> str:
    """'23 พ.ย. 2569' (or '23 พฤศจิกายน 2569' when full): the Buddhist-era year people read."""
    months = MONTHS_FULL if full else MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year + 543}"


def thai_month(day: date) -> str:
    """'พฤศจิกายน 2569' for report titles."""
    return f"{MONTHS_FULL[day.month - 1]} {day.year + 543}"


def hhmm(moment: datetime) -> str:
    """'07:42' in the moment's own timezone (pass local times)."""
    return moment.strftime("%H:%M")
