"""Thai day and time expressions as parents and teachers type them: "พรุ่งนี้", "25-27 พ.ย.", "ศุกร์นี้", "9 โมงครึ่ง".

Days are read relative to `today`: a day without a year is its next occurrence (one that passed less than
a month ago counts as past and is refused); years may be Buddhist (2569, 69) or Christian (2026).
Pure functions: no database, no clock.
"""
from __future__ import annotations

import re
from datetime import date, time, timedelta

from domain.thai import MONTHS, MONTHS_FULL, thai_date

MAX_SPAN_DAYS = 60
RECENT_PAST_DAYS = 31  # a yearless day this recently passed is a mistake, not next year's
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
WEEKDAY_NAMES = ("จันทร์", "อังคาร", "พุธ", "พฤหัส(?:บดี)?", "ศุกร์", "เสาร์", "อาทิตย์")
NUMBER_WORDS = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
                "สิบ": 10, "สิบเอ็ด": 11, "สิบสอง": 12}


class DateProblem(ValueError):
    """A day expression that cannot be used; `reason` is the Thai explanation for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _month_names() -> dict[str, int]:
    names = {}
    for n, (short, full) in enumerate(zip(MONTHS, MONTHS_FULL), start=1):
        names[full] = names[short] = names[short.rstrip(".")] = names[short.replace(".", "")] = n
    return names


MONTH_NUMBER = _month_names()
_MONTH = "|".join(sorted((re.escape(m) for m in MONTH_NUMBER), key=len, reverse=True))
_RELATIVE = rf"วันนี้|พรุ่งนี้|มะรืน(?:นี้)?|(?:วัน)?(?:{'|'.join(WEEKDAY_NAMES)})(?:นี้|หน้า)?"
_DASH = r"\s*(?:-|–|ถึง(?:วันที่)?|จนถึง)\s*"


def _named(p: str) -> str:
    """A regex for '25 พ.ย. [2569]' or '25/11[/69]', its groups prefixed with `p`."""
    year = rf"(?:\s*(?:พ\.ศ\.|ค\.ศ\.)?\s*(?P<{p}y>\d{{4}}|\d{{2}})(?!\d))?"
    return (rf"(?P<{p}d>\d{{1,2}})\s*(?:(?P<{p}m>{_MONTH}){year}"
            rf"|/(?P<{p}n>\d{{1,2}})(?:/(?P<{p}y2>\d{{4}}|\d{{2}}))?(?![\d/]))")


def _one(p: str) -> str:
    """A regex for one day: a relative word, or a day with a month and an optional year."""
    return rf"(?:วันที่\s*)?(?:(?P<{p}r>{_RELATIVE})|{_named(p)})"


SPAN = re.compile(rf"(?:(?:วันที่\s*)?(?P<bare>\d{{1,2}}){_DASH}(?={_named('z')})|{_one('a')}{_DASH}){_one('b')}"
                  rf"|{_one('c')}")


def _year(text: str | None) -> int | None:
    """2569 / 69 (Buddhist) or 2026 (Christian) as a Christian year."""
    if not text:
        return None
    n = int(text)
    if len(text) == 2:
        return n + 2500 - 543
    return n - 543 if n >= 2400 else n


def _relative(word: str, today: date) -> date:
    if word == "วันนี้":
        return today
    if word == "พรุ่งนี้":
        return today + timedelta(1)
    if word.startswith("มะรืน"):
        return today + timedelta(2)
    name = word.removeprefix("วัน")
    weekday = next(i for i, w in enumerate(WEEKDAY_NAMES) if re.match(w, name))
    if name.endswith("หน้า"):  # in next week (Monday to Sunday)
        return today + timedelta(7 - today.weekday() + weekday)
    return today + timedelta((weekday - today.weekday()) % 7)


def _make(day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"ไม่มีวันที่ {day} ในเดือน{MONTHS_FULL[month - 1] if 1 <= month <= 12 else 'นี้'}ค่ะ")


def _next_occurrence(day: int, month: int, today: date) -> date:
    """The yearless day's next occurrence (today counts); one passed within a month is refused as past."""
    this_year = _make(day, month, today.year) if not (day == 29 and month == 2) else None
    if this_year is not None and this_year >= today:
        return this_year
    if this_year is not None and (today - this_year).days <= RECENT_PAST_DAYS:
        raise DateProblem(f"วันที่ {thai_date(this_year)} ผ่านมาแล้วค่ะ แจ้งได้เฉพาะวันนี้หรือวันข้างหน้า")
    for year in range(today.year, today.year + 8):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateProblem("วันที่ไม่ถูกต้องค่ะ")


