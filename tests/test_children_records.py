"""Children's records kept in the chat: enrol, edit, withdraw and re-admit, as the teacher does it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.qr import qr_payload
from models import AuditLog, Child
from scheduler import jobs
from tests.support import at_local, quick_labels, texts
from tests.photos import card_photo


def test_teacher_enrols_a_child_and_gets_her_card_at_once(chat, people, session, clock, app, rt, line):
    at_local(clock, "10:00")
    chat.text("Uteacher", "เพิ่มเด็ก")
    chat.text("Uteacher", "ด.ญ. มะลิ ศรีสุข")
    chat.text("Uteacher", "มะลิ")
    chat.text("Uteacher", "หญิง")
    assert "ยังมาไม่ถึง" in texts(chat.text("Uteacher", "1/1/2570"))  # a birth date in the future
    assert "เก่าเกินไป" in texts(chat.text("Uteacher", "1/1/1565"))
    assert "1 ม.ค. 2565" in texts(chat.text("Uteacher", "๑/๑/๒๕๖๕"))
    assert "เบอร์โทร" in texts(chat.text("Uteacher", "สมศรี ศรีสุข"))
    chat.text("Uteacher", "สมศรี ศรีสุข 081-234-5678")
    chat.text("Uteacher", "กุ้ง")
    check = chat.text("Uteacher", "ไม่มี")
    assert "มะลิ ศรีสุข" in texts(check) and "กุ้ง" in texts(check) and "หญิง" in texts(check)
    assert session.scalar(select(Child).where(Child.nickname == "มะลิ")) is None  # nothing before the tap
    done = chat.tap(check[-1], "บันทึก", "Uteacher")
    child = session.scalar(select(Child).where(Child.nickname == "มะลิ"))
    assert (child.sex, child.birth_date, child.allergies, child.title) == ("F", date(2022, 1, 1), "กุ้ง", "ด.ญ.")
    assert child.guardian_links[0].guardian.phone == "0812345678"
    image = next(m for m in done if m["type"] == "image")
    path = image["originalContentUrl"].removeprefix("https://smartkids.example")
    assert app.test_client().get(path).status_code == 200
    assert session.scalar(select(AuditLog.actor).where(AuditLog.action == "child.enrol")) == "Uteacher"
    card = card_photo([qr_payload(child.code, child.qr_version, rt.cfg.secret)])
    assert "มะลิ" in texts(chat.photo("Uteacher", card)) and "ไม่รับ" not in texts(line.bot_messages("Uteacher")[-1:])


def test_teacher_edits_a_birth_date_and_a_typo_is_explained(chat, people, session, org):
    first = chat.text("Uteacher", "แก้ไข ใบเตย")
    chat.tap(first[-1], "วันเกิด", "Uteacher")
    assert "ยังมาไม่ถึง" in texts(chat.text("Uteacher", "3/4/2580"))
    assert "แก้วันเกิด" in texts(chat.text("Uteacher", "3/4/2566"))
    assert session.get(Child, org["children"]["C000004"].id).birth_date == date(2023, 4, 3)


def test_teacher_is_offered_the_closest_names_for_an_unknown_one(chat, people):
    answer = chat.text("Uteacher", "ย้ายออก ใบเตม")[-1]
    assert "ไม่พบ" in answer["text"] and "ใบเตย" in quick_labels(answer)[0]


def test_teacher_withdraws_a_child_who_is_then_never_expected_alerted_or_checked_in(chat, people, session, org, clock,
                                                                                    rt, line):
    at_local(clock, "08:00")
    ask = chat.text("Uteacher", "ย้ายออก ภูผา")
    chat.tap(ask[-1], "ย้ายที่อยู่", "Uteacher")
    confirm = chat.text("Uteacher", "วันนี้")
    assert "ยืนยัน" in confirm[-1]["text"] and session.get(Child, org["children"]["C000001"].id).active
    chat.tap(confirm[-1], "ยืนยัน ย้ายออก", "Uteacher")
    kid = session.get(Child, org["children"]["C000001"].id)
    assert (kid.active, kid.withdrawn_on, kid.withdrawn_reason) == (False, date(2026, 11, 23), "ย้ายที่อยู่")
    card = card_photo([qr_payload(kid.code, kid.qr_version, rt.cfg.secret)])
    assert "ย้ายออกแล้วเมื่อ 23 พ.ย. 2569" in texts(chat.photo("Uteacher", card))
    at_local(clock, "09:00")
    jobs.safety_checks(rt, rt.now())
    jobs.sweep_outbox(rt, rt.now())
    assert "ภูผา" not in texts(line.bot_messages("Uteacher")[-2:])
    back = chat.text("Uteacher", "รับกลับ ภูผา")
    chat.tap(back[-1], "ยืนยัน รับกลับ", "Uteacher")
    assert session.get(Child, org["children"]["C000001"].id).active
    actions = set(session.scalars(select(AuditLog.action).where(AuditLog.subject == kid.code)))
    assert {"child.withdraw", "child.readmit"} <= actions


def test_teacher_picks_which_of_two_children_with_one_nickname_to_withdraw(chat, people, session, org):
    session.add(Child(code="C000009", centre_id=org["centres"]["K0001"].id, first_name="ภูมิ", last_name="ดี",
                      nickname="ภูผา", sex="M", birth_date=date(2022, 1, 1)))
    session.commit()
    ask = chat.text("Uteacher", "ย้ายออก ภูผา")[-1]
    assert "2 คน" in ask["text"]
    assert "เหตุผล" in texts(chat.tap(ask, "ภูผา (ภูมิ)", "Uteacher"))


def test_teacher_downloads_the_centres_children_and_staff_records(chat, people, session, app, org):
    import io

    from openpyxl import load_workbook

    answer = texts(chat.text("Uteacher", "ทะเบียนเด็ก"))
    links = [line.split(": ", 1)[1] for line in answer.splitlines() if "https://" in line]
    assert len(links) == 2
    book = load_workbook(io.BytesIO(app.test_client().get(links[0].removeprefix("https://smartkids.example")).data))
    names = [row[2] for row in book.active.iter_rows(min_row=4, values_only=True)]
    assert {"ภูผา", "ข้าวหอม", "ขิง", "ใบเตย"} <= set(names)
    staff = load_workbook(io.BytesIO(app.test_client().get(links[1].removeprefix("https://smartkids.example")).data))
    assert "ครูสมศรี" in [row[0] for row in staff.active.iter_rows(min_row=4, values_only=True)]
    assert app.test_client().get(links[0].removeprefix("https://smartkids.example").replace("K0001", "K0002")
                                 ).status_code == 403
    assert "https://" not in texts(chat.text("Uparent", "ทะเบียนเด็ก"))
