"""The van as chats: the driver boards children (taps, photos of cards), says the van arrived and is empty;
the detector raises urgent alerts for boarded children not checked in, and for a van nobody confirmed empty."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from bot.db import transaction
from bot.storage import storage_for
from domain.qr import qr_payload
from domain.van import van_overdue
from models import Absence, Alert, Attendance, Centre, Child, Media, PhotoScan, Staff, VanBoarding, VanTrip
from scheduler.jobs import purge_media
from tests.support import at_local, make_invite, quick_labels, texts
from tests.photos import card_photo, jpeg

DAY = date(2026, 11, 23)
BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def van(session, org):
    """ภูผา, ข้าวหอม and ขิง of K0001 ride van V1; ใบเตย does not."""
    for code in ("C000001", "C000002", "C000003"):
        child = org["children"][code]
        child.rides_van, child.van_code = True, "V1"
    session.commit()
    return org


@pytest.fixture
def driver(van, people, line, chat, rt):
    """A registered driver of K0001."""
    line.add_user("Udriver", "ลุงสมชาย")
    chat.event("Udriver", "follow", "Udriver")
    chat.text("Udriver", make_invite(rt, "driver", "K0001"))
    return "Udriver"


def kid(org, code) -> Child:
    return org["children"][code]


def card(rt, child: Child) -> str:
    return qr_payload(child.code, child.qr_version, rt.cfg.secret)


def local(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}").replace(tzinfo=BKK)


def overdue(rt, hhmm: str) -> list[tuple[str, str, str]]:
    """Run the detector for K0001 at a local time; (kind, child code or "", level) of the alerts it raised."""
    with transaction(rt.sessions) as s:
        centre = s.scalar(select(Centre).where(Centre.code == "K0001"))
        codes = dict(s.execute(select(Child.id, Child.code)).all())
        return sorted((a.kind, codes.get(a.child_id, ""), a.level) for a in van_overdue(s, centre, local(hhmm)))


def boarded(session) -> dict[str, VanBoarding]:
    return {b.child.code: b for b in session.scalars(select(VanBoarding))}


def board_all(chat, driver, clock, hhmm="07:10"):
    at_local(clock, hhmm)
    listing = chat.text(driver, "ขึ้นรถ")[-1]
    for name in ("ภูผา", "ข้าวหอม", "ขิง"):
        listing = chat.tap(listing, name, driver)[-1]
    return listing


def test_driver_boards_by_tap_and_by_photo(driver, chat, rt, org, session, clock, line):
    at_local(clock, "07:05")
    listing = chat.text(driver, "ขึ้นรถ")[-1]
    assert "รถ V1 รอบเช้า: ขึ้นรถแล้ว 0 คน (รายชื่อรถ 3 คน)" in listing["text"]
    assert "ถ่ายรูปบัตร QR" in listing["text"] and "ใบเตย" not in listing["text"]
    assert quick_labels(listing) == ["ขิง", "ข้าวหอม", "ภูผา", "ถึงศูนย์แล้ว"]
    after_tap = chat.tap(listing, "ภูผา", driver)[-1]
    assert "✅ ภูผา ขึ้นรถแล้ว 07:05" in after_tap["text"] and "บนรถ: ภูผา" in after_tap["text"]
    assert quick_labels(after_tap) == ["ขิง", "ข้าวหอม", "ถึงศูนย์แล้ว"]
    at_local(clock, "07:12")
    photo = card_photo([card(rt, kid(org, c)) for c in ("C000001", "C000002", "C000004", "C000005")])
    body = texts(chat.photo(driver, photo))
    assert "✅ ขึ้นรถแล้ว 2 คน (07:12)" in body
    assert "ข้าวหอม" in body and "ใบเตย" in body and "(ไม่อยู่ในรายชื่อรถ)" in body
    assert "ภูผา เมื่อ 07:05" in body
    assert "บัตรที่ไม่รับ 1 ใบ" in body and "บัตรของศูนย์อื่น" in body
    assert "ยังไม่ขึ้นรถ 1 คน: ขิง" in body
    rows = boarded(session)
    assert set(rows) == {"C000001", "C000002", "C000004"}
    assert rows["C000001"].via == "button" and rows["C000002"].via == "photo" and rows["C000002"].boarded_by == driver
    assert session.scalars(select(Attendance)).all() == [], "boarding is not a check-in"
    scan = session.scalar(select(PhotoScan))
    assert scan.purpose == "van" and scan.centre_id == kid(org, "C000001").centre_id and scan.answered_at
    assert [c["body"]["chatId"] for c in line.calls if c["path"] == "/v2/bot/chat/loading/start"] == [driver]
    trips = session.scalars(select(VanTrip)).all()
    assert [(t.van_code, t.day, t.leg) for t in trips] == [("V1", DAY, "morning")]


def test_arrival_then_overdue_alerts_for_exactly_the_children_not_checked_in(driver, chat, rt, session, clock):
    board_all(chat, driver, clock)
    at_local(clock, "07:45")
    said = texts(chat.text(driver, "ถึงศูนย์แล้ว"))
    assert "รถ V1 ถึงศูนย์ 07:45 มีเด็กบนรถ 3 คน" in said and "ภายใน 15 นาที" in said
    assert "บันทึกไว้แล้ว" in texts(chat.text(driver, "ถึงศูนย์แล้ว"))
    trip = session.scalar(select(VanTrip))
    assert trip.arrived_by == driver and trip.arrived_at == local("07:45").astimezone(timezone.utc)
    at_local(clock, "07:50")
    chat.text("Uteacher", "มา ภูผา")
    assert overdue(rt, "07:59") == []
    assert overdue(rt, "08:00") == [("van", "C000002", "urgent"), ("van", "C000003", "urgent"),
                                    ("van_empty", "", "urgent")]
    assert overdue(rt, "08:01") == [] and overdue(rt, "08:30") == []
    alert = session.scalar(select(Alert).where(Alert.kind == "van", Alert.child_id == kid_id(session, "C000003")))
    assert alert.detail == "ขึ้นรถตู้ V1 เวลา 07:10 รถถึงศูนย์ 07:45 ยังไม่เช็คชื่อ" and alert.van_code == "V1"
    assert len(session.scalars(select(Alert)).all()) == 3


def kid_id(session, code: str) -> int:
    return session.scalar(select(Child.id).where(Child.code == code))


def test_empty_with_children_not_checked_in_warns_first_then_settles_the_alert(driver, chat, rt, session, clock):
    board_all(chat, driver, clock)
    at_local(clock, "07:45")
    chat.text(driver, "ถึงศูนย์แล้ว")
    chat.text("Uteacher", "มา ภูผา ข้าวหอม")
    overdue(rt, "08:00")
    at_local(clock, "08:05")
    warning = chat.text(driver, "รถว่างแล้ว")[-1]
    assert "ยังไม่ได้เช็คชื่อที่ศูนย์ 1 คน" in warning["text"] and "ขิง" in warning["text"]
    assert "ภูผา" not in warning["text"]
    assert quick_labels(warning) == ["ตรวจแล้ว ว่างจริง", "ยกเลิก"]
    assert session.scalar(select(VanTrip)).empty_at is None, "nothing is recorded before the driver re-checks"
    assert "ยกเลิกแล้ว" in texts(chat.tap(warning, "ยกเลิก", driver))
    assert session.scalar(select(VanTrip)).empty_at is None
    warning = chat.text(driver, "รถว่างแล้ว")[-1]
    done = chat.tap(warning, "ตรวจแล้ว ว่างจริง", driver)[-1]
    assert "รถ V1 ว่าง 08:05" in done["text"] and "ส่งรูปในรถได้ (ไม่บังคับ)" in done["text"]
    trip = session.scalar(select(VanTrip))
    assert trip.empty_by == driver and trip.empty_at == local("08:05").astimezone(timezone.utc)
    empty_alert = session.scalar(select(Alert).where(Alert.kind == "van_empty"))
    assert empty_alert.acknowledged_by == driver and empty_alert.resolution == "van_checked"
    child_alert = session.scalar(select(Alert).where(Alert.kind == "van"))
    assert child_alert.acknowledged_at is None, "the child's own alert waits for the teacher"
    assert "ว่างไปแล้วเมื่อ 08:05" in texts(chat.text(driver, "รถว่างแล้ว"))


def test_empty_at_once_when_everyone_is_checked_in_and_the_cabin_photo_is_kept(driver, chat, rt, session, clock):
    board_all(chat, driver, clock)
    at_local(clock, "07:40")
    chat.text("Uteacher", "มา ภูผา ข้าวหอม ขิง")
    replies = chat.text(driver, "รถว่างแล้ว")
    assert "ส่งรูปในรถได้ (ไม่บังคับ)" in texts(replies) and quick_labels(replies[-1]) == ["ไม่ส่งรูป"]
    trip = session.scalar(select(VanTrip))
    assert trip.empty_at is not None and trip.arrived_at is None
    kept = chat.photo(driver, jpeg(Image.new("RGB", (320, 240), (90, 90, 90))))
    assert "เก็บรูปในรถไว้แล้ว" in texts(kept)
    media = session.scalar(select(Media))
    assert media.van_trip_id == trip.id
    assert session.scalars(select(PhotoScan)).all() == [], "the cabin photo is not read as cards"
    assert overdue(rt, "08:30") == [] and overdue(rt, "09:30") == []  # all in, van confirmed empty
    with transaction(rt.sessions) as s:
        assert purge_media(s, storage_for(rt.cfg), local("07:40") + timedelta(days=3), 30) == 0
    assert session.scalar(select(Media)).purged_at is None, "a van photo is filed with its trip, not 'unfiled'"


def test_without_any_word_from_the_driver_the_cutoff_counts_as_arrival(driver, chat, rt, session, clock):
    board_all(chat, driver, clock)
    assert overdue(rt, "09:14") == []  # cutoff 09:00 + 15 minutes
    assert overdue(rt, "09:15") == [("van", "C000001", "urgent"), ("van", "C000002", "urgent"),
                                    ("van", "C000003", "urgent"), ("van_empty", "", "urgent")]


def test_a_confirmed_empty_van_counts_as_arrived_and_raises_no_van_empty(driver, chat, rt, session, clock):
    board_all(chat, driver, clock)
    at_local(clock, "07:30")
    chat.text("Uteacher", "มา ภูผา ข้าวหอม")
    warning = chat.text(driver, "รถว่างแล้ว")[-1]
    chat.tap(warning, "ตรวจแล้ว ว่างจริง", driver)
    assert overdue(rt, "07:44") == []
    assert overdue(rt, "07:45") == [("van", "C000003", "urgent")]


def test_a_child_on_leave_is_off_the_list_and_never_alerted(driver, chat, rt, org, session, clock):
    khing = kid(org, "C000003")
    session.add(Absence(child_id=khing.id, centre_id=khing.centre_id, kind="sick", first_day=DAY, last_day=DAY,
                        reported_by="Uparent"))
    session.commit()
    at_local(clock, "07:10")
    listing = chat.text(driver, "ขึ้นรถ")[-1]
    assert "ขิง" not in quick_labels(listing) and "รายชื่อรถ 2 คน" in listing["text"]
    chat.photo(driver, card_photo([card(rt, khing)]))  # boarded anyway (the leave was a mistake?)
    assert set(boarded(session)) == {"C000003"}
    assert overdue(rt, "09:15") == [("van_empty", "", "urgent")]


def test_the_afternoon_run_is_recorded_but_raises_nothing(driver, chat, rt, session, clock):
    at_local(clock, "14:30")
    listing = chat.text(driver, "ขึ้นรถ")[-1]
    assert "รอบบ่าย" in listing["text"] and quick_labels(listing)[-1] == "รถว่างแล้ว"
    chat.tap(listing, "ภูผา", driver)
    assert "รอบบ่ายไม่ต้องแจ้งถึงศูนย์" in texts(chat.text(driver, "ถึงศูนย์แล้ว"))
    assert overdue(rt, "16:00") == [] and overdue(rt, "23:00") == []
    trip = session.scalar(select(VanTrip))
    assert trip.leg == "afternoon" and trip.arrived_at is None
    assert "รถ V1 ว่าง 14:30" in texts(chat.text(driver, "รถว่างแล้ว"))  # no check-in warning on the way home
    assert session.scalar(select(VanTrip)).empty_at is not None


def test_forged_postbacks_are_refused(driver, chat, org, session, clock):
    at_local(clock, "07:10")
    other_centre = kid(org, "C000005").id
    for data in (f"a=van.board&c={other_centre}", "a=van.board&c=abc", "a=van.board&c=999999"):
        assert "ใช้ได้เฉพาะพนักงานขับรถของศูนย์" in texts(chat.postback(driver, data))
    mine = kid(org, "C000001").id
    assert texts(chat.postback("Uteacher", f"a=van.board&c={mine}")) == "ปุ่มนี้ใช้ได้เฉพาะพนักงานขับรถของศูนย์ของเด็กคนนี้ค่ะ"
    assert texts(chat.postback(driver, "a=van.pick&v=K9-V9")) == "ไม่พบรถคันนี้ในทะเบียนของศูนย์ค่ะ กรุณาเลือกใหม่"
    assert boarded(session) == {}
    assert session.scalar(select(Staff.van_code).where(Staff.line_user_id == driver)) == ""


def test_non_drivers_get_a_polite_answer(driver, chat, session):
    for user in ("Uteacher", "Uparent", "Unew"):
        for body in ("ขึ้นรถ", "ถึงศูนย์แล้ว", "รถว่างแล้ว"):
            assert "สำหรับพนักงานขับรถ" in texts(chat.text(user, body)), (user, body)
    assert session.scalars(select(VanTrip)).all() == []


def test_a_centre_with_several_vans_asks_the_driver_once(driver, chat, org, session, clock):
    khing = kid(org, "C000003")
    khing.van_code = "V2"
    session.commit()
    at_local(clock, "07:10")
    asked = chat.text(driver, "ขึ้นรถ")[-1]
    assert "ขับรถคันไหน" in asked["text"] and quick_labels(asked) == ["V1", "V2"]
    assert "คุณขับรถ V2" in texts(chat.tap(asked, "V2", driver))
    assert session.scalar(select(Staff.van_code).where(Staff.line_user_id == driver)) == "V2"
    listing = chat.text(driver, "ขึ้นรถ")[-1]
    assert "รถ V2" in listing["text"] and quick_labels(listing) == ["ขิง", "ถึงศูนย์แล้ว"]
    changed = chat.text(driver, "เปลี่ยนรถ")[-1]
    chat.tap(changed, "V1", driver)
    assert "รถ V1" in texts(chat.text(driver, "ขึ้นรถ"))


def test_a_drivers_photo_in_the_parent_group_checks_nobody_in(driver, bound_group, chat, rt, org, session, clock,
                                                              line):
    line.groups[bound_group]["members"].append(driver)
    at_local(clock, "07:10")
    assert chat.photo(driver, card_photo([card(rt, kid(org, "C000001"))]), group=bound_group) == []
    assert session.scalars(select(Attendance)).all() == [] and boarded(session) == {}
    teacher = texts(chat.photo("Uteacher", card_photo([card(rt, kid(org, "C000002"))]), group=bound_group))
    assert "เช็คชื่อแล้ว 1 คน" in teacher, "teachers' photos in the group still check in"


def test_driver_help_and_quick_replies(driver, chat):
    answer = chat.text(driver, "ช่วยเหลือ")[-1]
    assert "พนักงานขับรถ" in answer["text"] and "รถว่างแล้ว" in answer["text"]
    assert quick_labels(answer) == ["ขึ้นรถ", "ถึงศูนย์แล้ว", "รถว่างแล้ว", "เปลี่ยนรถ", "ช่วยเหลือ"]