def _day(found: re.Match, prefix: str, today: date, bare: str | None = None) -> tuple[date, bool]:
    """The day named by one group set of SPAN, and whether its year was given."""
    word = found.group(prefix + "r")
    if word:
        return _relative(word, today), True
    month_word, month_no = found.group(prefix + "m"), found.group(prefix + "n")
    month = MONTH_NUMBER[month_word] if month_word else int(month_no)
    if not 1 <= month <= 12:
        raise DateProblem(f"ไม่มีเดือนที่ {month} ค่ะ")
    day = int(bare or found.group(prefix + "d"))
    year = _year(found.group(prefix + "y") or found.group(prefix + "y2"))
    if year is None:
        return _next_occurrence(day, month, today), False
    return _make(day, month, year), True


def _normalise(text: str) -> str:
    return (text or "").translate(THAI_DIGITS)


def _without(text: str, found: re.Match) -> str:
    """The text around a match, spaces folded."""
    return " ".join((text[:found.start()] + " " + text[found.end():]).split())


def find_days(text: str, today: date) -> tuple[tuple[date, date] | None, str]:
    """The first day or span in `text` and the text without it; (None, text) when it names no day.

    Raises DateProblem (with a Thai reason) for a span in the past, reversed, or longer than MAX_SPAN_DAYS.
    """
    text = _normalise(text)
    found = SPAN.search(text)
    if found is None:
        return None, text.strip()
    rest = _without(text, found)
    if found.group("cr") or found.group("cd"):
        first, _ = _day(found, "c", today)
        return check_span(first, first, today), rest
    last, last_has_year = _day(found, "b", today)
    if found.group("bare") is not None:
        first, first_has_year = _make(int(found.group("bare")), last.month, last.year), last_has_year
        if not last_has_year and first < today <= last:
            raise DateProblem(f"วันที่ {thai_date(first)} ผ่านมาแล้วค่ะ แจ้งได้เฉพาะวันนี้หรือวันข้างหน้า")
    else:
        first, first_has_year = _day(found, "a", today)
    if last < first and not last_has_year:
        later = _make(last.day, last.month, last.year + 1)  # "30 ธ.ค.-2 ม.ค.": the span crosses the new year
        last = later if (later - first).days < MAX_SPAN_DAYS else last
    elif last > first and not first_has_year and last_has_year and first.year < last.year and \
            first.month <= last.month:
        first = _make(first.day, first.month, last.year)  # "25 พ.ย. - 2 ธ.ค. 70": the year belongs to both
    return check_span(first, last, today), rest


def check_span(first: date, last: date, today: date) -> tuple[date, date]:
    """(first, last) when it is a usable span, else DateProblem with the reason."""
    if last < first:
        raise DateProblem(f"วันสิ้นสุด ({thai_date(last)}) มาก่อนวันเริ่ม ({thai_date(first)}) ค่ะ")
    if last < today:
        raise DateProblem(f"วันที่ {thai_date(last)} ผ่านมาแล้วค่ะ แจ้งได้เฉพาะวันนี้หรือวันข้างหน้า")
    if first < today:
        raise DateProblem(f"วันที่ {thai_date(first)} ผ่านมาแล้วค่ะ เริ่มได้ตั้งแต่วันนี้เป็นต้นไป")
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise DateProblem(f"ช่วงวันยาวเกินไปค่ะ แจ้งได้ครั้งละไม่เกิน {MAX_SPAN_DAYS} วัน")
    if (first - today).days > 366:
        raise DateProblem(f"วันที่ {thai_date(first)} ไกลเกินไปค่ะ แจ้งล่วงหน้าได้ไม่เกิน 1 ปี")
    return first, last


def parse_days(text: str, today: date) -> tuple[date, date]:
    """The span a text names (no day at all = today); DateProblem for anything unusable."""
    span, _ = find_days(text, today)
    return span or (today, today)


def span_text(first: date, last: date) -> str:
    """'25 พ.ย. 2569' or '25 พ.ย. 2569 – 27 พ.ย. 2569'."""
    return thai_date(first) if first == last else f"{thai_date(first)} – {thai_date(last)}"


# --- times ----------------------------------------------------------------------------------------------

