"""The health check on arrival as chats: all normal, the checklist, temperatures, sending a child home."""
from __future__ import annotations

from sqlalchemy import select

from models import Attendance, AuditLog
from tests.support import link_parent, quick_labels, texts


def rows(session) -> dict[str, Attendance]:
    session.expire_all()
    return {r.child.code: r for r in session.scalars(select(Attendance))}


def test_all_normal_marks_every_unchecked_arrival(morning, chat, people, rt, org, session, check_in):
    replies = check_in("C000001", "C000002")
    replies = chat.tap(replies[-1], "สุขภาพปกติทุกคน", "Uteacher")
    assert "ปกติ 2 คน" in texts(replies)
    assert {r.health for r in rows(session).values()} == {"ok"}
    check_in("C000003")
    replies = chat.postback("Uteacher", "a=hc.ok")
    assert "ปกติ 1 คน" in texts(replies)
    assert texts(chat.postback("Uteacher", "a=hc.ok")) == "ไม่มีเด็กที่รอตรวจสุขภาพค่ะ (เช็คชื่อเด็กก่อน แล้วค่อยตรวจสุขภาพ)"


def test_checklist_records_exceptions_with_temperature_and_note(morning, chat, people, rt, org, session, check_in):
    check_in("C000001", "C000003")
    replies = chat.text("Uteacher", "ตรวจสุขภาพ")
    assert "ตรวจแล้ว 0 จาก 2 คน" in texts(replies)
    replies = chat.tap(replies[-1], "ภูผา", "Uteacher")
    assert "อาการของ ภูผา: ปกติ" in texts(replies)
    assert {"มีไข้", "เหา", "แผลปาก/ผื่นมือเท้า", "บันทึก"} <= set(quick_labels(replies[-1]))
    replies = chat.tap(replies[-1], "มีไข้", "Uteacher")
    assert "กี่องศา" in texts(replies)
    replies = chat.text("Uteacher", "ร้อนมาก")
    assert "ตัวเลข" in texts(replies)
    replies = chat.text("Uteacher", "38.4")
    assert "มีไข้ 38.4°C" in texts(replies) and "✓ มีไข้" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "เหา", "Uteacher")
    replies = chat.tap(replies[-1], "บันทึกอื่น ๆ", "Uteacher")
    replies = chat.text("Uteacher", "ไม่ยอมกินข้าวเช้า")
    replies = chat.tap(replies[-1], "บันทึก", "Uteacher")
    body = texts(replies)
    assert "มีไข้ 38.4°C" in body and "มีเหา" in body and "ไม่ยอมกินข้าวเช้า" in body
    assert "ส่งกลับบ้าน" in quick_labels(replies[-1])
    row = rows(session)["C000001"]
    assert row.health == "concern" and row.temperature == 38.4 and row.health_note == "ไม่ยอมกินข้าวเช้า"
    assert {i["code"] for i in row.health_items} == {"fever", "lice", "note"}
    assert rows(session)["C000003"].health is None


def test_typed_temperature_records_and_checks_in(morning, chat, people, rt, org, session):
    replies = chat.text("Uteacher", "ขิง 37.0")
    assert "เช็คชื่อ ขิง แล้ว" in texts(replies) and "37.0°C (ปกติ)" in texts(replies)
    assert rows(session)["C000003"].health == "ok"
    replies = chat.text("Uteacher", "ขิง 38,5")
    assert "มีไข้" in texts(replies) and "ส่งกลับบ้าน" in quick_labels(replies[-1])
    assert rows(session)["C000003"].health == "concern"
    assert "ไม่ถูกต้อง" in texts(chat.text("Uteacher", "ขิง 58"))
    replies = chat.text("Uteacher", "ภูริ 38.0")  # two children named ภูริ
    assert "หลายคน" in texts(replies) and len(quick_labels(replies[-1])) == 2


def test_sent_home_tells_only_that_childs_guardians_privately(morning, chat, people, bound_group, rt, org, session,
                                                               line, check_in):
    link_parent(chat, "Uparent", "ภูผา")
    check_in("C000001", "C000003")
    chat.text("Uteacher", "ภูผา 38.6")
    before_group = len(line.bot_messages(bound_group))
    replies = chat.postback("Uteacher", f"a=hc.home&c={org['children']['C000001'].id}")
    assert "ยืนยัน" in texts(replies)
    replies = chat.tap(replies[-1], "ยืนยัน ส่งกลับบ้าน", "Uteacher")
    body = texts(replies)
    assert "แจ้งทาง LINE แล้ว: ผู้ปกครอง แม่ของภูผา" in body  # the parent who linked on LINE
    assert "โทรแจ้ง: แม่ สุดารัตน์ วงศ์ษา โทร 0865731593" in body  # the roster's mother, not on LINE
    from bot.worker import run_once
    run_once(rt)
    notice = texts(line.bot_messages("Uparent")[-1:])
    assert "มารับกลับบ้าน" in notice and "38.6" in notice
    assert len(line.bot_messages(bound_group)) == before_group  # never the whole group
    assert rows(session)["C000001"].sent_home_at is not None
    assert session.scalar(select(AuditLog).where(AuditLog.action == "child.sent_home"))
    # a child with no guardian recorded: the teacher is told to reach the family herself
    chat.text("Uteacher", "ขิง 38.6")
    replies = chat.postback("Uteacher", f"a=hc.home_yes&c={org['children']['C000003'].id}")
    assert "ไม่มีข้อมูลผู้ปกครอง" in texts(replies)


def test_a_teacher_of_another_centre_cannot_touch_these_children(morning, chat, people, rt, org, session, check_in):
    check_in("C000001")
    child = org["children"]["C000001"]
    assert texts(chat.postback("Uteacher2", f"a=hc.home_yes&c={child.id}")) == "ปุ่มนี้ใช้ได้เฉพาะครูของศูนย์ของเด็กคนนี้ค่ะ"
    assert texts(chat.postback("Uteacher2", f"a=ci.arrive&c={org['children']['C000002'].id}")) == \
        "ปุ่มนี้ใช้ได้เฉพาะครูของศูนย์ของเด็กคนนี้ค่ะ"
    assert rows(session)["C000001"].sent_home_at is None and "C000002" not in rows(session)


def test_typed_variants_of_temperature_and_all_normal(morning, chat, people, rt, org, session, check_in):
    assert "38.5°C (⚠️ มีไข้)" in texts(chat.text("Uteacher", "ขิง ไข้ 38.5 องศา"))
    check_in("C000001")
    assert "ปกติ 1 คน" in texts(chat.text("Uteacher", "ปกติทุกคน"))
    assert rows(session)["C000001"].health == "ok" and rows(session)["C000003"].health == "concern"


def test_typed_send_home_asks_to_confirm(morning, chat, people, rt, org, session, check_in):
    check_in("C000003")
    replies = chat.text("Uteacher", "ส่งขิงกลับบ้าน")
    assert "ยืนยันส่ง ขิง" in texts(replies)
    assert "ยืนยันส่ง ขิง" in texts(chat.text("Uteacher", "ส่งกลับบ้าน ขิง"))
    assert texts(chat.text("Uteacher", "ส่งกลับบ้าน ส้มโอ")) == "ส่งเด็กคนไหนกลับบ้านคะ (ไม่พบชื่อ \"ส้มโอ\")"
    assert len(quick_labels(chat.text("Uteacher", "ส่งกลับบ้าน ภูริ")[-1])) == 2
    chat.tap(replies[-1], "ยืนยัน ส่งกลับบ้าน", "Uteacher")
    assert rows(session)["C000003"].sent_home_at is not None
