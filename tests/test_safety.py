"""The safety loop: cutoff alerts, acknowledgement buttons, urgent repeats, escalation, and the clock's idempotence."""
from __future__ import annotations

import threading
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from domain.absences import record_absence
from domain.van import board as van_board, trip_for
from models import Alert, AuditLog, Attendance, Centre, Child, LineUser, Lunch, VanTrip
from scheduler import jobs
from tests.support import at_local, link_parent, texts


def run_clock(rt):
    """One tick of the safety job, then deliver what it queued."""
    sent = jobs.safety_checks(rt, rt.now())
    jobs.sweep_outbox(rt, rt.now())
    return sent


def actions_of(message: dict) -> list[dict]:
    """Every button action in a flex carousel (bubble footers) and its quick replies."""
    found = []
    if message.get("type") == "flex":
        for card in message["contents"]["contents"]:
            found += [b["action"] for b in card.get("footer", {}).get("contents", [])]
    found += [i["action"] for i in message.get("quickReply", {}).get("items", [])]
    return found


def press(chat, message: dict, label: str, user: str, nth: int = 0) -> list[dict]:
    """Tap the `nth` button labelled `label` in a bot message."""
    action = [a for a in actions_of(message) if a["label"] == label][nth]
    if action["type"] == "postback":
        return chat.postback(user, action["data"])
    return chat.text(user, action["text"])


def alerts(session, **where) -> list[Alert]:
    session.expire_all()
    return list(session.scalars(select(Alert).filter_by(**where).order_by(Alert.id)))


@pytest.fixture
def monday(clock, org, session):
    """07:30 on a Monday; K0002's only child has left the roster, so K0001's teachers are the ones alerted."""
    at_local(clock, "07:30")
    session.get(Child, org["children"]["C000005"].id).active = False
    session.commit()


def alert_pushes(line, user: str) -> list[dict]:
    return [m for m in line.bot_messages(user) if m["type"] == "flex" and "แจ้งเตือน" in m["altText"]]


def escalations(line, user: str) -> list[dict]:
    return [m for m in line.bot_messages(user) if "แจ้งเตือนส่งต่อ" in m.get("text", "")]


def test_missing_children_are_alerted_once_at_the_cutoff(monday, chat, people, rt, org, clock, line, session, check_in):
    check_in("C000001", "C000002")
    at_local(clock, "08:59")
    assert run_clock(rt) == 0
    at_local(clock, "09:00")
    assert run_clock(rt) == 2
    assert run_clock(rt) == 0  # the next tick (or a second clock) sends nothing again
    for user in ("Uteacher", "Uhead"):
        pushed = line.bot_messages(user)[-1]
        assert pushed["type"] == "flex" and "ขิง" in pushed["altText"] and "ใบเตย" in pushed["altText"]
        assert [a["label"] for a in actions_of(pushed)].count("มาแล้ว") == 2
    assert "ภูผา" not in line.bot_messages("Uteacher")[-1]["altText"]
    assert not alert_pushes(line, "Uteacher2")
    rows = alerts(session, centre_id=org["centres"]["K0001"].id)
    assert [(a.kind, a.level, a.sends) for a in rows] == [("missing", "alert", 1)] * 2
    assert [s["step"] for s in rows[0].steps] == ["raised", "sent"]


def test_arrived_button_checks_the_child_in_and_the_head_sees_it_was_handled(monday, chat, people, rt, org, clock,
                                                                             line, session):
    at_local(clock, "09:00")
    run_clock(rt)
    card = line.bot_messages("Uteacher")[-1]
    reply = press(chat, card, "มาแล้ว", "Uteacher", nth=2)  # the third child card (sorted by code: ภูผา, ข้าวหอม, ขิง)
    assert "มาถึงศูนย์แล้ว" in texts(reply) and "ยังมีแจ้งเตือนที่ค้างอีก 3 รายการ" in texts(reply)
    kid = org["children"]["C000003"]
    row = session.scalar(select(Attendance).where(Attendance.child_id == kid.id))
    assert row.arrived_via == "alert"
    alert = alerts(session, child_id=kid.id)[0]
    assert alert.resolution == "arrived" and alert.acknowledged_by == "Uteacher"
    again = press(chat, line.bot_messages("Uhead")[-1], "มาแล้ว", "Uhead", nth=2)
    assert "โดย ครูสมศรี" in texts(again)
    assert alerts(session, child_id=kid.id)[0].steps[-1]["by"] == "Uteacher"