_NUM = r"\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
TIME = re.compile(
    rf"(?<![\d/])(?P<h>[01]?\d|2[0-3])\s*[:.]\s*(?P<m>[0-5]\d)(?!\d)(?:\s*(?:น\.|นาฬิกา))?"
    rf"|(?P<noon>เที่ยง(?:วัน|ตรง)?)\s*(?P<noon_half>ครึ่ง)?"
    rf"|บ่าย\s*(?P<pm>{_NUM}|โมง)?\s*(?:โมง)?\s*(?P<pm_half>ครึ่ง)?"
    rf"|(?<![\d/])(?P<o>{_NUM})\s*(?P<unit>โมง|นาฬิกา|ทุ่ม)\s*(?P<half>ครึ่ง)?\s*(?P<part>เช้า|เย็น|ตรง)?"
    rf"(?:\s*(?P<mins>\d{{1,2}})\s*นาที)?")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _time_of(found: re.Match) -> time:
    if found.group("h") is not None:
        return time(int(found.group("h")), int(found.group("m")))
    if found.group("noon"):
        return time(12, 30 if found.group("noon_half") else 0)
    if found.group("o") is None:  # บ่าย…
        hour = 1 if found.group("pm") in (None, "โมง") else _number(found.group("pm"))
        if not 1 <= hour <= 6:
            raise DateProblem("เวลาไม่ถูกต้องค่ะ พิมพ์เช่น \"บ่าย 2\" หรือ \"14:00\"")
        return time(hour + 12, 30 if found.group("pm_half") else 0)
    hour, unit, part = _number(found.group("o")), found.group("unit"), found.group("part")
    minute = 30 if found.group("half") else int(found.group("mins") or 0)
    if unit == "ทุ่ม":
        hour += 18
    elif unit == "โมง" and part == "เช้า" and 1 <= hour <= 5:
        hour += 6  # หนึ่งโมงเช้า = 07:00 (the six-hour clock)
    elif unit == "โมง" and (part == "เย็น" or (part is None and 1 <= hour <= 5)):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateProblem("เวลาไม่ถูกต้องค่ะ พิมพ์เช่น \"9 โมง\" หรือ \"09:30\"")
    return time(hour, minute)


def find_time(text: str) -> tuple[time | None, str]:
    """The first time of day in `text` ("9 โมงครึ่ง", "09:30", "บ่าย 2", "เที่ยง") and the text without it."""
    text = _normalise(text)
    found = TIME.search(text)
    if found is None:
        return None, text.strip()
    return _time_of(found), _without(text, found)


def parse_time(text: str) -> time | None:
    """The time of day a text names, or None."""
    return find_time(text)[0]


PAST_DAY = re.compile(rf"^(?:วันที่\s*)?(?P<d>\d{{1,2}})"
                      rf"(?:\s*(?P<m>{_MONTH})\s*|\s*[/.\-]\s*(?P<n>\d{{1,2}})\s*[/.\-]?\s*)(?P<y>\d{{4}}|\d{{2}})?$")


def past_day(text: str, today: date, oldest: date | None = None) -> date:
    """A day that has happened (a dose given, a child who left, a birth): "วันนี้", "เมื่อวาน", "25 พ.ย.",
    "25 พ.ย. 2569", "25/11/2569" or "25/11/2026" (a year from 2400 is Buddhist). A yearless day is its latest
    occurrence up to today. Raises DateProblem (Thai) for an unreadable, impossible or future day, and for a
    Christian year typed where the Buddhist one was meant (e.g. 2565 read as ค.ศ. is centuries ahead)."""
    typed = " ".join(_normalise(text).split())
    typed = re.sub(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"\3/\2/\1", typed)  # ISO, as a spreadsheet writes it
    if typed in ("วันนี้", "today"):
        return today
    if typed == "เมื่อวาน":
        return today - timedelta(1)
    found = PAST_DAY.match(typed)
    if not found:
        raise DateProblem("อ่านวันที่ไม่ได้ค่ะ พิมพ์ เช่น \"25 พ.ย. 2569\" หรือ \"25/11/2569\" (ปี พ.ศ.)")
    month = MONTH_NUMBER[found["m"]] if found["m"] else int(found["n"])
    if not 1 <= month <= 12:
        raise DateProblem(f"ไม่มีเดือนที่ {month} ค่ะ")
    year = _year(found["y"])
    if year is None:
        year = today.year if (month, int(found["d"])) <= (today.month, today.day) else today.year - 1
    day = _make(int(found["d"]), month, year)
    if day > today:
        raise DateProblem(f"วันที่ {thai_date(day)} ยังมาไม่ถึงค่ะ กรุณาตรวจวันที่และปี พ.ศ. อีกครั้ง")
    if oldest and day < oldest:
        raise DateProblem(f"วันที่ {thai_date(day)} เก่าเกินไปค่ะ กรุณาตรวจปี พ.ศ. (เช่น 2565 ไม่ใช่ 2022 หรือ 2508)")
    return day
