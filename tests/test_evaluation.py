"""The 20 indicators, groups and stars: a month built by hand, checked through the operator's `evaluate`."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from domain.calendar import school_days
from domain.vaccines import CURRENT, SCHEDULES, add_months
from models import (Activity, Alert, Attendance, ChildGuardian, Guardian, LineGroup, Lunch, Measurement,
                    Media, Staff, VaccineDose)
from tests.support.officials import at

NOV = school_days(date(2026, 11, 1), date(2026, 11, 30))  # 21 school days; the last three: 26, 27, 30


@pytest.fixture
def month(org, session, clock):
    """November 2569 at K0001: everything done, but check-ins stop after the 25th. K0002: five lunches, no photo.

    By hand, K0001: I01 18/21 days = 85.7 % (done, last 25 Nov < 26 Nov = the third-last school day: not current),
    I02 100 % of arrivals (not current, same day), I07 72/84 child-days = 85.7 % (not current), I11 3/4 children
    = 75 %, every other indicator 100 % or not applicable (every child has every EPI dose due by 54 months, the head's
    record is complete) → done 20/20, 3 not current → score 17 → 3 stars, group 2.
    Every child has a photo consent from the enrolment form (the org fixture), so I13 = 100 % at both centres.
    K0002: done only I13 and the 5 indicators that do not apply (I14, I15, I17 — no staff —, I19, I20); I09 = 0 %
    (its child has no dose recorded) → score 6 → 1 star, group 3;
    I03 = 5/21 days = 23.8 %, I04 = 0/5 lunches with a photo.
    """
    k1, k2 = org["centres"]["K0001"], org["centres"]["K0002"]
    kids = [org["children"][f"C00000{n}"] for n in range(1, 5)]
    assert len(NOV) == 21
    session.add(Staff(centre_id=k1.id, role="head", name="หัวหน้าวิไล", line_user_id="Uhead", position="หัวหน้าศูนย์",
                      qualification="ปริญญาตรี การศึกษาปฐมวัย", training_hours=24))
    for child in kids:
        child.address = "12 หมู่ 3"
        session.add_all(VaccineDose(child_id=child.id, code=dose.code, given_on=add_months(child.birth_date, dose.months),
                                    recorded_by="Uhead") for dose in SCHEDULES[CURRENT] if dose.months <= 48)
        session.add(Measurement(child_id=child.id, measured_on=date(2026, 11, 10), weight_kg=14.0, height_cm=96.0))
    mother = session.query(Guardian).one()
    mother.line_user_id = "Umother"
    aunt = Guardian(name="ป้าแดง", line_user_id="Uaunt")
    session.add(aunt)
    session.flush()
    session.add(ChildGuardian(child_id=kids[2].id, guardian_id=aunt.id, relation="ป้า"))
    session.add(LineGroup(group_id="Gk1", name="ผู้ปกครอง", centre_id=k1.id, bound_at=at(NOV[0], 8)))
    for n, day in enumerate(NOV):
        if day <= date(2026, 11, 25):
            for child in kids:
                session.add(Attendance(child_id=child.id, centre_id=k1.id, day=day, arrived_at=at(day, 7, 30),
                                       arrived_by="Uhead", arrived_via="photo", health="ok"))
        lunch = Lunch(centre_id=k1.id, day=day, menu_text="ข้าวมันไก่", recorded_by="Uhead", recorded_at=at(day, 11))
        session.add(lunch)
        session.flush()
        session.add(Media(key=f"tray-{n}", centre_id=k1.id, lunch_id=lunch.id))
        session.add(Activity(centre_id=k1.id, day=day, caption="เล่นทราย", posted_by="Uhead",
                             domain=("ร่างกาย", "อารมณ์", "สังคม", "สติปัญญา")[n % 4]))
    session.add(Alert(kind="missing", centre_id=k1.id, child_id=kids[0].id, day=NOV[3], raised_at=at(NOV[3], 9),
                      acknowledged_at=at(NOV[3], 9, 5), acknowledged_by="Uhead"))
    for day in NOV[:5]:
        session.add(Lunch(centre_id=k2.id, day=day, menu_text="ข้าวผัด", recorded_by="Uteacher2", recorded_at=at(day, 11)))
    session.commit()
    clock.set(at(date(2026, 12, 2), 10))


def evaluate(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["evaluate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_operator_evaluates_a_month_whose_groups_and_stars_were_worked_out_by_hand(app, month):
    rows = {r["centre_code"]: r for r in json.loads(evaluate(app, "--month", "2026-11", "--format", "json"))}
    k1, k2 = rows["K0001"], rows["K0002"]
    assert (k1["group"], k1["stars"]) == (2, 3)
    assert {c: m["value"] for c, m in k1["indicators"].items() if c in ("I01", "I02", "I07", "I11")} == \
        {"I01": 85.7, "I02": 100.0, "I07": 85.7, "I11": 75.0}
    assert [c for c, m in k1["indicators"].items() if not m["current"]] == ["I01", "I02", "I07"]
    assert all(m["done"] for m in k1["indicators"].values())
    assert k1["why"] == ("3 ดาว: ตัวชี้วัดครบ 20/20, ข้อมูลไม่เป็นปัจจุบัน 3 ตัว: เช็คชื่อเด็กทุกวันเรียน, "
                         "ตรวจสุขภาพเด็กประจำวัน, อัตราการมาเรียน")
    assert (k2["group"], k2["stars"]) == (3, 1)
    assert [c for c, m in k2["indicators"].items() if m["done"]] == ["I13", "I14", "I15", "I17", "I19", "I20"]
    assert k2["indicators"]["I09"]["value"] == 0 and k1["indicators"]["I09"]["value"] == 100
    assert (k2["indicators"]["I03"]["value"], k2["indicators"]["I04"]["value"]) == (23.8, 0.0)


def test_operator_gets_one_centre_as_csv_and_the_definitions_table(app, month):
    rows = list(csv.DictReader(io.StringIO(evaluate(app, "--month", "2026-11", "--centre", "K0002", "--format", "csv"))))
    assert [(r["centre_code"], r["group"], r["stars"], r["I03_value"]) for r in rows] == [("K0002", "3", "1", "23.8")]
    table = json.loads(evaluate(app, "--definitions"))
    assert [d["code"] for d in table] == [f"I{n:02d}" for n in range(1, 21)]
    assert all(d["name"] and d["formula"] and d["period"] and d["source"] and d["standard"] for d in table)
    bad = app.test_cli_runner().invoke(args=["evaluate", "--month", "2569-13"])
    assert bad.exit_code == 2


def test_a_school_day_recorded_through_the_chat_shows_in_evaluate_and_in_the_officials_stars(chat, people, clock, app):
    from tests.support import at_local
    from tests.support.media import phone_photo, send_photos

    at_local(clock, "08:00")  # Monday 23 Nov 2569: K0001 records its day, K0002 records nothing
    chat.text("Uteacher", "มา ภูผา ข้าวหอม ขิง ใบเตย")
    chat.text("Uteacher", "ปกติทุกคน")
    chat.text("Uteacher", "เมนู ข้าวสวย, ต้มจืด")
    send_photos(chat, "Uteacher", [phone_photo()])
    chat.text("Uteacher", "กิจกรรม")
    chat.text("Uteacher", "ปั้นดินน้ำมัน")
    chat.tap(send_photos(chat, "Uteacher", [phone_photo((10, 200, 90))])[-1], "ร่างกาย", "Uteacher")
    rows = {r["centre_code"]: r for r in json.loads(evaluate(app, "--month", "2026-11"))}
    k1, k2 = rows["K0001"]["indicators"], rows["K0002"]["indicators"]
    for code in ("I01", "I02", "I03", "I04", "I05"):  # recorded today: current at K0001, not at K0002
        assert (k1[code]["current"], k2[code]["current"]) == (True, False), code
    assert k1["I02"]["value"] == 100.0 and k1["I04"]["value"] == 100.0 and k2["I01"]["value"] == 0.0
    assert rows["K0001"]["group"] == rows["K0002"]["group"] == 3  # one day of 16 is not a month's work
    lao = json.dumps(chat.text("Ulao", "ผลประเมิน"), ensure_ascii=False)
    assert rows["K0001"]["why"] in lao and rows["K0002"]["why"] in lao