def test_leave_and_contacted_buttons_settle_alerts_and_stop_escalation(monday, chat, people, rt, org, clock, line,
                                                                      session, check_in):
    check_in("C000001", "C000002")
    at_local(clock, "09:00")
    run_clock(rt)
    card = line.bot_messages("Uteacher")[-1]
    asked = press(chat, card, "ลา", "Uteacher", nth=0)
    chosen = chat.tap(asked[-1], "ลาป่วย", "Uteacher")
    assert "ลาป่วยวันนี้" in texts(chosen)
    logged = session.scalar(select(AuditLog).where(AuditLog.action == "absence.record"))
    assert (logged.actor, logged.subject) == ("Uteacher", "C000003")  # leave from an alert button is audited too
    press(chat, card, "ติดต่อผู้ปกครองแล้ว", "Uteacher", nth=1)
    at_local(clock, "09:30")
    run_clock(rt)
    rows = alerts(session)
    assert {a.resolution for a in rows} == {"sick", "contacted"}
    assert all(a.escalated_at is None for a in rows)
    assert not escalations(line, "Ulao")


def test_unacknowledged_alerts_escalate_to_guardians_and_the_lao_once(monday, chat, people, rt, org, clock, line,
                                                                     session):
    link_parent(chat, "Uparent", "ภูผา")
    at_local(clock, "09:00")
    run_clock(rt)
    at_local(clock, "09:14")
    run_clock(rt)
    assert not alerts(session)[0].escalated_at
    before = len(line.bot_messages("Uparent"))
    at_local(clock, "09:15")
    run_clock(rt)
    run_clock(rt)
    to_parent = line.bot_messages("Uparent")[before:]
    assert len(to_parent) == 1 and "ภูผา" in to_parent[0]["text"] and "ยังไม่มาถึงศูนย์" in to_parent[0]["text"]
    to_lao = escalations(line, "Ulao")
    assert len(to_lao) == 1 and "ไม่มีผู้รับทราบภายใน 15 นาที" in to_lao[0]["text"] and "ใบเตย" in to_lao[0]["text"]
    khao_hom = alerts(session, child_id=org["children"]["C000002"].id)[0]
    assert khao_hom.steps[-1]["step"] == "escalated" and khao_hom.steps[-1]["officials"] == 1
    # the parent answers the escalation with leave for today: that settles the alert
    asked = chat.tap(to_parent[0], "ลาป่วยวันนี้", "Uparent")
    chat.tap(asked[-1], "ยืนยัน", "Uparent")
    phupha = alerts(session, child_id=org["children"]["C000001"].id)[0]
    assert (phupha.resolution, phupha.acknowledged_by) == ("sick", "Uparent")


def test_reported_absence_and_late_notice_are_not_alerted_early(monday, chat, people, rt, org, clock, line,
                                                               session, check_in):
    kids = org["children"]
    with rt.sessions() as s:
        record_absence(s, s.get(Child, kids["C000003"].id), "sick", date(2026, 11, 23), date(2026, 11, 24),
                       by="Uparent", now=rt.now())
        record_absence(s, s.get(Child, kids["C000004"].id), "late", date(2026, 11, 23), date(2026, 11, 23),
                       by="Uparent", now=rt.now(), late_until=time(10, 0))
        s.commit()
    check_in("C000001", "C000002")
    at_local(clock, "09:00")
    assert run_clock(rt) == 0
    at_local(clock, "09:59")
    assert run_clock(rt) == 0
    at_local(clock, "10:00")
    assert run_clock(rt) == 1
    assert "แจ้งว่าจะมาสายถึง 10:00" in str(line.bot_messages("Uteacher")[-1])
    assert [a.child_id for a in alerts(session)] == [kids["C000004"].id]


