"""Onboarding as chats: greeting, invite codes, misuse, parents linking to their children."""
from sqlalchemy import select

from models import ChildGuardian, Guardian, LineUser, Official, Staff
from tests.support import link_parent, make_invite, quick_labels, texts


def test_newcomer_who_follows_is_told_how_to_register(chat, line, org):
    line.add_user("Unew", "คนใหม่")
    replies = chat.event("Unew", "follow", "Unew")
    assert "รหัสเชิญ" in texts(replies) and "รหัสผู้ปกครอง" in texts(replies)
    assert "วิธีลงทะเบียน" in quick_labels(replies[-1])


def test_teacher_registers_with_an_invite_code(chat, line, rt, org, session):
    line.add_user("Ut", "ครูสมศรี")
    code = make_invite(rt, "teacher", "K0001")
    replies = chat.text("Ut", code.lower().replace("-", " "))
    assert "ลงทะเบียนเรียบร้อย" in texts(replies) and "ศูนย์พัฒนาเด็กเล็กบ้านชาญชัย" in texts(replies)
    staff = session.scalar(select(Staff).where(Staff.line_user_id == "Ut"))
    assert staff.role == "teacher" and staff.centre.code == "K0001" and staff.name == "ครูสมศรี"
    assert session.scalar(select(LineUser).where(LineUser.line_user_id == "Ut")).role == "teacher"


def test_official_registers_for_a_district(chat, line, rt, org, session):
    line.add_user("Ud", "นายอำเภอ")
    assert "อำเภอเมืองหนองบัวลำภู" in texts(chat.text("Ud", make_invite(rt, "district", "D01")))
    assert session.scalar(select(Official).where(Official.line_user_id == "Ud")).scope_code == "D01"


def test_stranger_reusing_a_spent_code_is_refused(chat, line, rt, org, session):
    line.add_user("Ua", "ก")
    line.add_user("Ub", "ข")
    code = make_invite(rt, "head", "K0001")
    chat.text("Ua", code)
    assert "ถูกใช้ไปแล้ว" in texts(chat.text("Ub", code))
    assert session.scalar(select(Staff).where(Staff.line_user_id == "Ub")) is None


def test_expired_code_is_refused(chat, line, rt, org, clock):
    line.add_user("Ua", "ก")
    code = make_invite(rt, "teacher", "K0001", days=1)
    clock.advance(days=2)
    assert "หมดอายุ" in texts(chat.text("Ua", code))


def test_guessing_codes_is_rate_limited(chat, line, rt, org, clock, session):
    line.add_user("Ug", "นักเดา")
    good = make_invite(rt, "teacher", "K0001")
    for n in range(5):
        assert "ไม่ถูกต้อง" in texts(chat.text("Ug", f"AAAA-AAA{n + 2}"))
    assert "รอ" in texts(chat.text("Ug", good)), "even a right code waits once the limit is hit"
    assert session.scalar(select(Staff).where(Staff.line_user_id == "Ug")) is None
    clock.advance(minutes=16)
    assert "ลงทะเบียนเรียบร้อย" in texts(chat.text("Ug", good))


def test_teacher_gets_a_parent_code_and_the_parent_links_two_siblings(chat, line, people, session):
    replies = chat.text("Uteacher", "รหัสผู้ปกครอง")
    assert "เด็กคนไหน" in texts(replies)
    replies = chat.text("Uteacher", "ภูผา")  # only one ภูผา at K0001 (the other is at K0002)
    code1 = texts(replies).split("\n\n")[1]
    code2 = texts(chat.text("Uteacher", "รหัสผู้ปกครอง ข้าวหอม")).split("\n\n")[1]
    chat.event("Uparent", "follow", "Uparent")
    assert "ภูผา" in texts(chat.text("Uparent", code1))
    replies = chat.text("Uparent", code2)
    assert "ข้าวหอม" in texts(replies) and "ภูผา" in texts(replies)
    guardian = session.scalar(select(Guardian).where(Guardian.line_user_id == "Uparent"))
    codes = sorted(l.child.code for l in session.scalars(select(ChildGuardian).where(
        ChildGuardian.guardian_id == guardian.id)))
    assert codes == ["C000001", "C000002"]


def test_teacher_picks_among_children_with_the_same_first_name(chat, people):
    replies = chat.text("Uteacher", "รหัสผู้ปกครอง ภูริ")
    assert "2 คน" in texts(replies)
    replies = chat.tap(replies[-1], "ขิง (ภูริ)", "Uteacher")
    assert "รหัสผู้ปกครองของน้องขิง" in texts(replies)


def test_teacher_cannot_get_a_code_for_another_centres_child(chat, people):
    assert texts(chat.postback("Uteacher", "a=parent.code&child=C000005")) == "ไม่พบเด็กคนนี้ในศูนย์ของคุณค่ะ"


def test_parent_cannot_ask_for_parent_codes(chat, line, people):
    replies = chat.text("Uparent", "รหัสผู้ปกครอง ภูผา")
    assert "ไม่เข้าใจ" in texts(replies)


def test_help_says_what_each_role_can_do(chat, people):
    teacher = chat.text("Uteacher", "ช่วยเหลือ")
    assert "ถ่ายรูปบัตร QR" in texts(teacher) and "เช็คชื่อ" in quick_labels(teacher[-1])
    assert "ตั้งค่าศูนย์" in texts(chat.text("Uhead", "ช่วยเหลือ"))
    official = chat.text("Ulao", "ช่วยเหลือ")
    assert "ภาพรวมวันนี้" in texts(official) and "รายงาน" in quick_labels(official[-1])


def test_newcomer_who_says_hello_is_greeted_and_told_how_to_register(chat, people):
    replies = chat.text("Unew", "สวัสดีค่ะ")
    assert texts(replies).startswith("สวัสดีค่ะ") and "ยังไม่ได้ลงทะเบียน" in texts(replies)
    assert "รหัสเชิญ" in texts(replies) and "ไม่เข้าใจ" not in texts(replies)
    assert "วิธีลงทะเบียน" in quick_labels(replies[-1])


def test_teacher_who_says_hello_hears_who_the_bot_takes_her_for(chat, people):
    replies = chat.text("Uteacher", "สวัสดีครับ")
    assert "ครู ศูนย์พัฒนาเด็กเล็กบ้านชาญชัย" in texts(replies) and "เช็คชื่อ" in texts(replies)
    assert "เช็คชื่อ" in quick_labels(replies[-1]) and "ช่วยเหลือ" in quick_labels(replies[-1])


def test_parent_who_says_hello_is_named_as_the_childs_guardian(chat, people):
    link_parent(chat, "Uparent", "ภูผา")
    assert "ผู้ปกครองของน้องภูผา" in texts(chat.text("Uparent", "hello"))


def test_parents_greeting_each_other_in_the_group_are_left_alone(chat, bound_group):
    assert chat.text("Uparent", "สวัสดีค่ะทุกคน", group=bound_group) == []
    assert chat.text("Uparent", "สวัสดีค่ะ", group=bound_group) == []
    assert "บอทจำได้ว่าคุณเป็นครู" in texts(chat.text("Uteacher", "บอท สวัสดีค่ะ", group=bound_group))
