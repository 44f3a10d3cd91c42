"""Parents' voice: a head opens a survey round, a guardian answers by tapping, results come back with the rate."""
from __future__ import annotations

from sqlalchemy import func, select

from models import SurveyAnswer
from tests.support import link_parent, quick_labels, texts


def test_guardian_answers_the_survey_the_head_opened_by_tapping_the_buttons(chat, people, line, session):
    link_parent(chat, "Uparent", "ภูผา")
    first = chat.text("Uhead", "แบบสอบถาม")
    assert "ยังไม่เคยเปิดแบบสอบถาม" in texts(first)
    opened = chat.tap(first[-1], "เปิดแบบสอบถามรอบใหม่", "Uhead")
    assert "ส่งถึงผู้ปกครองที่เชื่อม LINE 1 คน" in texts(opened)
    invite = line.bot_messages("Uparent")[-1]
    assert quick_labels(invite) == ["5 มากที่สุด", "4 มาก", "3 ปานกลาง", "2 น้อย", "1 น้อยที่สุด"]
    answer = chat.tap(invite, "5 มากที่สุด", "Uparent")
    for label in ("4 มาก", "4 มาก", "5 มากที่สุด"):
        answer = chat.tap(answer[-1], label, "Uparent")
    assert "มีอะไรอยากบอกศูนย์เพิ่มเติมไหม" in texts(answer)
    assert "ขอบคุณ" in texts(chat.text("Uparent", "อยากให้มีรูปกิจกรรมมากขึ้นค่ะ"))
    again = chat.tap(invite, "1 น้อยที่สุด", "Uparent")  # the old buttons cannot answer twice
    assert "ตอบไปแล้ว" in texts(again)
    assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 1
    result = texts(chat.text("Uhead", "แบบสอบถาม"))
    assert "ตอบแล้ว 1 คน จากเด็ก 4 คน (25%)" in result and "ความพึงพอใจต่อศูนย์โดยรวม: 5.00/5" in result
    assert "อยากให้มีรูปกิจกรรมมากขึ้นค่ะ" in result


def test_parent_in_the_group_is_pointed_to_the_one_to_one_chat(chat, bound_group):
    answer = texts(chat.text("Uparent", "แบบสอบถาม", group=bound_group))
    assert "แชตส่วนตัว" in answer


def test_teacher_cannot_open_a_survey_round(chat, people):
    assert "หัวหน้าศูนย์เท่านั้น" in texts(chat.text("Uteacher", "แบบสอบถาม"))


def test_guardian_complains_straight_to_the_lao_and_follows_the_status(chat, people, line, rt):
    link_parent(chat, "Uparent", "ภูผา")
    chat.text("Uparent", "แจ้งเรื่อง / ร้องเรียน")
    whom = chat.text("Uparent", "อาหารกลางวันวันนี้มีน้อยมากค่ะ")
    filed = texts(chat.tap(whom[-1], "อปท. โดยตรง", "Uparent"))
    number = filed.split("เลขที่เรื่อง: ")[1].split("\n")[0]
    now = rt.now()
    assert number == f"R{(now.year + 543) % 100:02d}{now.month:02d}-0001"  # พ.ศ. year, month, first of the month
    assert not line.bot_messages("Uhead")[-1].get("text", "").startswith("📮")  # the head was not told
    told = line.bot_messages("Ulao")[-1]
    assert number in told["text"] and "อาหารกลางวันวันนี้มีน้อยมากค่ะ" in told["text"]
    assert "รับเรื่องแล้ว" in texts(chat.tap(told, "รับเรื่อง", "Ulao"))
    assert "รับเรื่องแล้ว กำลังดำเนินการ" in line.bot_messages("Uparent")[-1]["text"]
    assert f"{number}" in texts(chat.text("Uparent", "สถานะเรื่อง"))
    assert "ไม่พบเรื่องนี้" in texts(chat.tap(told, "ดำเนินการเสร็จ", "Uteacher2"))  # not her centre, not her role