def test_a_holiday_or_weekend_raises_nothing(chat, people, rt, org, clock, line, session):
    for day in ("2026-12-10", "2026-11-28"):  # Constitution Day (Thursday); a Saturday
        at_local(clock, "09:30", day=day)
        assert run_clock(rt) == 0
        assert jobs.teacher_reminders(rt, rt.now()) == 0
    assert not alerts(session)


def board(session, centre_code: str, child_code: str, van: str, at: datetime) -> None:
    """A driver put the child on the van's trip at `at` (through domain.van, as the driver's chat does)."""
    centre = session.scalar(select(Centre).where(Centre.code == centre_code))
    child = session.scalar(select(Child).where(Child.code == child_code))
    van_board(session, trip_for(session, centre.id, van, "Udriver", at), child, "Udriver", "button", at)
    session.commit()


def test_a_boarded_child_not_checked_in_is_urgent_and_repeats_until_acknowledged(monday, chat, people, rt, org,
                                                                                 clock, line, session, check_in):
    board(session, "K0001", "C000001", "VAN1", rt.now())
    check_in("C000002", "C000003", "C000004")
    at_local(clock, "09:00")
    assert run_clock(rt) == 1
    first = line.bot_messages("Uhead")[-1]
    assert "ด่วน" in first["altText"] and "ขึ้นรถ VAN1 เวลา 07:30" in str(first)
    at_local(clock, "09:04")
    assert run_clock(rt) == 0
    at_local(clock, "09:05")
    assert run_clock(rt) == 1  # repeated: still nobody acknowledged
    assert "ยังไม่มีผู้รับทราบ" in str(line.bot_messages("Uteacher")[-1])
    press(chat, line.bot_messages("Uteacher")[-1], "มาแล้ว", "Uteacher")
    at_local(clock, "09:10")
    assert run_clock(rt) == 0
    alert = alerts(session)[0]
    assert (alert.kind, alert.level, alert.sends, alert.resolution) == ("van", "urgent", 2, "arrived")
    assert [s["step"] for s in alert.steps] == ["raised", "sent", "repeated", "acknowledged"]


def two_clocks(rt) -> None:
    """Run the safety job from two threads at the same moment (two clock processes), then deliver."""
    errors = []

    def tick():
        try:
            jobs.safety_checks(rt, rt.now())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    jobs.sweep_outbox(rt, rt.now())


def test_two_clocks_at_once_send_and_escalate_each_alert_once(monday, chat, people, rt, org, clock, line, session):
    link_parent(chat, "Uparent", "ภูผา")
    at_local(clock, "09:00")
    two_clocks(rt)
    assert len(alert_pushes(line, "Uteacher")) == 1
    assert [a.sends for a in alerts(session)] == [1] * 4
    at_local(clock, "09:15")
    two_clocks(rt)
    assert len(escalations(line, "Ulao")) == 1
    assert len([m for m in line.bot_messages("Uparent") if "ยังไม่มาถึงศูนย์" in m.get("text", "")]) == 1
    assert all([s["step"] for s in a.steps].count("escalated") == 1 for a in alerts(session))


def test_a_restarted_clock_catches_up_without_repeating(monday, chat, people, rt, org, clock, line, session):
    at_local(clock, "09:00")
    run_clock(rt)
    # the clock was down from 09:01 to 09:40; it restarts and runs everything due once
    at_local(clock, "09:40")
    run_clock(rt)
    run_clock(rt)
    assert len(alert_pushes(line, "Uteacher")) == 1  # the cutoff alert once
    assert all(a.escalated_at for a in alerts(session))
    assert len(escalations(line, "Ulao")) == 1
    assert jobs.teacher_reminders(rt, rt.now()) == 1  # the 09:30 check-in reminder, still in its catch-up window
    assert jobs.teacher_reminders(rt, rt.now()) == 0


