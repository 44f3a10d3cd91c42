"""Privacy (PDPA) as chats: what a parent group may see, codes and cards that must not leak, consent, rights."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from domain.qr import qr_payload
from models import Absence, AuditLog
from tests.support import texts
from tests.photos import card_photo


def actions(session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_parents_in_the_group_see_nicknames_and_counts_but_no_reasons(morning, chat, bound_group, org, session, rt):
    kids = org["children"]
    monday = date(2026, 11, 23)
    session.add_all([Absence(child_id=kids["C000001"].id, centre_id=kids["C000001"].centre_id, kind="sick",
                             first_day=monday, last_day=monday, reported_by="Uteacher"),
                     Absence(child_id=kids["C000003"].id, centre_id=kids["C000003"].centre_id, kind="late",
                             first_day=monday, last_day=monday, late_until=time(10, 0), reported_by="Uteacher")])
    session.commit()
    body = texts(chat.text("Uteacher", "ยังไม่มา", group=bound_group))
    assert "ยังไม่มา 3 คน" in body and "ข้าวหอม" in body and "ลา 1 คน" in body and "แจ้งมาสาย 1 คน" in body
    assert "ป่วย" not in body and "10:00" not in body and "วีรภัทร" not in body  # no reason, time or full name
    private = texts(chat.text("Uteacher", "ยังไม่มา"))
    assert "ลา: ภูผา (ป่วย)" in private and "ขิง (10:00)" in private  # staff still see it all in 1:1
    photo = card_photo([qr_payload("C000002", 1, rt.cfg.secret)])
    body = texts(chat.photo("Uteacher", photo, group=bound_group))
    assert "ข้าวหอม" in body and "วีรภัทร" not in body


def test_teacher_asking_for_cards_in_the_group_gets_them_only_in_private(morning, chat, bound_group, line):
    for words in ("บัตร QR", "บัตร ภูผา", "ออกบัตรใหม่ ภูผา"):
        replies = chat.text("Uteacher", words, group=bound_group)
        assert "แชตส่วนตัว" in texts(replies) and all(m["type"] == "text" for m in replies)
    assert "/cards/" not in str(line.bot_messages(bound_group))
    assert "แชตส่วนตัว" in texts(chat.postback("Uteacher", "a=cd.show&c=1", group=bound_group))
    assert any(m["type"] == "image" for m in chat.text("Uteacher", "บัตร ภูผา"))


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_operator_revokes_a_teacher_who_then_gets_a_polite_refusal(morning, app, chat, people, line, session):
    from models import LineUser, Staff
    out = cli(app, "access", "revoke", "--line-user", "Uteacher", "--reason", "ลาออก")
    assert "teacher@K0001" in out
    assert session.scalar(select(Staff.active).where(Staff.line_user_id == "Uteacher")) is False
    assert session.scalar(select(LineUser.rich_menu).where(LineUser.line_user_id == "Uteacher")) is None
    assert any(c["method"] == "DELETE" and c["path"] == "/v2/bot/user/Uteacher/richmenu" for c in line.calls)
    assert [e.subject for e in actions(session, "access.revoke")] == ["Uteacher"]
    for move in ("ยังไม่มา", "บัตร ภูผา", "สวัสดี"):
        assert "สิทธิ์การใช้งานของบัญชีนี้ถูกยกเลิกแล้ว" in texts(chat.text("Uteacher", move))


def test_operator_exports_then_erases_a_child_and_reads_the_audit_log(morning, app, chat, people, session, org):
    import json
    from models import Attendance, Child, Guardian
    chat.text("Uteacher", "มา ภูผา")
    chat.text("Uteacher", "ภูผา 38.5")
    exported = json.loads(cli(app, "privacy", "export", "--child", "C000001"))
    assert exported["child"]["first_name"] == "ภูริ" and exported["guardians"][0]["phone"] == "0865731593"
    assert exported["attendance"][0]["temperature"] == 38.5
    assert "erased C000001" in cli(app, "privacy", "erase", "--child", "C000001")
    session.expire_all()
    child = session.scalar(select(Child).where(Child.code == "C000001"))
    assert child.first_name == "(ลบข้อมูลแล้ว)" and child.nickname == "" and not child.active
    assert child.erased_at is not None and child.birth_date == date(2022, 1, 1)
    row = session.scalar(select(Attendance).where(Attendance.child_id == child.id))
    assert row is not None and row.temperature is None  # the day still counts; the health detail is gone
    assert session.scalar(select(Guardian.phone)) == "0865731593"  # still the guardian of the sibling C000002
    assert json.loads(cli(app, "privacy", "export", "--child", "C000001"))["guardians"] == []
    log = cli(app, "audit", "show", "--centre", "K0001", "--since", "2026-11-23")
    assert "privacy.export\tC000001" in log and "privacy.erase\tC000001" in log
    assert "privacy.erase" not in cli(app, "audit", "show", "--centre", "K0002")
    bad = app.test_cli_runner().invoke(args=["privacy", "erase", "--child", "C999999"])
    assert bad.exit_code == 2 and "ไม่พบเด็ก" in bad.output


def test_a_formula_typed_as_a_name_or_menu_is_exported_as_plain_text(app, org, session, rt):
    import io
    from openpyxl import load_workbook
    from bot.signed import signed_url
    from domain.reports import report_path
    from models import Child, Lunch
    evil = '=HYPERLINK("http://evil.example","คลิก")'
    session.get(Child, org["children"]["C000004"].id).first_name = evil
    session.add(Lunch(centre_id=org["centres"]["K0001"].id, day=date(2026, 11, 2), menu_text=evil, dishes=[],
                      recorded_by="Uteacher"))
    session.commit()
    assert "'" + evil.replace('"', '""') in cli(app, "children", "export", "--centre", "K0001", "--format", "csv")
    url = signed_url(rt.cfg, report_path("lunch", "lao", "L001", date(2026, 11, 1), "xlsx"), rt.now())
    body = app.test_client().get(url.removeprefix(rt.cfg.PUBLIC_BASE_URL)).data
    cells = [c for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row if c.value]
    assert "'" + evil in [c.value for c in cells] and all(c.data_type != "f" for c in cells)
    assert [e.subject for e in actions(session, "report.download")] == ["lunch:lao:L001"]


def test_guardian_is_asked_each_consent_at_linking_and_nothing_is_assumed(morning, chat, people, session, org):
    from domain.consent import decisions, without_consent
    from models import Child, Consent
    from tests.support import quick_labels
    child = session.get(Child, org["children"]["C000004"].id)
    session.delete(session.scalar(select(Consent).where(Consent.child_id == child.id)))
    child.home_lat, child.home_lng = 17.2, 102.4
    session.commit()
    code = texts(chat.text("Uteacher", "รหัสผู้ปกครอง ใบเตย")).split("\n\n")[1]
    replies = chat.text("Uparent", code)
    assert "ประกาศความเป็นส่วนตัว" in texts(replies) and "1/3 รูปภาพ" in texts(replies)
    assert quick_labels(replies[-1]) == ["ยินยอม", "ไม่ยินยอม", "ยกเลิก"]
    assert child.id in [c.id for c in without_consent(session, child.centre_id, "photo")]  # not answered = no
    replies = chat.tap(replies[-1], "ยินยอม", "Uparent")
    assert "2/3 ข้อมูลสุขภาพ" in texts(replies)
    replies = chat.tap(replies[-1], "ไม่ยินยอม", "Uparent")
    assert "3/3 ตำแหน่งบ้าน" in texts(replies)
    assert "ความยินยอม" in texts(chat.tap(replies[-1], "ไม่ยินยอม", "Uparent"))
    assert decisions(session, child.id) == {"photo": True, "health": False, "home": False}
    session.refresh(child)
    assert child.home_lat is None and child.home_lng is None  # refusing the home pin erases a stored one


def test_lunch_photo_is_not_shared_when_the_teacher_cannot_confirm_consent(morning, chat, people, session, org):
    from models import Media
    from tests.support import quick_labels, withdraw_photo_consent
    from tests.support.media import image_urls, link_parent, phone_photo, send_photos
    link_parent(chat, chat.rt, "Uparent", "C000001")
    withdraw_photo_consent(session, org["children"]["C000004"])
    chat.text("Uteacher", "เมนู ข้าวสวย, ไข่เจียว")
    replies = send_photos(chat, "Uteacher", [phone_photo()])
    assert "ใบเตย" in texts(replies) and "ยืนยัน ไม่มีในรูป" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "ไม่ส่งรูป", "Uteacher")
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies) and image_urls(replies) == []
    assert session.scalar(select(Media.purged_at)) is not None  # the withheld photo is deleted
    answer = chat.text("Uparent", "วันนี้กินอะไร")
    assert "ไข่เจียว" in texts(answer) and image_urls(answer) == []


def test_the_clock_applies_each_tables_retention_when_time_moves_on(app, rt, org, session):
    from datetime import datetime, timedelta, timezone
    from models import Attendance, InboxEvent
    from scheduler import jobs
    child = org["children"]["C000001"]
    now = datetime(2026, 11, 23, 20, 15, tzinfo=timezone.utc)

    def day(age: int) -> Attendance:
        moment = now - timedelta(days=age)
        return Attendance(child_id=child.id, centre_id=child.centre_id, day=moment.date(), arrived_at=moment,
                          arrived_by="Uteacher", arrived_via="photo", health="concern", temperature=38.4)
    session.add_all([day(10), day(400), day(1200),
                     AuditLog(at=now - timedelta(days=1200), actor="Uteacher", action="view.card", subject="C000001"),
                     InboxEvent(webhook_event_id="old-failure", chat_id="Ux", event_type="message", event_ts=0,
                                payload={}, status="failed", received_at=now - timedelta(days=100))])
    session.commit()
    done = jobs.apply_retention(rt, now)
    assert done["attendance"] == 2 and done["audit_log"] == 1 and done["inbox_events"] == 1
    temps = {(now.date() - a.day).days: a.temperature for a in session.scalars(select(Attendance))}
    assert temps == {10: 38.4, 400: None}  # last year's fever is forgotten, the day still counts; 3 years: gone
    assert jobs.apply_retention(rt, now) == {}  # once a day
    assert actions(session, "retention.applied")[0].detail["attendance"] == 2
