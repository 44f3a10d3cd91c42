"""Morning check-in as chats: photos of QR cards (several, sets, bad files), the missing list, typed names."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from domain.qr import qr_payload
from models import Attendance, AuditLog, Child, PhotoScan
from tests.support import at_local, quick_labels, texts
from tests.photos import card_photo, jpeg


def payload(rt, child: Child, version: int | None = None) -> str:
    return qr_payload(child.code, version or child.qr_version, rt.cfg.secret)


def loading_calls(line) -> list[str]:
    return [c["body"]["chatId"] for c in line.calls if c["path"] == "/v2/bot/chat/loading/start"]


def arrivals(session) -> dict[str, Attendance]:
    session.expire_all()
    return {row.child.code: row for row in session.scalars(select(Attendance))}


def test_photo_with_several_cards_checks_each_child_in_once(morning, chat, people, rt, org, session, clock, line,
                                                            cards_photo):
    photo = cards_photo("C000001", "C000002", "C000003")
    replies = chat.photo("Uteacher", photo)
    body = texts(replies)
    assert "เช็คชื่อแล้ว 3 คน (07:30)" in body and "ภูผา" in body and "ขิง" in body
    assert "ยังไม่มา 1 คน" in body  # C000004 (C000005 is at the other centre)
    assert set(arrivals(session)) == {"C000001", "C000002", "C000003"}
    assert all(r.arrived_via == "photo" and r.arrived_by == "Uteacher" and not r.late for r in arrivals(session).values())
    labels = quick_labels(replies[-1])
    assert "ยังไม่มา (1)" in labels and "สุขภาพปกติทุกคน" in labels
    clock.advance(minutes=12)
    again = texts(chat.photo("Uteacher", cards_photo("C000001")))
    assert "ภูผา เช็คชื่อแล้วเมื่อ 07:30" in again and "เช็คชื่อแล้ว 1 คน" not in again
    assert len(arrivals(session)) == 3
    assert loading_calls(line) == ["Uteacher", "Uteacher"], "each photo in 1:1 shows the loading animation"


def test_cards_from_another_centre_revoked_or_forged_are_refused(morning, chat, people, rt, org, session):
    k1 = org["children"]["C000001"]
    other = org["children"]["C000005"]
    k1.qr_version = 2
    session.commit()
    forged = payload(rt, org["children"]["C000003"])[:-4] + "AAAA"
    photo = card_photo([payload(rt, other), payload(rt, k1, version=1), forged, "https://example.com/x",
                        payload(rt, org["children"]["C000004"])])
    body = texts(chat.photo("Uteacher", photo))
    assert "เช็คชื่อแล้ว 1 คน" in body and "ใบเตย" in body
    assert "บัตรที่ไม่รับ 4 ใบ" in body
    assert "บัตรของศูนย์อื่น" in body and "บัตรถูกยกเลิกแล้ว" in body and "บัตรไม่ถูกต้อง" in body
    assert "ไม่ใช่บัตร Smart Kids" in body
    assert set(arrivals(session)) == {"C000004"}


def test_a_photo_set_is_answered_once_with_everything(morning, chat, people, rt, org, session, cards_photo):
    first = chat.photo("Uteacher", cards_photo("C000001"), image_set=("set1", 1, 2))
    assert first == []  # waits for the rest of the set
    second = chat.photo("Uteacher", cards_photo("C000002"), image_set=("set1", 2, 2))
    assert len(second) == 1 and "เช็คชื่อแล้ว 2 คน" in texts(second)
    scans = session.scalars(select(PhotoScan)).all()
    assert len(scans) == 2 and all(s.answered_at for s in scans)


@pytest.mark.parametrize("data,expect", [
    (b"not an image at all", "ไม่ใช่ไฟล์รูปภาพ"),
    (jpeg(Image.new("RGB", (400, 300), "white"))[:300], "ไม่สมบูรณ์"),
    (b"\xff\xd8" + b"0" * (21 * 1024 * 1024), "ใหญ่เกิน"),
])
def test_bad_files_change_nothing_and_get_a_clear_answer(morning, chat, people, session, data, expect):
    body = texts(chat.photo("Uteacher", data))
    assert expect in body and "ยังไม่มา 4 คน" in body
    assert arrivals(session) == {}


def test_decompression_bomb_is_refused(morning, chat, people, session):
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")
    assert "พิกเซลใหญ่ผิดปกติ" in texts(chat.photo("Uteacher", buf.getvalue()))
    assert arrivals(session) == {}


def test_photo_without_codes_gets_advice(morning, chat, people, session):
    body = texts(chat.photo("Uteacher", jpeg(Image.new("RGB", (800, 600), (200, 180, 160)))))
    assert "ถ่ายรูปใหม่" in body or "ถ่ายใหม่" in body
    assert arrivals(session) == {}


def test_exif_rotated_photo_is_read(morning, chat, people, rt, org, session, cards_photo):
    image = Image.open(io.BytesIO(cards_photo("C000003")))
    rotated = image.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways, shown upright
    buf = io.BytesIO()
    rotated.save(buf, "JPEG", exif=exif.tobytes())
    assert "ขิง" in texts(chat.photo("Uteacher", buf.getvalue()))
    assert set(arrivals(session)) == {"C000003"}


def test_cards_from_someone_who_is_not_staff_are_refused(morning, chat, people, rt, org, session, cards_photo):
    photo = cards_photo("C000001")
    assert "เฉพาะครู" in texts(chat.photo("Ulao", photo))
    body = texts(chat.photo("Uteacher2", photo))  # a teacher of K0002 scanning a K0001 card
    assert "บัตรของศูนย์อื่น" in body
    assert arrivals(session) == {}


def test_stranger_photo_gets_the_registration_answer_without_a_download(morning, chat, people, line, rt, org,
                                                                         session, cards_photo):
    photo = cards_photo("C000001")
    assert "วิธีลงทะเบียน" in texts(chat.photo("Unew", photo))
    assert not [c for c in line.calls if "/content" in c["path"]], "an unknown sender's photo is never fetched"
    assert arrivals(session) == {}


def test_late_arrival_after_cutoff_is_marked(chat, people, rt, org, session, clock, cards_photo):
    at_local(clock, "09:20")
    body = texts(chat.photo("Uteacher", cards_photo("C000001")))
    assert "(มาสาย)" in body
    assert arrivals(session)["C000001"].late


def test_missing_list_buttons_check_children_in(morning, chat, people, org, session):
    replies = chat.text("Uteacher", "ยังไม่มา")
    assert "ยังไม่มา 4 คน" in texts(replies)
    assert set(quick_labels(replies[-1])) == {"ภูผา", "ข้าวหอม", "ขิง", "ใบเตย"}
    replies = chat.tap(replies[-1], "ขิง", "Uteacher")
    assert "✅ ขิง มาแล้ว 07:30" in texts(replies) and "ยังไม่มา 3 คน" in texts(replies)
    assert "ขิง" not in quick_labels(replies[-1])
    assert arrivals(session)["C000003"].arrived_via == "button"


def test_missing_list_pages_for_big_classes(morning, chat, people, org, session):
    centre = org["centres"]["K0001"]
    from datetime import date
    session.add_all([Child(code=f"X{i:04d}", centre_id=centre.id, first_name=f"เด็ก{i:02d}", last_name="ทดสอบ",
                           nickname=f"น้อง{i:02d}", sex="F", birth_date=date(2022, 1, 1)) for i in range(25)])
    session.commit()
    first = chat.text("Uteacher", "ยังไม่มา")
    assert "ยังไม่มา 29 คน (หน้า 1/3)" in texts(first)
    labels = quick_labels(first[-1])
    assert len(labels) == 11 and labels[-1] == "ถัดไป ▶"
    second = chat.tap(first[-1], "ถัดไป ▶", "Uteacher")
    assert "(หน้า 2/3)" in texts(second) and quick_labels(second[-1])[0] == "◀ ก่อนหน้า"


def test_typed_names_resolve_nicknames_and_first_names_and_ask_when_ambiguous(morning, chat, people, org, session):
    replies = chat.text("Uteacher", "มา ข้าวหอม อรอุมา ส้มโอ")
    body = texts(replies)
    assert "✅ ข้าวหอม มาแล้ว" in body and "✅ ใบเตย มาแล้ว" in body and "ไม่พบชื่อ \"ส้มโอ\"" in body
    replies = chat.text("Uteacher", "มา ภูริ")  # two children named ภูริ at K0001
    assert "มี 2 คน" in texts(replies)
    labels = quick_labels(replies[-1])
    assert len(labels) == 2
    chat.tap(replies[-1], labels[0], "Uteacher")
    assert len(arrivals(session)) == 3


def test_in_the_parent_group_the_reply_is_what_parents_see(morning, chat, people, bound_group, rt, org, session,
                                                           line, cards_photo):
    replies = chat.photo("Uteacher", cards_photo("C000001"), group=bound_group)
    assert "ภูผา" in texts(replies)
    assert arrivals(session)["C000001"].shared_at is not None
    assert line.billable.get(bound_group, 0) == 0  # a reply, not a push
    assert loading_calls(line) == []  # no loading animation in groups
    # a parent posting any photo in the group is ignored
    assert chat.photo("Uparent", jpeg(Image.new("RGB", (300, 300), "white")), group=bound_group) == []


def test_health_details_are_never_shown_in_the_group(morning, chat, people, bound_group, rt, org, session, cards_photo):
    chat.photo("Uteacher", cards_photo("C000001"), group=bound_group)
    replies = chat.text("Uteacher", "ตรวจสุขภาพ", group=bound_group)
    assert "แชตส่วนตัว" in texts(replies)
    assert session.scalar(select(AuditLog).where(AuditLog.action == "child.sent_home")) is None


def test_a_phone_photo_of_six_printed_cards_checks_all_in(morning, chat, people, rt, org, session):
    from bot.card_routes import card_info
    from domain.cards import card_image
    from simulator.photos import phone_photo

    centre = org["centres"]["K0001"]
    extra = [Child(code=f"C1000{i}", centre_id=centre.id, first_name=f"เด็ก{i}", last_name="ทดสอบ",
                   nickname=f"แก้ม{i}", sex="F", birth_date=org["children"]["C000001"].birth_date) for i in range(3)]
    session.add_all(extra)
    session.commit()
    children = [org["children"][c] for c in ("C000001", "C000002", "C000004")] + extra
    cards = [card_image(card_info(c, centre, rt.cfg.secret)) for c in children]
    photo = phone_photo(cards, seed=11, rotation=None, perspective=0.15, blur=1.5, noise=6, glare=0.5,
                        low_light=0.3, jpeg_quality=75, size=(3264, 2448))
    body = texts(chat.photo("Uteacher", photo))
    assert "เช็คชื่อแล้ว 6 คน" in body, body
    assert set(arrivals(session)) == {c.code for c in children}


def test_children_on_leave_are_not_waited_for(morning, chat, people, org, session):
    from datetime import date
    from models import Absence

    child = org["children"]["C000002"]
    session.add(Absence(child_id=child.id, centre_id=child.centre_id, kind="sick", first_day=date(2026, 11, 23),
                        last_day=date(2026, 11, 24), reported_by="Uparent"))
    session.commit()
    replies = chat.text("Uteacher", "ยังไม่มา")
    assert "ยังไม่มา 3 คน" in texts(replies) and "ลา: ข้าวหอม" in texts(replies)
    assert "ข้าวหอม" not in quick_labels(replies[-1])


def test_names_then_maa_laew_is_understood_too(morning, chat, people, session):
    body = texts(chat.text("Uteacher", "น้องภูผา ข้าวหอม มาแล้วค่ะ"))
    assert "✅ ภูผา มาแล้ว" in body and "✅ ข้าวหอม มาแล้ว" in body
    assert set(arrivals(session)) == {"C000001", "C000002"}


def test_cards_in_a_group_not_yet_bound_get_a_hint(morning, chat, people, rt, org, session, cards_photo):
    chat.event("Gk1", "join", "Gk1")
    body = texts(chat.photo("Uteacher", cards_photo("C000001"), group="Gk1"))
    assert "ยังไม่ได้เชื่อมกับศูนย์" in body and arrivals(session) == {}


def test_forged_buttons_get_an_answer_and_change_nothing(morning, chat, people, org, session):
    assert texts(chat.postback("Uteacher", "a=ci.arrive&c=abc")) == "ปุ่มนี้ใช้ได้เฉพาะครูของศูนย์ของเด็กคนนี้ค่ะ"
    assert "ยังไม่มา 4 คน" in texts(chat.postback("Uteacher", "a=ci.missing&p=-7"))
    assert "ไม่ถูกต้อง" in texts(chat.postback("Uteacher", f"a=hc.temp&c={org['children']['C000001'].id}&t=x"))
    assert arrivals(session) == {}


def test_a_transparent_png_of_a_code_is_read_on_white(morning, chat, people, rt, org, session):
    import qrcode

    modules = qrcode.make(payload(rt, org["children"]["C000004"]), box_size=8).get_image().convert("L")
    png = Image.new("RGBA", modules.size, (0, 0, 0, 0))  # black modules on a fully transparent background
    png.paste(Image.new("RGBA", modules.size, (0, 0, 0, 255)), mask=modules.point(lambda v: 255 if v < 128 else 0))
    buf = io.BytesIO()
    png.save(buf, "PNG")
    assert "ใบเตย" in texts(chat.photo("Uteacher", buf.getvalue()))
    assert set(arrivals(session)) == {"C000004"}


@pytest.fixture
def namesakes(org, session):
    """Three children called ขวัญ at K0001, two of them กานดา (one with a long surname initial alike)."""
    from datetime import date

    centre = org["centres"]["K0001"]
    rows = [("C000011", "กานดา", "ศรีสุข"), ("C000012", "กมลชนก", "ใจงาม"), ("C000013", "กานดา", "แสงทอง")]
    for code, first, last in rows:
        session.add(Child(code=code, centre_id=centre.id, title="ด.ญ.", first_name=first, last_name=last,
                          nickname="ขวัญ", sex="F", birth_date=date(2022, 3, 1)))
    session.commit()


def test_teacher_tells_namesakes_apart_on_the_missing_list_and_by_typing(morning, chat, people, namesakes, session):
    labels = quick_labels(chat.text("Uteacher", "ยังไม่มา")[-1])
    assert {"ขวัญ (กมลชนก)", "ขวัญ (กานดา ศ.)", "ขวัญ (กานดา ส.)"} <= set(labels)
    assert len(set(labels)) == len(labels) and all(len(label) <= 20 for label in labels)
    body = texts(chat.text("Uteacher", "มา ขวัญ (กานดา ศ.) ขวัญ กมลชนก"))
    assert "✅ ขวัญ (กานดา ศ.) มาแล้ว" in body and "✅ ขวัญ (กมลชนก) มาแล้ว" in body
    assert set(arrivals(session)) == {"C000011", "C000012"}
    body = texts(chat.text("Uteacher", "มา ขวัญ กานดา"))  # still two กานดา: she is asked, and shown who is in
    assert "มี 2 คน: ขวัญ (กานดา ศ.), ขวัญ (กานดา ส.)" in body, body
    assert len(arrivals(session)) == 2


def test_unique_labels_fall_back_to_initials_within_lines_limit():
    from domain.names import unique_labels

    long_first = "ปรมาภิไธยศักดิ์สิทธิ์"
    kids = [Child(id=1, code="C1", first_name=long_first, last_name="ทองดี", nickname="ต้นข้าว"),
            Child(id=2, code="C2", first_name="เอกชัย", last_name="ใจดี", nickname="ต้นข้าว"),
            Child(id=3, code="C3", first_name="มานี", last_name="มีนา", nickname="")]
    assert unique_labels(kids) == {1: "ต้นข้าว (ป. ท.)", 2: "ต้นข้าว (เอกชัย)", 3: "มานี"}
