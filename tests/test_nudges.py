"""Executives nudge the centres that are behind; LAO executives get a weekly recording summary."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scheduler import jobs
from tests.support import texts

BKK = timezone(timedelta(hours=7))


def test_lao_executive_nudges_the_teachers_of_centres_that_have_not_recorded(chat, world, line):  # noqa: F811
    gaps = chat.text("Ulao", "ศูนย์ที่ยังไม่บันทึก")
    answer = texts(chat.tap(gaps[-1], "เตือนศูนย์เหล่านี้", "Ulao"))
    assert "ครู/หัวหน้าศูนย์ 3 คน ใน 2 จาก 2 ศูนย์" in answer
    k1 = line.bot_messages("Uteacher")[-1]["text"]
    assert "ปลัดสมชาย" in k1 and "ยังขาด: กิจกรรม" in k1 and "เช็กอิน" not in k1
    assert "ยังขาด: เช็คชื่อ, อาหาร, กิจกรรม" in line.bot_messages("Uteacher2")[-1]["text"]
    pushes = len([c for c in line.calls if c["path"] == "/v2/bot/message/push"])
    chat.text("Ulao", "แจ้งเตือนศูนย์ที่ยังไม่บันทึก")  # asked twice the same day: nobody is told twice
    assert len([c for c in line.calls if c["path"] == "/v2/bot/message/push"]) == pushes


def test_lao_executive_gets_one_weekly_summary_of_recording_rates(world, rt, line, clock):  # noqa: F811
    monday = datetime(2026, 11, 30, 8, 30, tzinfo=BKK)
    clock.set(monday + timedelta(hours=1))
    assert jobs.weekly_recording_summaries(rt, monday - timedelta(hours=1)) == 0  # before 08:00
    assert jobs.weekly_recording_summaries(rt, monday) == 2  # Ulao (L001) and Ulao3 (L003)
    assert jobs.weekly_recording_summaries(rt, monday + timedelta(minutes=30)) == 0
    jobs.sweep_outbox(rt, monday)
    summary = line.bot_messages("Ulao")[-1]["text"]
    assert "สรุปการบันทึกข้อมูล 30 วัน" in summary and "ศูนย์พัฒนาเด็กเล็กบ้านชาญชัย: เช็คชื่อ" in summary
    assert "บ้านชาญชัย" not in line.bot_messages("Ulao3")[-1]["text"]


def test_the_clock_keeps_evaluation_snapshots_fresh_for_officials(world, rt, session):  # noqa: F811
    from sqlalchemy import func, select

    from models import Evaluation

    first = datetime(2026, 12, 1, 7, 0, tzinfo=BKK)
    assert jobs.refresh_evaluations(rt, first) == 2 * 4  # this month, and November's final snapshots once
    assert jobs.refresh_evaluations(rt, first + timedelta(minutes=10)) == 4
    months = dict(session.execute(select(Evaluation.month, func.count()).group_by(Evaluation.month)).all())
    assert months == {"2026-11": 4, "2026-12": 4}