def test_reminders_go_to_teachers_who_have_not_recorded(monday, chat, people, rt, org, clock, line, session):
    at_local(clock, "09:29")
    assert jobs.teacher_reminders(rt, rt.now()) == 0
    at_local(clock, "09:30")
    assert jobs.teacher_reminders(rt, rt.now()) == 1  # the teacher, not the head (K0002 has no children now)
    jobs.sweep_outbox(rt, rt.now())
    assert "ยังไม่ได้เช็คชื่อเด็ก" in line.bot_messages("Uteacher")[-1]["text"]
    assert not [m for m in line.bot_messages("Uhead") if "เตือนความจำ" in m.get("text", "")]
    session.add(Lunch(centre_id=org["centres"]["K0001"].id, day=date(2026, 11, 23), menu_text="ข้าวสวย, แกงจืด",
                      dishes=["ข้าวสวย", "แกงจืด"], recorded_by="Uteacher"))
    session.commit()
    at_local(clock, "12:30")
    assert jobs.teacher_reminders(rt, rt.now()) == 0  # lunch is recorded
    at_local(clock, "15:00")
    assert jobs.teacher_reminders(rt, rt.now()) == 1  # no activity yet
    at_local(clock, "16:40")  # past the 15:00 reminder's catch-up window
    assert jobs.teacher_reminders(rt, rt.now()) == 0


def test_daily_digest_goes_once_to_a_group_of_a_centre_working_in_1to1(monday, chat, people, bound_group, rt, org,
                                                                       clock, line, check_in):
    chat.text("Uhead", "เวลาส่งสรุป 09:00")
    chat.text("Uhead", "เวลาสรุปประจำวัน 15:30")  # the head chose both pushes
    check_in("C000001", "C000002")
    at_local(clock, "09:00")
    assert jobs.parent_rollups(rt, rt.now()) == 2
    at_local(clock, "09:30")
    check_in("C000003")  # late, after the cutoff roll-up
    at_local(clock, "15:29")
    assert jobs.daily_digests(rt, rt.now()) == 0
    at_local(clock, "15:30")
    before = line.billable.get(bound_group, 0)
    assert jobs.daily_digests(rt, rt.now()) > 0
    assert jobs.daily_digests(rt, rt.now()) == 0  # a second clock or a restart: nothing twice
    jobs.sweep_outbox(rt, rt.now())
    digest = line.bot_messages(bound_group)[-1]["text"]
    assert "สรุปประจำวัน" in digest and "มาเรียน 3 จาก 4 คน" in digest and "มาสาย 1 คน" in digest
    assert "ขิง" not in digest  # counts only: nothing about any child
    assert line.billable[bound_group] - before == 23  # one push to the group


def test_no_digest_when_parents_saw_everything_in_the_group(monday, chat, people, bound_group, rt, org, clock, line,
                                                            check_in):
    check_in("C000001", "C000002", group=bound_group)
    at_local(clock, "15:30")
    before = line.billable.get(bound_group, 0)
    assert jobs.parent_rollups(rt, rt.now()) + jobs.daily_digests(rt, rt.now()) == 0
    jobs.sweep_outbox(rt, rt.now())
    assert line.billable.get(bound_group, 0) == before


def use_quota(line, rt, used: int, limit: int = 300) -> None:
    """LINE's monthly limit and this month's use, as the clock reads them."""
    line.monthly_limit = limit
    line.billable["elsewhere"] += used - line.total_billable()
    jobs.check_quota(rt, rt.now())


