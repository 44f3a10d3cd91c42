"""The parent group: joining, binding with a group-link code, refusing strangers, moving, leaving."""
from sqlalchemy import select

from models import LineGroup
from tests.support import quick_labels, texts


def _group_code(chat, teacher="Uteacher"):
    return texts(chat.text(teacher, "เชื่อมกลุ่มผู้ปกครอง")).split("\n\n")[1]


def test_bot_added_to_a_group_asks_for_the_group_link_code(chat, people, session):
    replies = chat.event("Gk1", "join", "Gk1")
    assert "รหัสเชื่อมกลุ่ม" in texts(replies)
    group = session.scalar(select(LineGroup).where(LineGroup.group_id == "Gk1"))
    assert group.name == "ผู้ปกครอง ศพด.บ้านชาญชัย" and group.member_count == 23 and group.centre_id is None


def test_teacher_binds_the_parent_group_to_her_centre(chat, people, session, org):
    chat.event("Gk1", "join", "Gk1")
    replies = chat.text("Uteacher", _group_code(chat), group="Gk1")
    assert "เรียบร้อย" in texts(replies)
    group = session.scalar(select(LineGroup).where(LineGroup.group_id == "Gk1"))
    assert group.centre_id == org["centres"]["K0001"].id and group.bound_by == "Uteacher"


def test_parent_cannot_bind_a_group_with_a_leaked_code(chat, people, session):
    chat.event("Gk1", "join", "Gk1")
    replies = chat.text("Uparent", _group_code(chat), group="Gk1")
    assert "เฉพาะครู" in texts(replies)
    assert session.scalar(select(LineGroup.centre_id).where(LineGroup.group_id == "Gk1")) is None


def test_teacher_of_another_centre_is_refused_and_staff_of_both_centres_can_move_the_group(chat, line, people,
                                                                                         session, org):
    from models import Staff
    chat.event("Gk1", "join", "Gk1")
    chat.text("Uteacher", _group_code(chat), group="Gk1")
    line.groups["Gk1"]["members"].append("Uteacher2")
    replies = chat.text("Uteacher2", _group_code(chat, "Uteacher2"), group="Gk1")
    assert "เท่านั้นที่ย้ายกลุ่มนี้ได้" in texts(replies) and "ย้ายกลุ่ม" not in quick_labels(replies[-1])
    assert session.scalar(select(LineGroup.centre_id).where(LineGroup.group_id == "Gk1")) == org["centres"]["K0001"].id
    session.add(Staff(centre_id=org["centres"]["K0001"].id, role="teacher", name="ครูมาลี", line_user_id="Uteacher2"))
    session.commit()
    replies = chat.text("Uteacher2", _group_code(chat, "Uteacher2"), group="Gk1")
    assert "อยู่แล้ว" in texts(replies) and "ย้ายกลุ่ม" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "ย้ายกลุ่ม", "Uteacher2", group="Gk1")
    assert "บ้านโนน" in texts(replies)
    session.expire_all()
    assert session.scalar(select(LineGroup.centre_id).where(LineGroup.group_id == "Gk1")) == org["centres"]["K0002"].id


def test_role_invite_seen_in_a_group_is_burned_and_its_issuer_told(chat, line, people, rt, session):
    from models import AuditLog, Staff
    from tests.support import make_invite
    chat.event("Gk1", "join", "Gk1")
    code = make_invite(rt, "teacher", "K0001")
    assert "ถูกยกเลิกแล้ว" in texts(chat.text("Uteacher", code, group="Gk1"))
    assert "ถูกใช้ไปแล้ว" in texts(chat.text("Uparent", code))  # copied from the group: refused in 1:1
    assert session.scalar(select(Staff).where(Staff.line_user_id == "Uparent")) is None
    parent_code = texts(chat.text("Uteacher", "รหัสผู้ปกครอง ใบเตย")).split("\n\n")[1]
    chat.text("Uparent", parent_code, group="Gk1")
    assert "ถูกพิมพ์ในกลุ่ม" in texts(line.bot_messages("Uteacher")[-1:])  # the teacher who issued it is told
    assert "ถูกใช้ไปแล้ว" in texts(chat.text("Uparent", parent_code))
    assert len(session.scalars(select(AuditLog).where(AuditLog.action == "invite.burned")).all()) == 2


def test_parents_chatting_in_the_group_are_left_alone(chat, people):
    chat.event("Gk1", "join", "Gk1")
    assert chat.text("Uparent", "ขอบคุณครูค่ะ", group="Gk1") == []
    assert "ไม่เข้าใจ" in texts(chat.text("Uparent", "บอท ทำอะไรได้บ้าง", group="Gk1"))


def test_members_joining_are_greeted_and_counted_and_leaving_unbinds(chat, line, people, session):
    chat.event("Gk1", "join", "Gk1")
    chat.text("Uteacher", _group_code(chat), group="Gk1")
    line.add_user("Unewparent", "พ่อใหม่")
    assert "ยินดีต้อนรับ" in texts(chat.event("Gk1", "member_joined", "Gk1", ["Unewparent"]))
    chat.event("Gk1", "member_left", "Gk1", ["Unewparent"])
    chat.event("Gk1", "leave", "Gk1")
    session.expire_all()
    group = session.scalar(select(LineGroup).where(LineGroup.group_id == "Gk1"))
    assert group.member_count == 23 and group.centre_id is None and group.left_at is not None


def test_teacher_can_always_cancel_and_gets_help_for_anything_else(chat, people):
    assert "เด็กคนไหน" in texts(chat.text("Uteacher", "รหัสผู้ปกครอง"))
    assert texts(chat.text("Uteacher", "ยกเลิก")) == "ยกเลิกแล้วค่ะ"
    replies = chat.text("Uteacher", "ทดสอบ 123")
    assert "ไม่เข้าใจ" in texts(replies) and "รหัสผู้ปกครอง" in quick_labels(replies[-1])
    assert texts(chat.text("Uteacher", "ยกเลิก")) == "ตอนนี้ไม่มีรายการที่ค้างอยู่ค่ะ"


def test_a_stale_flow_times_out(chat, people, clock):
    chat.text("Uteacher", "รหัสผู้ปกครอง")
    clock.advance(hours=1)
    assert "ไม่เข้าใจ" in texts(chat.text("Uteacher", "ภูผา")), "after the timeout a name alone means nothing"


def test_unfollow_is_remembered(chat, line, people, session):
    from models import LineUser
    chat.event("Uparent", "follow", "Uparent")
    chat.event("Uparent", "unfollow", "Uparent")
    assert session.scalar(select(LineUser.followed).where(LineUser.line_user_id == "Uparent")) is False
