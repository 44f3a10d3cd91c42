"""Parents in 1:1: did my child arrive (siblings, own children only, health notes private), today's lunch and
activities, photo consent; centres never see each other's records."""
from datetime import datetime, timedelta

from sqlalchemy import select

from models import Absence, Attendance, AuditLog, Consent, Guardian
from tests.support import make_invite, quick_labels, texts
from tests.support.media import image_urls, link_parent, phone_photo, send_photos


def _arrive(session, rt, child, minutes_ago=30, **fields):
    now = rt.now()
    session.add(Attendance(child_id=child.id, centre_id=child.centre_id, day=now.date(),
                           arrived_at=now - timedelta(minutes=minutes_ago), arrived_by="Uteacher",
                           arrived_via="photo", **fields))
    session.commit()


def _morning(clock, rt):
    now = rt.now()
    clock.set(datetime(now.year, now.month, now.day, 10, 0, tzinfo=rt.tz))


def test_parent_with_two_children_asks_whether_they_arrived(chat, people, session, org, rt, clock):
    _morning(clock, rt)
    link_parent(chat, rt, "Uparent", "C000001", "C000002")
    kids = org["children"]
    _arrive(session, rt, kids["C000001"], health="concern", temperature=37.9, health_items=[{"code": "fever"}],
            health_note="ให้ยาลดไข้แล้ว")
    replies = chat.text("Uparent", "ลูกมาถึงหรือยังคะ")
    body = texts(replies)
    assert "น้องภูผา: มาถึงแล้ว 09:30 น." in body and "มีไข้ 37.9°C, หมายเหตุ: ให้ยาลดไข้แล้ว" in body
    assert "น้องข้าวหอม: ยังไม่ได้เช็คชื่อ" in body
    assert "ขิง" not in body and "ใบเตย" not in body
    assert "วันนี้กินอะไร" in quick_labels(replies[-1])
    assert session.scalar(select(AuditLog).where(AuditLog.action == "parent.view_arrival")).subject == "C000001,C000002"