def test_quota_guard_drops_routine_pushes_in_order_and_keeps_safety(monday, chat, people, bound_group, rt, org,
                                                                   clock, line, session, check_in):
    chat.text("Uhead", "เวลาส่งสรุป 09:00")
    chat.text("Uhead", "เวลาสรุปประจำวัน 15:30")
    check_in("C000001")
    use_quota(line, rt, used=300 - 85)  # reserve 30: a reminder would leave 84 < 90 → stop; a roll-up leaves 62 → go
    at_local(clock, "09:00")
    assert jobs.parent_rollups(rt, rt.now()) == 1
    at_local(clock, "09:30")
    use_quota(line, rt, used=300 - 55)  # a roll-up would leave 32 < 60 → deferred; a digest would leave 32 → go
    assert jobs.teacher_reminders(rt, rt.now()) == 0
    jobs.sweep_outbox(rt, rt.now())
    told = [m for m in line.bot_messages("Ulao") if "โควตา" in m.get("text", "")]
    assert len(told) == 2 and "การเตือนครู" in told[0]["text"] and "สรุประหว่างวัน" in told[1]["text"]
    use_quota(line, rt, used=300 - 40)  # the digest would leave 17 < 30 → dropped
    at_local(clock, "15:30")
    assert jobs.daily_digests(rt, rt.now()) == 0
    at_local(clock, "09:00", day="2026-11-24")  # next day: safety alerts still go
    use_quota(line, rt, used=300 - 40)
    assert run_clock(rt) == 4  # nobody checked in yet
    assert alert_pushes(line, "Uteacher")
    use_quota(line, rt, used=300 - 20)  # even with nothing to send, under the reserve the digest stage is on
    use_quota(line, rt, used=300 - 19)
    jobs.sweep_outbox(rt, rt.now())
    assert len([m for m in line.bot_messages("Ulao") if "โควตา" in m.get("text", "")]) == 3  # once per stage


def test_head_sets_reminder_digest_and_safety_times(chat, people, rt, org, session):
    chat.text("Uhead", "เวลาเตือน 09:45 12:00 14:30")
    chat.text("Uhead", "เวลาสรุปประจำวัน 16:00")
    chat.text("Uhead", "ส่งต่อแจ้งเตือน 10 นาที")
    replies = chat.text("Uhead", "เด็กรถเช็คชื่อภายใน 20 นาที")
    assert "เช็คชื่อ 09:45 อาหาร 12:00 กิจกรรม 14:30" in texts(replies) and "หลัง 10 นาที" in texts(replies)
    centre = session.get(Centre, org["centres"]["K0001"].id)
    session.refresh(centre)
    assert (centre.remind_checkin, centre.digest_at, centre.escalate_minutes, centre.van_grace_minutes) == (
        time(9, 45), time(16, 0), 10, 20)
    assert "3 เวลา" in texts(chat.text("Uhead", "เวลาเตือน 12:00 09:00"))
    assert "5-60" in texts(chat.text("Uhead", "ส่งต่อแจ้งเตือน 0 นาที"))
    chat.text("Uteacher", "เวลาเตือน 09:00 12:00 15:00")
    session.refresh(centre)
    assert centre.remind_checkin == time(9, 45)  # a teacher cannot change it


def test_officials_see_the_quota_with_the_alerts(monday, chat, people, rt, line):
    use_quota(line, rt, used=300 - 40)
    shown = str(chat.text("Ulao", "การแจ้งเตือนวันนี้"))
    assert "260/300" in shown and "การเตือนครู" in shown


def test_the_clock_runs_the_van_detector_before_the_cutoff(monday, chat, people, rt, org, clock, line, session):
    board(session, "K0001", "C000001", "VAN1", rt.now())
    trip = session.scalar(select(VanTrip))
    trip.arrived_at, trip.arrived_by = rt.now(), "Udriver"  # the van reached the centre at 07:30
    session.commit()
    at_local(clock, "07:44")
    assert run_clock(rt) == 0
    at_local(clock, "07:45")
    assert run_clock(rt) == 2  # ภูผา boarded and is not checked in; nobody confirmed the van empty
    assert {(a.kind, a.level) for a in alerts(session)} == {("van", "urgent"), ("van_empty", "urgent")}
    assert "ยังไม่ยืนยันรถว่าง" in str(line.bot_messages("Uhead")[-1])
    reply = press(chat, line.bot_messages("Uhead")[-1], "ตรวจรถแล้ว ไม่มีเด็ก", "Uhead")
    assert "ตรวจรถแล้ว" in texts(reply)


