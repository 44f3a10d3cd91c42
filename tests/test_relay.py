"""Parents see arrivals without burning the quota; check-out; the head's settings; photo sets left incomplete."""
from __future__ import annotations

from sqlalchemy import select

from models import Attendance, Centre
from scheduler import jobs
from tests.support import at_local, quick_labels, texts


def run_rollups(rt):
    covered = jobs.parent_rollups(rt, rt.now())
    jobs.sweep_outbox(rt, rt.now())
    return covered


def test_arrivals_recorded_in_1to1_are_pushed_to_the_group_only_at_times_the_head_chose(morning, chat, people,
                                                                                        bound_group, rt, org, clock,
                                                                                        line, cards_photo):
    chat.photo("Uteacher", cards_photo("C000001", "C000002"))
    at_local(clock, "09:00")
    assert run_rollups(rt) == 0  # by default nothing is pushed: parents pull the day with "วันนี้"
    chat.text("Uhead", "เวลาส่งสรุป 09:00")
    before = line.billable.get(bound_group, 0)
    assert run_rollups(rt) == 2
    assert run_rollups(rt) == 0  # a second clock, or a restart, sends nothing twice
    pushed = line.bot_messages(bound_group)[-1]
    assert "มาแล้ว 2 จาก 4 คน" in pushed["text"] and "ภูผา 07:30" in pushed["text"] and "ข้าวหอม" in pushed["text"]
    assert line.billable[bound_group] - before == 23  # one push, billed per member
    at_local(clock, "09:25")
    chat.photo("Uteacher", cards_photo("C000003"))
    at_local(clock, "12:00")
    assert run_rollups(rt) == 0  # one window: the late arrival waits for the digest, or for a parent to ask


def test_work_in_the_group_is_not_pushed_again(morning, chat, people, bound_group, rt, org, clock, line, cards_photo):
    chat.photo("Uteacher", cards_photo("C000001"), group=bound_group)
    at_local(clock, "09:00")
    before = line.billable.get(bound_group, 0)
    assert run_rollups(rt) == 0
    assert line.billable.get(bound_group, 0) == before


def test_head_sets_rollup_times_and_late_arrivals_follow(morning, chat, people, bound_group, rt, org, clock, line,
                                                        session, cards_photo):
    assert "เฉพาะหัวหน้าศูนย์" in texts(chat.text("Uteacher", "ตั้งค่าศูนย์"))
    replies = chat.text("Uhead", "ตั้งค่าศูนย์")
    assert "09:00" in texts(replies) and "เปิดเช็คชื่อกลับบ้าน" in quick_labels(replies[-1])
    assert "08:30, 10:00" in texts(chat.text("Uhead", "เวลาส่งสรุป 8.30 10:00"))
    assert "1-4 เวลา" in texts(chat.text("Uhead", "เวลาส่งสรุป เร็ว ๆ"))
    chat.photo("Uteacher", cards_photo("C000001"))
    at_local(clock, "08:30")
    assert run_rollups(rt) == 1
    at_local(clock, "09:10")
    chat.photo("Uteacher", cards_photo("C000002"))
    at_local(clock, "10:00")
    assert run_rollups(rt) == 1
    assert "ข้าวหอม 09:10 (มาสาย)" in line.bot_messages(bound_group)[-1]["text"]
    assert "08:00" in texts(chat.text("Uhead", "เวลาตัดยอด 08:00"))
    session.expire_all()
    assert session.scalar(select(Centre.cutoff).where(Centre.code == "K0001")).hour == 8


def test_check_out_by_photo_in_the_afternoon_and_by_button(morning, chat, people, rt, org, clock, session, cards_photo):
    chat.photo("Uteacher", cards_photo("C000001", "C000002"))
    assert "ยังไม่ได้เปิด" in texts(chat.text("Uteacher", "รับกลับบ้าน"))
    replies = chat.text("Uhead", "ตั้งค่าศูนย์")
    chat.tap(replies[-1], "เปิดเช็คชื่อกลับบ้าน", "Uhead")
    at_local(clock, "15:10")
    body = texts(chat.photo("Uteacher", cards_photo("C000001")))
    assert "กลับบ้านแล้ว 1 คน (15:10)" in body
    assert "กลับบ้านไปแล้วเมื่อ 15:10" in texts(chat.photo("Uteacher", cards_photo("C000001")))
    replies = chat.text("Uteacher", "รับกลับบ้าน")
    assert "ยังอยู่ที่ศูนย์ 1 คน" in texts(replies) and "ข้าวหอม" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "ข้าวหอม", "Uteacher")
    assert "ข้าวหอม กลับบ้านแล้ว 15:10" in texts(replies) and "ไม่มีเด็กที่ยังอยู่" in texts(replies)
    assert "เรียบร้อย" in texts(chat.tap(replies[-1], "เสร็จ", "Uteacher"))
    session.expire_all()
    rows = session.scalars(select(Attendance)).all()
    assert all(r.left_at is not None for r in rows) and {r.left_via for r in rows} == {"photo", "button"}


def test_photo_set_missing_a_photo_is_answered_by_the_clock(morning, chat, people, rt, org, clock, line, cards_photo):
    assert chat.photo("Uteacher", cards_photo("C000004"), image_set=("s9", 1, 3)) == []
    chat.photo("Uteacher", cards_photo("C000003"), image_set=("s9", 2, 3))
    clock.advance(seconds=30)
    assert jobs.answer_stale_photo_sets(rt, rt.now()) == 0
    clock.advance(seconds=45)
    assert jobs.answer_stale_photo_sets(rt, rt.now()) == 1
    jobs.sweep_outbox(rt, rt.now())
    last = line.bot_messages("Uteacher")[-1]["text"]
    assert "เช็คชื่อแล้ว 2 คน" in last and "ใบเตย" in last and "ขิง" in last
    assert jobs.answer_stale_photo_sets(rt, rt.now()) == 0