def test_parent_never_sees_another_childs_health_notes(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000004")
    _arrive(session, rt, org["children"]["C000003"], health="concern", health_note="มีเหา")
    _arrive(session, rt, org["children"]["C000004"], health="ok", late=True)
    body = texts(chat.text("Uparent", "ลูกมาถึงหรือยัง"))
    assert "น้องใบเตย: มาถึงแล้ว" in body and "(มาสาย)" in body and "ตรวจสุขภาพ: ปกติ" in body
    assert "เหา" not in body and "ขิง" not in body


def test_reported_absence_is_shown_when_not_checked_in(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    child = org["children"]["C000001"]
    session.add(Absence(child_id=child.id, centre_id=child.centre_id, kind="sick", first_day=rt.now().date(),
                        last_day=rt.now().date(), reported_by="Uparent"))
    session.commit()
    assert "ยังไม่ได้เช็คชื่อ (ลาป่วยไว้แล้ว)" in texts(chat.text("Uparent", "ลูกมาถึงหรือยัง"))


def test_someone_not_linked_gets_no_childs_data(chat, people, session, org, rt):
    _arrive(session, rt, org["children"]["C000001"])
    body = texts(chat.text("Uparent", "ลูกมาถึงหรือยัง"))
    assert "ภูผา" not in body and "มาถึงแล้ว" not in body


def test_parent_sees_todays_lunch_and_activities_in_1to1(chat, people, session, org, rt, app):
    link_parent(chat, rt, "Uparent", "C000001")
    assert "ยังไม่ได้บันทึกอาหารกลางวัน" in texts(chat.text("Uparent", "วันนี้กินอะไร"))
    chat.text("Uteacher", "เมนู ข้าวสวย, ปลาทอด")
    send_photos(chat, "Uteacher", [phone_photo()])
    replies = chat.text("Uparent", "วันนี้ลูกกินอะไรคะ")
    assert "• ปลาทอด" in texts(replies) and len(image_urls(replies)) == 1
    assert "ยังไม่มีกิจกรรม" in texts(chat.text("Uparent", "กิจกรรมวันนี้"))
    for caption in ("ร้องเพลง", "วาดรูป", "ปลูกผัก"):
        chat.text("Uteacher", "กิจกรรม")
        send_photos(chat, "Uteacher", [phone_photo(), phone_photo()], set_id=f"s-{caption}")
        chat.text("Uteacher", caption)
        chat.postback("Uteacher", "a=activity.domain&d=")
    replies = chat.text("Uparent", "กิจกรรมวันนี้")
    assert len(replies) <= 5 and "ปลูกผัก" in texts(replies) and "วาดรูป" in texts(replies)
    assert "อีก 1 กิจกรรม" in texts(replies)


def test_parent_sees_only_their_own_centre_lunch(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000005")  # a child at K0002
    chat.text("Uteacher", "เมนู ข้าวต้มกุ้ง")
    chat.tap(chat.line.bot_messages("Uteacher")[-1], "บันทึกเลย", "Uteacher")
    body = texts(chat.text("Uparent", "วันนี้กินอะไร"))
    assert "ข้าวต้มกุ้ง" not in body and "บ้านโนน ยังไม่ได้บันทึก" in body


def test_siblings_at_two_centres_see_both_lunches(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000001", "C000005")
    chat.text("Uteacher", "เมนู ข้าวผัด")
    chat.tap(chat.line.bot_messages("Uteacher")[-1], "บันทึกเลย", "Uteacher")
    chat.text("Uteacher2", "เมนู ก๋วยเตี๋ยว")
    chat.tap(chat.line.bot_messages("Uteacher2")[-1], "บันทึกเลย", "Uteacher2")
    body = texts(chat.text("Uparent", "วันนี้กินอะไร"))
    assert "ข้าวผัด" in body and "ก๋วยเตี๋ยว" in body


def test_parent_withdraws_and_gives_consent_for_one_of_two_children(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000001", "C000002")
    replies = chat.text("Uparent", "ความยินยอม")
    assert "น้องภูผา: ส่งรูปที่มีบุตรหลานให้ผู้ปกครองในกลุ่ม ✅ ยินยอม" in texts(replies)
    assert "ข้อมูลสุขภาพ ❌ ไม่ยินยอม" in texts(replies)  # never answered = no consent
    assert "ถอนรูป ข้าวหอม" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "ถอนรูป ข้าวหอม", "Uparent")
    assert "น้องข้าวหอม ไม่ยินยอม" in texts(replies)
    child_id = org["children"]["C000002"].id
    row = session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.kind == "photo"))
    assert (row.granted, row.set_by) == (False, "Uparent")
    assert "ข้าวหอม (วีรภัทร สายบุญ)" in texts(chat.text("Uteacher", "ความยินยอม"))
    assert session.scalar(select(AuditLog).where(AuditLog.action == "consent.photo")).subject == "C000002"
    chat.tap(chat.text("Uparent", "ความยินยอม")[-1], "ให้สุขภาพ ข้าวหอม", "Uparent")
    assert session.scalar(select(Consent.granted).where(Consent.child_id == child_id, Consent.kind == "health"))


def test_parent_cannot_set_consent_for_a_child_not_theirs(chat, people, session, org, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    other = org["children"]["C000003"].id
    replies = chat.postback("Uparent", f"a=consent.set&child={other}&k=photo&g=0")
    assert "เฉพาะบุตรหลาน" in texts(replies)
    assert session.scalar(select(Consent.granted).where(Consent.child_id == other)) is True  # unchanged


def test_parent_linked_by_code_reaches_the_same_guardian_for_siblings(chat, people, session, org, rt):
    chat.event("Uparent", "follow", "Uparent")
    chat.text("Uparent", make_invite(rt, "parent", "C000001"))
    chat.text("Uparent", make_invite(rt, "parent", "C000002"))
    assert len(session.scalars(select(Guardian).where(Guardian.line_user_id == "Uparent")).all()) == 1
    help_replies = chat.text("Uparent", "ช่วยเหลือ")
    assert "ลูกมาถึงหรือยัง" in texts(help_replies) and "ความยินยอม" in quick_labels(help_replies[-1])