def test_forged_or_foreign_alert_buttons_are_refused(monday, chat, people, rt, org, clock, line, session):
    at_local(clock, "09:00")
    run_clock(rt)
    alert = alerts(session)[0]
    assert "เฉพาะครูและหัวหน้าของศูนย์นี้" in texts(chat.postback("Uteacher2", f"a=al.ack&id={alert.id}&r=arrived"))
    assert "เฉพาะครูและหัวหน้าของศูนย์นี้" in texts(chat.postback("Uteacher", "a=al.ack&id=99999&r=arrived"))
    assert "ใช้ไม่ได้แล้ว" in texts(chat.postback("Uteacher", f"a=al.ack&id={alert.id}&r=van_checked"))
    assert "ใช้ไม่ได้แล้ว" in texts(chat.postback("Uteacher", f"a=al.absent&id={alert.id}&k=holiday"))
    assert "เฉพาะครูและหัวหน้าของศูนย์นี้" in texts(chat.postback("Uparent", "a=al.leave&id=abc"))
    assert alerts(session)[0].acknowledged_at is None
    assert "แจ้งเตือนเป็นข้อมูลส่วนตัว" not in texts(chat.text("Uteacher", "แจ้งเตือนที่ค้าง"))
    assert "เฉพาะครูและหัวหน้าศูนย์" in texts(chat.text("Uparent", "แจ้งเตือนที่ค้าง"))


def test_a_centre_not_on_line_yet_raises_no_cutoff_alerts(clock, rt, org, session, line):
    at_local(clock, "09:30")  # nobody at K0001/K0002 registered: no check-ins, and nobody to tell
    assert run_clock(rt) == 0
    assert not alerts(session)
    assert not [c for c in line.calls if c["path"] == "/v2/bot/message/push"]


def test_the_clock_process_schedules_every_job_once(rt):
    from scheduler.__main__ import build

    ids = [job.id for job in build(rt).get_jobs()]
    assert len(ids) == len(set(ids))
    assert {"safety_checks", "teacher_reminders", "daily_digests", "check_quota", "parent_rollups",
            "sweep_outbox"} <= set(ids)


def test_a_head_can_leave_parents_one_push_a_day_the_digest(monday, chat, people, bound_group, rt, org, clock,
                                                             line, check_in):
    chat.text("Uhead", "เวลาส่งสรุป ปิด")
    assert "สรุปประจำวันเข้ากลุ่มผู้ปกครอง: ส่ง 15:30" in texts(chat.text("Uhead", "เวลาสรุปประจำวัน 15:30"))
    check_in("C000001", "C000002")
    at_local(clock, "09:00")
    assert jobs.parent_rollups(rt, rt.now()) == 0
    at_local(clock, "15:30")
    before = line.billable.get(bound_group, 0)
    assert jobs.daily_digests(rt, rt.now()) == 2
    jobs.sweep_outbox(rt, rt.now())
    assert line.billable[bound_group] - before == 23  # the day's one push
    assert "มาเรียน 2 จาก 4 คน" in line.bot_messages(bound_group)[-1]["text"]


def test_teacher_reads_every_missing_child_in_the_first_alert(monday, chat, people, rt, org, clock, line, session):
    centre = org["centres"]["K0001"]
    session.add_all([Child(code=f"C1{n:05d}", centre_id=centre.id, title="ด.ญ.", first_name=f"เด็ก{n}",
                           last_name="ทดสอบ", nickname=f"น้ำ{n}", sex="F", birth_date=date(2022, 5, 1))
                     for n in range(12)])
    session.commit()
    at_local(clock, "09:00")
    assert run_clock(rt) == 16
    first, cards = line.bot_messages("Uteacher")[-2:]
    assert first["type"] == "text" and cards["type"] == "flex"
    for child in session.scalars(select(Child).where(Child.centre_id == centre.id, Child.active)):
        assert child.display_name in first["text"]
    assert "ทั้งหมด 16 รายการ" in first["text"]


