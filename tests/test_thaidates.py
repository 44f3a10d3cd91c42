"""Thai day and time expressions, read relative to a Monday (23 Nov 2026 = 23 พ.ย. 2569)."""
from datetime import date, time

import pytest

from domain.thaidates import DateProblem, find_days, find_time, parse_days, parse_time, span_text

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("said, first, last", [
    ("", MONDAY, MONDAY),
    ("วันนี้", MONDAY, MONDAY),
    ("พรุ่งนี้", date(2026, 11, 24), date(2026, 11, 24)),
    ("มะรืน", date(2026, 11, 25), date(2026, 11, 25)),
    ("มะรืนนี้", date(2026, 11, 25), date(2026, 11, 25)),
    ("25 พ.ย.", date(2026, 11, 25), date(2026, 11, 25)),
    ("25 พย", date(2026, 11, 25), date(2026, 11, 25)),
    ("วันที่ 25 พฤศจิกายน", date(2026, 11, 25), date(2026, 11, 25)),
    ("25/11", date(2026, 11, 25), date(2026, 11, 25)),
    ("๒๕ พ.ย.", date(2026, 11, 25), date(2026, 11, 25)),
    ("25-27 พ.ย.", date(2026, 11, 25), date(2026, 11, 27)),
    ("25 - 27 พ.ย. 2569", date(2026, 11, 25), date(2026, 11, 27)),
    ("25 ถึง 27 พ.ย.", date(2026, 11, 25), date(2026, 11, 27)),
    ("25 พ.ย. - 2 ธ.ค.", date(2026, 11, 25), date(2026, 12, 2)),
    ("30 ธ.ค.-2 ม.ค.", date(2026, 12, 30), date(2027, 1, 2)),
    ("25 พ.ย. 2569", date(2026, 11, 25), date(2026, 11, 25)),
    ("25 พ.ย. 69", date(2026, 11, 25), date(2026, 11, 25)),
    ("25 พ.ย. 2026", date(2026, 11, 25), date(2026, 11, 25)),
    ("25/11/69", date(2026, 11, 25), date(2026, 11, 25)),
    ("20 พ.ย. 2570", date(2027, 11, 20), date(2027, 11, 20)),
    ("1 ม.ค.", date(2027, 1, 1), date(2027, 1, 1)),
    ("วันศุกร์", date(2026, 11, 27), date(2026, 11, 27)),
    ("ศุกร์นี้", date(2026, 11, 27), date(2026, 11, 27)),
    ("วันพฤหัส", date(2026, 11, 26), date(2026, 11, 26)),
    ("จันทร์", MONDAY, MONDAY),
    ("จันทร์หน้า", date(2026, 11, 30), date(2026, 11, 30)),
    ("วันนี้ถึงพรุ่งนี้", MONDAY, date(2026, 11, 24)),
])
def test_days(said, first, last):
    assert parse_days(said, MONDAY) == (first, last)


def test_the_rest_of_the_text_is_kept_for_names():
    span, rest = find_days("ลาป่วย ภูผา 25-27 พ.ย. ค่ะ", MONDAY)
    assert span == (date(2026, 11, 25), date(2026, 11, 27)) and rest == "ลาป่วย ภูผา ค่ะ"
    assert find_days("ลาป่วย ภูผา", MONDAY) == (None, "ลาป่วย ภูผา")


@pytest.mark.parametrize("said, reason", [
    ("20 พ.ย.", "ผ่านมาแล้ว"),            # a yearless day a few days ago is a mistake, not next year's
    ("20 พ.ย. 2569", "ผ่านมาแล้ว"),
    ("20-24 พ.ย.", "ผ่านมาแล้ว"),
    ("27-25 พ.ย.", "มาก่อนวันเริ่ม"),
    ("2 ธ.ค. - 25 พ.ย.", "มาก่อนวันเริ่ม"),
    ("1 ธ.ค. 2569 - 2 ม.ค. 2569", "มาก่อนวันเริ่ม"),
    ("1 ธ.ค. - 28 ก.พ.", "ยาวเกินไป"),
    ("31 พ.ย.", "ไม่มีวันที่ 31"),
    ("25/13", "ไม่มีเดือนที่ 13"),
    ("25 พ.ย. 2575", "ไกลเกินไป"),
])
def test_unusable_days_are_refused_with_a_thai_reason(said, reason):
    with pytest.raises(DateProblem) as problem:
        parse_days(said, MONDAY)
    assert reason in problem.value.reason


def test_a_span_of_exactly_sixty_days_is_fine():
    assert parse_days("1 ธ.ค. - 29 ม.ค.", MONDAY) == (date(2026, 12, 1), date(2027, 1, 29))


def test_span_text_is_buddhist_era():
    assert span_text(date(2026, 11, 25), date(2026, 11, 25)) == "25 พ.ย. 2569"
    assert span_text(date(2026, 12, 30), date(2027, 1, 2)) == "30 ธ.ค. 2569 – 2 ม.ค. 2570"


@pytest.mark.parametrize("said, at", [
    ("9 โมง", time(9)), ("9 โมงครึ่ง", time(9, 30)), ("09:30", time(9, 30)), ("9.30", time(9, 30)),
    ("9.30 น.", time(9, 30)), ("10 โมงเช้า", time(10)), ("สองโมงเช้า", time(8)), ("เก้าโมง", time(9)),
    ("สิบโมงครึ่ง", time(10, 30)), ("เที่ยง", time(12)), ("เที่ยงครึ่ง", time(12, 30)), ("บ่ายโมง", time(13)),
    ("บ่าย 2", time(14)), ("บ่ายสองโมงครึ่ง", time(14, 30)), ("4 โมงเย็น", time(16)), ("9 โมง 15 นาที", time(9, 15)),
    ("๙ โมง", time(9)), ("10 นาฬิกา", time(10)),
])
def test_times(said, at):
    assert parse_time(said) == at


def test_time_is_found_inside_a_sentence_and_dates_are_not_times():
    assert find_time("มาสาย 10 โมง พรุ่งนี้") == (time(10), "มาสาย พรุ่งนี้")
    assert parse_time("25/11") is None and parse_time("ลาป่วย") is None
    assert parse_time("25.11") is None
