"""Staff from the chat: the head invites and closes access; a teacher keeps her own record and portfolio."""
from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import select

from models import LineUser, PortfolioItem, Staff
from tests.support import texts


def code_in(messages) -> str:
    return texts(messages).split("\n\n")[1]


def test_head_invites_a_teacher_who_registers_with_the_code(chat, people, session, line):
    assert "เฉพาะหัวหน้าศูนย์" in texts(chat.text("Uteacher", "เชิญครู"))
    code = code_in(chat.text("Uhead", "เชิญครู"))
    chat.event("Unew", "follow", "Unew")
    assert "ลงทะเบียนเรียบร้อย" in texts(chat.text("Unew", code))
    staff = session.scalar(select(Staff).where(Staff.line_user_id == "Unew"))
    assert (staff.role, staff.centre.code, staff.active) == ("teacher", "K0001", True)
    assert "ใช้ไปแล้ว" in texts(chat.text("Uparent", code))


def test_head_closes_a_teachers_access_and_she_is_refused_politely(chat, people, session, line):
    session.execute(LineUser.__table__.update().where(LineUser.line_user_id == "Uteacher")
                    .values(rich_menu_id="richmenu-teacher"))
    session.commit()
    ask = chat.text("Uhead", "ปิดสิทธิ์ ครูสม")[-1]
    assert "ครูสมศรี" in ask["text"] and session.scalar(select(Staff.active).where(Staff.line_user_id == "Uteacher"))
    chat.tap(ask, "ยืนยัน ปิดสิทธิ์", "Uhead")
    staff = session.scalar(select(Staff).where(Staff.line_user_id == "Uteacher"))
    assert (staff.active, staff.deactivated_by) == (False, "Uhead")
    assert any(c["method"] == "DELETE" and c["path"] == "/v2/bot/user/Uteacher/richmenu" for c in line.calls)
    for move in ("เช็คชื่อ", "ยังไม่มา", "สวัสดีค่ะ"):
        assert "ถูกปิด" in texts(chat.text("Uteacher", move))
    assert session.scalar(select(LineUser.rich_menu_id).where(LineUser.line_user_id == "Uteacher")) is None


def test_teacher_keeps_her_record_and_the_operator_exports_it(chat, people, session, app, clock):
    record = chat.text("Uteacher", "ข้อมูลของฉัน")[-1]
    chat.tap(record, "ตำแหน่ง", "Uteacher")
    chat.text("Uteacher", "ครูผู้ดูแลเด็ก")
    chat.tap(record, "ชั่วโมงอบรม", "Uteacher")
    chat.text("Uteacher", "24")
    chat.tap(record, "ชั่วโมงอบรม", "Uteacher")
    chat.text("Uteacher", "+6")
    chat.tap(record, "วัคซีนโควิด-19", "Uteacher")
    assert "ยังมาไม่ถึง" in texts(chat.text("Uteacher", "1/1/2580"))
    shown = texts(chat.text("Uteacher", "12/7/2564"))
    assert "ครูผู้ดูแลเด็ก" in shown and "30 ชั่วโมง" in shown and "เข็ม 1 (12 ก.ค. 2564)" in shown
    out = app.test_cli_runner().invoke(args=["staff", "export", "--centre", "K0001", "--format", "json"]).output
    teacher = next(r for r in json.loads(out) if r["name"] == "ครูสมศรี")
    assert (teacher["role"], teacher["active"], teacher["position"]) == ("teacher", True, "ครูผู้ดูแลเด็ก")
    assert teacher["covid_doses"] == [{"n": 1, "on": "2021-07-12"}]
    csv_out = app.test_cli_runner().invoke(args=["staff", "export", "--centre", "K0001", "--format", "csv"]).output
    assert csv_out.splitlines()[0] == "name,role,active,position,qualification,training_hours,covid_doses"


def test_teacher_adds_a_photo_with_a_caption_to_her_portfolio(chat, people, session):
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(photo, "JPEG")
    chat.text("Uteacher", "เพิ่มผลงาน")
    assert "คำบรรยาย" in texts(chat.photo("Uteacher", photo.getvalue()))
    chat.text("Uteacher", "อบรมปฐมพยาบาล")
    [item] = session.scalars(select(PortfolioItem))
    assert item.caption == "อบรมปฐมพยาบาล" and item.media_id
    assert "อบรมปฐมพยาบาล" in texts(chat.text("Uteacher", "ผลงานของฉัน"))