def test_officials_card_counts_what_the_bot_pushed_since_the_last_quota_read(monday, chat, people, rt, line, clock):
    use_quota(line, rt, used=0)
    at_local(clock, "09:00")
    assert run_clock(rt) == 4  # one carousel to the teacher and one to the head
    assert line.total_billable() == 2
    shown = str(chat.text("Ulao", "การแจ้งเตือนวันนี้"))
    assert "2/300" in shown, "the card counts the two pushes LINE has not reported yet"


def test_parent_who_asks_today_in_the_group_gets_the_day_as_a_free_reply(monday, chat, people, bound_group, rt, org,
                                                                         line, check_in):
    assert "ปักหมุด" in texts(line.bot_messages(bound_group))  # the bind message tells parents how to ask
    check_in("C000001", "C000002")  # in 1:1: the group has not seen it
    before = line.total_billable()
    replies = chat.text("Uparent", "วันนี้", group=bound_group)
    assert "มาเรียน 2 จาก 4 คน" in texts(replies) and "ภูผา" not in texts(replies)  # counts only
    assert "วันนี้" in [i["action"]["label"] for i in replies[-1]["quickReply"]["items"]]
    assert line.total_billable() == before, "a reply is free"


def test_one_arrival_settled_from_a_1to1_alert_button_is_not_pushed_to_an_in_group_centre(monday, chat, people,
                                                                                          bound_group, rt, org, clock,
                                                                                          line, check_in):
    chat.text("Uhead", "เวลาสรุปประจำวัน 15:30")  # even with the pushed digest chosen
    check_in("C000001", "C000002", "C000003", group=bound_group)
    at_local(clock, "09:00")
    run_clock(rt)  # ใบเตย has not come: an alert in 1:1
    at_local(clock, "09:10")
    assert "มาถึงศูนย์แล้ว" in texts(press(chat, alert_pushes(line, "Uteacher")[-1], "มาแล้ว", "Uteacher"))
    before = line.billable.get(bound_group, 0)
    at_local(clock, "15:30")
    assert jobs.parent_rollups(rt, rt.now()) + jobs.daily_digests(rt, rt.now()) == 0
    jobs.sweep_outbox(rt, rt.now())
    assert line.billable.get(bound_group, 0) == before
    assert "มาเรียน 4 จาก 4 คน" in texts(chat.text("Uparent", "วันนี้", group=bound_group))


def test_head_chooses_the_pushed_digest_and_sees_what_it_costs(chat, people, bound_group, rt, org, session):
    shown = chat.text("Uhead", "ตั้งค่าศูนย์")
    assert "สรุปประจำวันเข้ากลุ่มผู้ปกครอง: ไม่ส่ง" in texts(shown) and "ครั้งละ 23 ข้อความ" in texts(shown)
    replies = press(chat, shown[-1], "ส่งสรุปเข้ากลุ่ม", "Uhead")
    assert "สรุปประจำวันเข้ากลุ่มผู้ปกครอง: ส่ง 15:30" in texts(replies)
    assert session.scalar(select(Centre.push_digest).where(Centre.code == "K0001")) is True
    press(chat, replies[-1], "หยุดส่งสรุปเข้ากลุ่ม", "Uhead")
    session.expire_all()
    assert session.scalar(select(Centre.push_digest).where(Centre.code == "K0001")) is False


def test_guardian_who_blocked_the_bot_gets_no_escalation_push(monday, chat, people, rt, org, clock, line, session):
    link_parent(chat, "Uparent", "ภูผา")
    chat.event("Uparent", "unfollow", "Uparent")
    at_local(clock, "09:00")
    run_clock(rt)
    at_local(clock, "09:15")
    run_clock(rt)
    pushes = [c for c in line.calls if c["path"] == "/v2/bot/message/push" and c["body"]["to"] == "Uparent"]
    assert pushes == [], "a blocked guardian is not pushed (LINE drops it, and the quota pays for it)"
    assert len(escalations(line, "Ulao")) == 1, "the LAO still hears of it"
    chat.event("Uparent", "follow", "Uparent")
    assert session.scalar(select(LineUser.followed).where(LineUser.line_user_id == "Uparent")) is True
