"""Officials and centre heads ask about their scope: the role × scope × query matrix, paging, drill-down,
empty days and holidays, forged postbacks, privacy and the audit log."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from bot.actions import OFFICIAL_ALERTS, OFFICIAL_HEALTH, OFFICIAL_VIEW
from domain.calendar import is_school_day
from domain.expected import expected_counts
from domain.growth import growth_status
from models import AuditLog, Centre, Child, Lao, Staff
from tests.support import texts
from tests.support.officials import TUESDAY, UNIT_NAMES, at, flex

QUERIES = ["ภาพรวมวันนี้", "ศูนย์ที่ยังไม่บันทึก", "อาหารกลางวันวันนี้", "ข้อมูลเด็ก", "ข้อมูลครู", "การแจ้งเตือนวันนี้"]
SEES = {"Ulao": {"L001", "K0001", "K0002"},
        "Ud1": {"D01", "L001", "L002", "K0001", "K0002", "K0003"},
        "Uprov": {"D01", "D02", "L001", "L002", "L003", "K0001", "K0002", "K0003", "K0004"},
        "Ulao3": {"L003", "K0004"},
        "Uhead": {"K0001"}}


def bubble_titles(message: dict) -> list[str]:
    return [b["body"]["contents"][0]["text"] for b in message["contents"]["contents"]]


def as_text(messages: list[dict]) -> str:
    return json.dumps(messages, ensure_ascii=False)


@pytest.mark.parametrize("query", QUERIES)
def test_each_asker_sees_only_units_inside_their_scope(chat, world, query):
    for user, allowed in SEES.items():
        answer = chat.text(user, query)
        body = as_text(answer)
        assert flex(answer)["contents"]["type"] == "carousel"
        for code, name in UNIT_NAMES.items():
            if code not in allowed:
                assert name not in body, f"{user} asked {query} and saw {code}"
        assert "ลับเฉพาะ" not in body and "ลมชัก" not in body and "0865731593" not in body


def test_district_official_sees_one_bubble_per_lao_worst_first(chat, world):
    titles = bubble_titles(flex(chat.text("Ud1", "ภาพรวมวันนี้")))
    assert titles[0] == "ภาพรวมวันนี้"
    assert set(titles[1:]) == {UNIT_NAMES["L001"], UNIT_NAMES["L002"]}
    # L002's one child has not arrived (0 %); L001 has 2 of 3 expected: L002 is worse, so it comes first.
    assert titles[1] == UNIT_NAMES["L002"]


def test_lao_official_sees_expected_arrived_on_leave_missing_per_centre(chat, world):
    body = as_text(chat.text("Ulao", "ภาพรวมวันนี้"))
    assert "2/3  (66.7%)" in body  # K0001: 4 active, 1 on sick leave → 3 expected, 2 arrived
    assert "0/1  (0%)" in body  # K0002


def test_province_official_drills_down_to_a_centre(chat, world):
    answer = flex(chat.text("Uprov", "ภาพรวมวันนี้"))
    assert set(bubble_titles(answer)[1:]) == {UNIT_NAMES["D01"], UNIT_NAMES["D02"]}
    d01 = next(b for b in answer["contents"]["contents"] if b["body"]["contents"][0]["text"] == UNIT_NAMES["D01"])
    data = d01["footer"]["contents"][0]["action"]["data"]
    laos = flex(chat.postback("Uprov", data))
    assert set(bubble_titles(laos)[1:]) == {UNIT_NAMES["L001"], UNIT_NAMES["L002"]}
    centres = flex(chat.postback("Uprov", OFFICIAL_VIEW.data(q="ov", l="lao", u="L001")))
    assert set(bubble_titles(centres)[1:]) == {UNIT_NAMES["K0001"], UNIT_NAMES["K0002"]}


def test_forged_drill_down_for_another_lao_is_refused_and_audited(chat, world, session):
    answer = chat.postback("Ulao", OFFICIAL_VIEW.data(q="kids", l="centre", u="K0004"))
    assert "นอกขอบเขต" in texts(answer) and UNIT_NAMES["K0004"] not in as_text(answer)
    row = session.scalar(select(AuditLog).where(AuditLog.action == "officials.refused"))
    assert row.actor == "Ulao" and row.subject == "centre:K0004"
    for forged in (OFFICIAL_VIEW.data(q="ov", l="province", u="P39"), OFFICIAL_HEALTH.data(u="K0004"),
                   OFFICIAL_ALERTS.data(u="K0004"), OFFICIAL_VIEW.data(q="ov", l="nonsense", u="x")):
        assert "นอกขอบเขต" in texts(chat.postback("Ulao", forged))
    assert "ลับเฉพาะ" not in as_text(chat.postback("Ud1", OFFICIAL_ALERTS.data(u="K0004")))


def test_head_sees_only_her_own_centre_and_cannot_climb(chat, world):
    answer = flex(chat.text("Uhead", "ภาพรวมวันนี้"))
    assert bubble_titles(answer)[1:] == [UNIT_NAMES["K0001"]]
    assert "นอกขอบเขต" in texts(chat.postback("Uhead", OFFICIAL_VIEW.data(q="ov", l="lao", u="L001")))


@pytest.mark.parametrize("user", ["Uteacher", "Uparent", "Unew"])
def test_teacher_parent_and_stranger_get_a_polite_refusal(chat, world, user):
    for query in QUERIES + ([] if user == "Uteacher" else ["รายงาน"]):  # a teacher has her centre's reports
        assert "ขออภัยค่ะ" in texts(chat.text(user, query))
    assert "ขออภัยค่ะ" in texts(chat.postback(user, OFFICIAL_VIEW.data(q="ov", l="centre", u="K0001")))


def test_official_sees_which_centres_have_not_recorded_and_for_how_long(chat, world):
    body = as_text(chat.text("Ulao", "ศูนย์ที่ยังไม่บันทึก"))
    assert "2/2 ศูนย์" in body  # K0001 has check-ins and lunch but no activity; K0002 only an old activity
    assert "บันทึกล่าสุด 3 วันก่อน" in body and "บันทึกวันนี้บางส่วน" in body


def test_lunch_shows_menu_and_signed_tray_photo(chat, world):
    answer = flex(chat.text("Ulao", "อาหารกลางวันวันนี้"))
    k1 = next(b for b in answer["contents"]["contents"] if b["body"]["contents"][0]["text"] == UNIT_NAMES["K0001"])
    assert k1["hero"]["url"].startswith("https://smartkids.example/media/tray-k1/preview?e=")
    assert "ข้าวมันไก่ แตงโม" in as_text(k1) and "ยังไม่บันทึกเมนูวันนี้" in as_text(answer)


def test_children_counts_show_no_names_and_health_list_is_audited(chat, world, session):
    answer = chat.text("Ulao", "ข้อมูลเด็ก")
    body = as_text(answer)
    assert "ภูริ" not in body and "หอบหืด" not in body  # counts only
    assert "สูงดีสมส่วน" in body and "เตี้ย" in body  # growth bands from the two measurements
    k1 = next(b for b in flex(answer)["contents"]["contents"] if b["body"]["contents"][0]["text"] == UNIT_NAMES["K0001"])
    health = k1["footer"]["contents"][-1]["action"]["data"]
    from models import Consent, Child
    session.add(Consent(child_id=session.scalar(select(Child.id).where(Child.code == "C000001")), kind="health",
                        granted=True, set_by="Uparent"))
    session.commit()
    listed = texts(chat.postback("Ulao", health))
    assert "หอบหืด" in listed and "นมวัว" not in listed and "อีก 1 คน" in listed  # C000004: no health consent
    viewed = session.scalars(select(AuditLog.subject).where(AuditLog.action == "view.child.health",
                                                            AuditLog.actor == "Ulao")).all()
    assert sorted(viewed) == ["C000001"]


def test_teachers_with_their_last_record(chat, world, session):
    teacher = session.scalar(select(Staff).where(Staff.name == "ครูสมศรี"))
    teacher.position, teacher.training_hours, teacher.covid_doses = "ครูผู้ดูแลเด็ก", 30, [{"n": 1, "on": "2021-07-12"}]
    session.commit()
    body = as_text(chat.text("Ulao", "ข้อมูลครู"))
    assert "ครูสมศรี: วันนี้" in body and "หัวหน้าวิไล: ยังไม่เคยบันทึก" in body
    assert "ครูผู้ดูแลเด็ก · อบรม 30 ชม. · วัคซีนโควิด 1 เข็ม" in body


def test_alerts_counted_then_listed_with_who_acknowledged(chat, world, session):
    answer = flex(chat.text("Ulao", "การแจ้งเตือนวันนี้"))
    assert "ภูริ" not in as_text(answer)
    k1 = next(b for b in answer["contents"]["contents"] if b["body"]["contents"][0]["text"] == UNIT_NAMES["K0001"])
    listed = texts(chat.postback("Ulao", k1["footer"]["contents"][-1]["action"]["data"]))
    assert "09:00" in listed and "หัวหน้าวิไล" in listed and "ติดต่อผู้ปกครองแล้ว" in listed
    assert session.scalar(select(AuditLog).where(AuditLog.action == "view.child.alert")).subject == "C000001"
    province = as_text(chat.text("Uprov", "การแจ้งเตือนวันนี้"))
    assert "ลับเฉพาะ" not in province


def test_holiday_expects_nobody_and_says_why(chat, world, clock, session):
    clock.set(at(date(2026, 12, 10)))  # วันรัฐธรรมนูญ, a Thursday
    body = as_text(chat.text("Ulao", "ภาพรวมวันนี้"))
    assert "วันรัฐธรรมนูญ" in body and "0/0" in body
    assert "วันรัฐธรรมนูญ" in as_text(chat.text("Ulao", "ศูนย์ที่ยังไม่บันทึก"))
    assert not is_school_day(session, world["k1"], date(2026, 12, 10))
    assert not is_school_day(session, world["k1"], date(2026, 11, 28))  # Saturday
    assert is_school_day(session, world["k1"], TUESDAY)


def test_empty_school_day_shows_everyone_missing(chat, world, clock):
    clock.set(at(date(2026, 11, 25)))
    body = as_text(chat.text("Ulao", "ภาพรวมวันนี้"))
    assert "0/4  (0%)" in body  # the sick leave still covers the 25th: 5 active − 1
    assert "วันนี้ไม่มีการแจ้งเตือนค่ะ" in as_text(chat.text("Ulao", "การแจ้งเตือนวันนี้"))


def test_more_than_twelve_units_page_with_next(chat, world, session, rt, line):
    lao = session.scalar(select(Lao).where(Lao.code == "L003"))
    for n in range(13):
        session.add(Centre(code=f"K9{n:03d}", name=f"ศูนย์ทดสอบหน้า {n}", lao_id=lao.id))
    session.commit()
    first = flex(chat.text("Ulao3", "ข้อมูลครู"))
    bubbles = first["contents"]["contents"]
    assert len(bubbles) == 12 and bubbles[-1]["body"]["contents"][0]["text"] == "ยังมีต่อ"
    second = flex(chat.postback("Ulao3", bubbles[-1]["footer"]["contents"][0]["action"]["data"]))
    titles = bubble_titles(second)
    assert len(titles) == 1 + 4 and "หน้า 2/2" in as_text(second)
    assert not set(titles[1:]) & set(bubble_titles(first))


def test_expected_counts_by_definition(world, session):
    kids = session.scalars(select(Child).where(Child.centre_id == world["k1"].id)).all()
    counts = expected_counts(session, [world["k1"].id, world["k4"].id], TUESDAY)
    k1 = counts[world["k1"].id]
    assert (k1.active, k1.expected, k1.arrived, k1.on_leave, k1.missing) == (len(kids), 3, 2, 1, 1)
    assert counts[world["k4"].id].missing == 1
    weekend = expected_counts(session, [world["k1"].id], date(2026, 11, 29))[world["k1"].id]
    assert weekend.expected == weekend.missing == 0


def test_growth_bands_and_children_past_sixty_months():
    assert growth_status("M", date(2022, 5, 1), date(2026, 1, 5), 14.5, 98.0).good
    thin = growth_status("F", date(2022, 5, 1), date(2026, 1, 5), 10.0, 85.0)
    assert thin.hfa == "เตี้ย" and thin.wfh == "ค่อนข้างผอม" and not thin.good
    assert growth_status("F", date(2020, 5, 1), date(2026, 1, 5), 18.0, 110.0).over_60


def test_missing_children_are_the_expected_who_have_not_arrived(world, session):
    from domain.expected import missing_children

    assert [c.code for c in missing_children(session, world["k1"].id, TUESDAY)] == ["C000001"]
    assert missing_children(session, world["k1"].id, date(2026, 12, 10)) == []
