"""Leave and late notices as chats: guardians for their own children (1:1), teachers for a parent who phoned;
always confirmed; forged buttons refused; the teacher's missing list and the safety loop see the leave."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.alerts import raise_alert
from domain.expected import missing_children
from models import Absence, Alert, AuditLog
from tests.support import at_local, quick_labels, texts
from tests.support.media import link_parent

MONDAY = date(2026, 11, 23)


def absences(session) -> list[Absence]:
    session.expire_all()
    return list(session.scalars(select(Absence).order_by(Absence.id)))


def confirm(chat, user, replies):
    """Tap ยืนยัน under the bot's last message."""
    assert quick_labels(replies[-1])[:3] == ["ยืนยัน", "แก้ไข", "ยกเลิก"]
    return chat.tap(replies[-1], "ยืนยัน", user)


def test_parent_reports_sick_leave_for_tomorrow(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    replies = chat.text("Uparent", "ลาป่วยพรุ่งนี้ค่ะ")
    body = texts(replies)
    assert "น้องภูผา" in body and "ลาป่วย" in body and "24 พ.ย. 2569" in body
    assert absences(session) == []  # nothing before the confirmation
    done = texts(confirm(chat, "Uparent", replies))
    assert "บันทึกลาป่วยของน้องภูผาแล้วค่ะ" in done
    [row] = absences(session)
    assert (row.kind, row.first_day, row.last_day, row.reported_by) == ("sick", date(2026, 11, 24),
                                                                       date(2026, 11, 24), "Uparent")
    assert row.child.code == "C000001" and row.cancelled_at is None
    assert session.scalar(select(AuditLog).where(AuditLog.action == "absence.record")).subject == "C000001"
    assert "หมดเวลา" in texts(chat.tap(replies[-1], "ยืนยัน", "Uparent"))  # a second tap records nothing more
    assert len(absences(session)) == 1


def test_parent_of_two_reports_a_span_for_both_from_the_menu(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001", "C000002")
    asked = chat.text("Uparent", "แจ้งลา")
    assert quick_labels(asked[-1]) == ["ลาป่วย", "ลากิจ", "มาสาย", "ยกเลิก"]
    who = chat.tap(asked[-1], "ลากิจ", "Uparent")
    assert quick_labels(who[-1]) == ["น้องภูผา", "น้องข้าวหอม", "ทุกคน", "ยกเลิก"]
    days = chat.tap(who[-1], "ทุกคน", "Uparent")
    assert quick_labels(days[-1])[:2] == ["วันนี้", "พรุ่งนี้"]
    replies = chat.text("Uparent", "27-30 พ.ย.")  # Friday to Monday: the weekend is not a school day
    body = texts(replies)
    assert "27 พ.ย. 2569 – 30 พ.ย. 2569" in body and "วันเรียนที่ครอบคลุม 2 วัน: 27 พ.ย., 30 พ.ย." in body
    confirm(chat, "Uparent", replies)
    rows = absences(session)
    assert sorted(r.child.code for r in rows) == ["C000001", "C000002"]
    assert {(r.kind, r.first_day, r.last_day) for r in rows} == {("personal", date(2026, 11, 27), date(2026, 11, 30))}


def test_a_span_without_any_school_day_records_nothing(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    body = texts(chat.text("Uparent", "ลากิจ 28-29 พ.ย."))
    assert "ไม่มีวันเปิดเรียน" in body and "ไม่ได้บันทึก" in body
    body = texts(chat.text("Uparent", "ลาป่วย 10 ธ.ค."))  # วันรัฐธรรมนูญ
    assert "วันรัฐธรรมนูญ" in body and "ไม่ได้บันทึก" in body
    body = texts(chat.text("Uparent", "ลาป่วย 20 พ.ย."))
    assert "ผ่านมาแล้ว" in body
    assert absences(session) == []


def test_late_notice_with_a_time_and_without(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    replies = chat.text("Uparent", "มาสาย 9 โมงครึ่ง")
    assert "จะมาถึงประมาณ: 09:30 น." in texts(replies) and "23 พ.ย. 2569" in texts(replies)
    confirm(chat, "Uparent", replies)
    asked = chat.text("Uparent", "มาสาย พรุ่งนี้")
    assert quick_labels(asked[-1]) == ["09:00", "10:00", "11:00", "ยกเลิก"]
    replies = chat.tap(asked[-1], "10:00", "Uparent")
    assert "24 พ.ย. 2569" in texts(replies)
    confirm(chat, "Uparent", replies)
    rows = absences(session)
    assert [(r.kind, r.first_day, r.late_until) for r in rows] == [("late", MONDAY, time(9, 30)),
                                                                   ("late", date(2026, 11, 24), time(10))]
    assert "ยังไม่ได้เช็คชื่อ (แจ้งว่าจะมาสาย ประมาณ 09:30 น.)" in texts(chat.text("Uparent", "ลูกมาถึงหรือยัง"))


def test_edit_then_cancel_records_nothing(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    replies = chat.text("Uparent", "ลาป่วย")
    assert "23 พ.ย. 2569" in texts(replies)  # no day said: today
    edit = chat.tap(replies[-1], "แก้ไข", "Uparent")
    days = chat.tap(edit[-1], "เปลี่ยนวันที่", "Uparent")
    replies = chat.text("Uparent", "25 พ.ย.")
    assert "25 พ.ย. 2569" in texts(replies) and "23 พ.ย." not in texts(replies)
    assert days and "ยกเลิกแล้ว" in texts(chat.tap(replies[-1], "ยกเลิก", "Uparent"))
    assert absences(session) == []


def test_forged_buttons_for_another_familys_child_are_refused(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001", "C000002")
    asked = chat.text("Uparent", "ลาป่วย พรุ่งนี้")
    assert "ทุกคน" in quick_labels(asked[-1])
    other = org["children"]["C000003"]
    refused = chat.postback("Uparent", f"a=ab.child&c={other.id}")
    assert "เฉพาะเด็กที่อยู่ในความดูแลของคุณ" in texts(refused)
    assert "ขิง" not in texts(refused)
    assert "เฉพาะเด็ก" in texts(chat.postback("Uparent", "a=ab.child&c=abc"))
    replies = chat.tap(refused[-1], "น้องภูผา", "Uparent")
    confirm(chat, "Uparent", replies)
    assert [r.child.code for r in absences(session)] == ["C000001"]
    # somebody else's leave cannot be cancelled with a forged id
    session.add(Absence(child_id=other.id, centre_id=other.centre_id, kind="sick", first_day=MONDAY,
                        last_day=MONDAY, reported_by="Uother"))
    session.commit()
    theirs = absences(session)[-1]
    assert texts(chat.postback("Uparent", f"a=lv.off&id={theirs.id}")) == \
        "ยกเลิกได้เฉพาะการแจ้งลาของเด็กที่อยู่ในความดูแลของคุณค่ะ"
    assert absences(session)[-1].cancelled_at is None


def test_somebody_not_linked_is_answered_politely(morning, chat, people, org, session):
    body = texts(chat.text("Unew", "ลาป่วย พรุ่งนี้"))
    assert "ผู้ปกครองที่เชื่อมกับบุตรหลานแล้ว" in body
    assert "ผู้ปกครองที่เชื่อมกับบุตรหลานแล้ว" in texts(chat.text("Unew", "ยกเลิกการลา"))
    assert absences(session) == []


def test_parent_cancels_reported_leave(morning, chat, people, org, session, rt):
    link_parent(chat, rt, "Uparent", "C000001")
    confirm(chat, "Uparent", chat.text("Uparent", "ลากิจ 25 พ.ย."))
    listing = chat.text("Uparent", "ยกเลิกการลา")
    assert "ภูผา ลากิจ 25 พ.ย. 2569" in texts(listing)
    [label] = quick_labels(listing[-1])
    assert "ยกเลิกแล้ว" in texts(chat.tap(listing[-1], label, "Uparent"))
    [row] = absences(session)
    assert row.cancelled_at is not None
    assert "ผ่านไปแล้ว" in texts(chat.tap(listing[-1], label, "Uparent"))
    assert "ไม่มีการแจ้งลา" in texts(chat.text("Uparent", "ยกเลิกการลา"))


def test_teacher_records_leave_a_parent_phoned_in(morning, chat, people, org, session):
    replies = chat.text("Uteacher", "ภูผา ลากิจ พรุ่งนี้")
    assert "(ครูบันทึกแทนผู้ปกครอง)" in texts(replies) and "24 พ.ย. 2569" in texts(replies)
    confirm(chat, "Uteacher", replies)
    asked = chat.text("Uteacher", "ลา ขิง 25-27 พ.ย.")
    replies = chat.tap(asked[-1], "ลาป่วย", "Uteacher")
    confirm(chat, "Uteacher", replies)
    asked = chat.text("Uteacher", "ลาป่วย ภูริ")  # two children have the first name ภูริ
    assert sorted(quick_labels(asked[-1])[:2]) == ["ขิง (ภูริ)", "ภูผา (ภูริ)"]
    confirm(chat, "Uteacher", chat.tap(asked[-1], "ขิง (ภูริ)", "Uteacher"))
    rows = absences(session)
    assert [(r.child.code, r.kind, r.first_day, r.last_day) for r in rows] == [
        ("C000001", "personal", date(2026, 11, 24), date(2026, 11, 24)),
        ("C000003", "sick", date(2026, 11, 25), date(2026, 11, 27)),
        ("C000003", "sick", MONDAY, MONDAY)]
    assert all(r.reported_by == "Uteacher" and "ครูบันทึก" in r.note for r in rows)


def test_teacher_cannot_record_leave_for_another_centres_child(morning, chat, people, org, session):
    asked = chat.text("Uteacher2", "ลาป่วย")
    assert "พิมพ์ชื่อเด็ก" in texts(asked)
    refused = chat.postback("Uteacher2", f"a=ab.child&c={org['children']['C000001'].id}")
    assert "เฉพาะเด็กที่อยู่ในความดูแล" in texts(refused)
    replies = chat.text("Uteacher2", "ภูผา")  # K0002's own ภูผา
    confirm(chat, "Uteacher2", replies)
    assert [r.child.code for r in absences(session)] == ["C000005"]


def test_leave_in_the_parent_group_is_sent_to_private_chat(morning, chat, bound_group, org, session):
    body = texts(chat.text("Uteacher", "ลาป่วย ภูผา", group=bound_group))
    assert "แชตส่วนตัว" in body
    assert absences(session) == []


def test_missing_list_shows_leave_kinds_and_late_notices(morning, chat, people, org, session):
    confirm(chat, "Uteacher", chat.text("Uteacher", "ลาป่วย ภูผา"))
    confirm(chat, "Uteacher", chat.text("Uteacher", "ลากิจ ใบเตย"))
    confirm(chat, "Uteacher", chat.text("Uteacher", "มาสาย ขิง 10 โมง"))
    body = texts(chat.text("Uteacher", "ยังไม่มา"))
    assert "ยังไม่มา 2 คน" in body  # ข้าวหอม and ขิง (late is still not arrived)
    assert "แจ้งมาสาย: ขิง (10:00)" in body
    assert "ลา: ภูผา (ป่วย), ใบเตย (กิจ)" in body


def test_leave_for_today_settles_the_missing_alert(clock, chat, people, org, session, rt):
    at_local(clock, "09:05")
    link_parent(chat, rt, "Uparent", "C000001")
    centre, child = org["centres"]["K0001"], org["children"]["C000001"]
    now = datetime(2026, 11, 23, 9, 5, tzinfo=ZoneInfo("Asia/Bangkok"))
    alert = raise_alert(session, centre, "missing", MONDAY, now, child=child)
    session.commit()
    assert child in missing_children(session, centre.id, MONDAY)
    confirm(chat, "Uparent", chat.text("Uparent", "ลาป่วยวันนี้ค่ะ เป็นไข้"))
    session.expire_all()
    assert child not in missing_children(session, centre.id, MONDAY)
    settled = session.get(Alert, alert.id)
    assert settled.acknowledged_at is not None and settled.resolution == "sick"
    assert absences(session)[0].note == "เป็นไข้"


def test_a_check_in_typed_while_the_bot_asks_which_child_is_a_check_in(chat, people, session, org):
    asked = texts(chat.text("Uteacher", "ลาป่วย ภูริ"))  # two children are called ภูริ
    assert "ชื่อนี้มี 2 คน: ขิง (ภูริ), ภูผา (ภูริ)" in asked
    replies = texts(chat.text("Uteacher", "มา ข้าวหอม"))
    assert "ข้าวหอม มาแล้ว" in replies and "ลาป่วย" not in replies
    assert session.scalar(select(Absence)) is None


def test_leave_typed_while_another_flow_waits_for_text_is_leave(chat, people, session, org):
    assert "เมนู" in texts(chat.text("Uteacher", "อาหารกลางวัน"))  # the lunch flow now waits for the dishes
    replies = texts(chat.text("Uteacher", "ลาป่วย ข้าวหอม"))
    assert "น้องข้าวหอม" in replies and "ลาป่วย" in replies and "ได้เมนูแล้ว" not in replies
