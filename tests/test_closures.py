"""Closure days as chats: the head sets and removes them (confirmed, audited); nobody is expected on a closure
day or a Thai public holiday; teachers who are not heads are refused."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.calendar import closed_centres, is_school_day, open_centres
from domain.expected import expected_counts, missing_children
from handlers.closures import HEADS_ONLY
from models import AuditLog, Closure
from tests.support import quick_labels, texts
from tests.support.media import link_parent

MONDAY = date(2026, 11, 23)


def closures(session) -> list[tuple[date, str]]:
    session.expire_all()
    return [(c.day, c.reason) for c in session.scalars(select(Closure).order_by(Closure.day))]


def test_head_closes_the_centre_for_a_training_day(morning, chat, people, org, session):
    k1, k2 = org["centres"]["K0001"], org["centres"]["K0002"]
    asked = chat.text("Uhead", "ปิดศูนย์ 25 พ.ย. อบรมครู")
    assert "25 พ.ย." in texts(asked) and "เหตุผล: อบรมครู" in texts(asked)
    assert closures(session) == []
    done = chat.tap(asked[-1], "ยืนยัน", "Uhead")
    assert "บันทึกวันปิดศูนย์แล้ว" in texts(done) and "25 พ.ย. 2569 (อบรมครู)" in texts(done)
    assert closures(session) == [(date(2026, 11, 25), "อบรมครู")]
    assert session.scalar(select(AuditLog).where(AuditLog.action == "centre.close")).detail["days"] == ["2026-11-25"]
    day = date(2026, 11, 25)
    assert not is_school_day(session, k1, day) and is_school_day(session, k2, day)
    assert closed_centres(session, [k1.id, k2.id], day) == {k1.id}
    assert open_centres(session, [k1.id, k2.id], day) == {k2.id}
    counts = expected_counts(session, [k1.id, k2.id], day)
    assert counts[k1.id].expected == 0 and counts[k1.id].missing == 0 and counts[k2.id].expected == 1


def test_a_span_stores_only_days_that_would_be_school_days_and_can_be_removed(morning, chat, people, org, session):
    chat.tap(chat.text("Uhead", "ปิดศูนย์ 27-30 พ.ย.")[-1], "ยืนยัน", "Uhead")
    assert [d for d, _ in closures(session)] == [date(2026, 11, 27), date(2026, 11, 30)]
    assert "วันหยุดอยู่แล้ว" in texts(chat.text("Uhead", "ปิดศูนย์ 28 พ.ย."))
    asked = chat.text("Uhead", "ยกเลิกปิดศูนย์ 27 พ.ย.")
    assert "ยกเลิกวันปิดศูนย์ 1 วัน" in texts(asked)
    chat.tap(asked[-1], "ยืนยัน", "Uhead")
    assert [d for d, _ in closures(session)] == [date(2026, 11, 30)]
    assert "ไม่มีวันปิดศูนย์" in texts(chat.text("Uhead", "ยกเลิกปิดศูนย์ 2 ธ.ค."))
    assert "ผ่านมาแล้ว" in texts(chat.text("Uhead", "ปิดศูนย์ 20 พ.ย."))
    assert "พิมพ์วันที่ด้วย" in texts(chat.text("Uhead", "ปิดศูนย์"))


def test_closure_list_settings_and_help(morning, chat, people, org, session):
    chat.tap(chat.text("Uhead", "ปิดศูนย์ 25 พ.ย. อบรมครู")[-1], "ยืนยัน", "Uhead")
    body = texts(chat.text("Uhead", "วันปิดศูนย์"))
    assert "25 พ.ย. 2569 (อบรมครู)" in body and "วันรัฐธรรมนูญ" in body
    settings = chat.text("Uhead", "ตั้งค่าศูนย์")
    assert "วันปิดศูนย์ถัดไป: 25 พ.ย. 2569 (อบรมครู)" in texts(settings)
    assert "วันปิดศูนย์" in quick_labels(settings[-1])
    assert "ปิดศูนย์ 25 พ.ย." in texts(chat.text("Uhead", "ช่วยเหลือ"))


def test_teachers_who_are_not_heads_are_refused(morning, chat, people, org, session):
    assert texts(chat.text("Uteacher", "ปิดศูนย์ 25 พ.ย.")) == HEADS_ONLY
    assert texts(chat.text("Uteacher", "ยกเลิกปิดศูนย์ 25 พ.ย.")) == HEADS_ONLY
    assert texts(chat.postback("Uteacher", "a=cl.ok")) == HEADS_ONLY
    assert closures(session) == []


def test_a_closure_today_means_nobody_is_missing(morning, chat, people, org, session):
    k1 = org["centres"]["K0001"]
    assert len(missing_children(session, k1.id, MONDAY)) == 4
    chat.tap(chat.text("Uhead", "ปิดศูนย์ วันนี้ น้ำท่วม")[-1], "ยืนยัน", "Uhead")
    assert missing_children(session, k1.id, MONDAY) == []
    assert expected_counts(session, [k1.id], MONDAY)[k1.id].expected == 0


def test_public_holidays_are_not_school_days(session, org):
    k1 = org["centres"]["K0001"]
    for holiday in (date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 10)):
        assert not is_school_day(session, k1, holiday)
        assert expected_counts(session, [k1.id], holiday)[k1.id].expected == 0
    assert is_school_day(session, k1, date(2026, 12, 8))


def test_leave_on_a_closure_day_is_not_needed(morning, chat, people, org, session, rt):
    chat.tap(chat.text("Uhead", "ปิดศูนย์ 25 พ.ย. อบรมครู")[-1], "ยืนยัน", "Uhead")
    link_parent(chat, rt, "Uparent", "C000001")
    body = texts(chat.text("Uparent", "ลาป่วย 25 พ.ย."))
    assert "วันปิดศูนย์ (อบรมครู)" in body and "ไม่ได้บันทึก" in body
