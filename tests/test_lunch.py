"""Lunch: menu and tray photos in either order, allergy warnings, replacing today's lunch, the parent relay."""
from sqlalchemy import select

from notify.parent_news import lunch_messages
from models import AuditLog, Lunch, Media
from tests.support import bind_group, quick_labels, texts
from tests.support.media import image_urls, phone_photo, send_photos


def _lunch(session, org):
    return session.scalar(select(Lunch).where(Lunch.centre_id == org["centres"]["K0001"].id))


def test_teacher_records_menu_then_photo_in_1to1_and_it_waits_for_the_rollup(chat, people, session, org, rt):
    replies = chat.text("Uteacher", "อาหารกลางวัน")
    assert "ส่งเมนู" in texts(replies)
    replies = chat.text("Uteacher", "ข้าวสวย\nต้มจืดเต้าหู้หมูสับ\nกล้วยน้ำว้า")
    assert "ได้เมนูแล้ว" in texts(replies) and "บันทึกเลย" in quick_labels(replies[-1])
    replies = send_photos(chat, "Uteacher", [phone_photo()])
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies)
    assert "• ต้มจืดเต้าหู้หมูสับ" in texts(replies) and len(image_urls(replies)) == 1
    lunch = _lunch(session, org)
    assert lunch.dishes == ["ข้าวสวย", "ต้มจืดเต้าหู้หมูสับ", "กล้วยน้ำว้า"] and lunch.shared_at is None
    assert session.scalar(select(Media.lunch_id)) == lunch.id
    news = lunch_messages(session, rt.cfg, lunch, rt.now())
    assert [m["type"] for m in news] == ["text", "image"] and news[1]["originalContentUrl"].startswith("https://")


def test_teacher_sends_photos_first_then_menu_inline(chat, people, session, org):
    chat.text("Uteacher", "อาหารกลางวัน")
    replies = send_photos(chat, "Uteacher", [phone_photo(), phone_photo((10, 200, 10))], set_id="set-l1")
    assert len(replies) == 1 and "ได้รูปอาหาร 2 รูป" in texts(replies)
    replies = chat.text("Uteacher", "เมนู: ข้าวมันไก่, แตงกวา, น้ำซุป")
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies)
    assert replies[-1]["type"] == "flex" and len(image_urls(replies)) == 2
    assert _lunch(session, org).dishes == ["ข้าวมันไก่", "แตงกวา", "น้ำซุป"]


def test_menu_with_a_childs_allergen_warns_with_names_before_saving(chat, people, session, org):
    org["children"]["C000003"].allergies = "แพ้ไข่"
    org["children"]["C000004"].allergies = "แพ้นมวัว"
    session.commit()
    replies = chat.text("Uteacher", "เมนู ข้าวสวย, ไข่เจียว, ขนมครก")
    body = texts(replies)
    assert "ไข่เจียว — ไข่: ขิง (ภูริ นาคสวัสดิ์)" in body and "ใบเตย" not in body  # ขนมครก is not milk
    assert quick_labels(replies[-1])[:2] == ["บันทึกต่อ", "แก้เมนู"]
    assert _lunch(session, org) is None
    replies = chat.tap(replies[-1], "แก้เมนู", "Uteacher")
    assert "เมนูใหม่" in texts(replies)
    replies = chat.text("Uteacher", "ข้าวสวย, ไข่ตุ๋น")
    assert "ไข่ตุ๋น — ไข่" in texts(replies)
    replies = chat.tap(replies[-1], "บันทึกต่อ", "Uteacher")
    assert "ได้เมนูแล้ว" in texts(replies)
    replies = chat.tap(replies[-1], "บันทึกเลย", "Uteacher")
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies)
    assert _lunch(session, org).dishes == ["ข้าวสวย", "ไข่ตุ๋น"]
    assert session.scalar(select(AuditLog).where(AuditLog.action == "lunch.allergy_ack")) is not None


def test_teacher_replaces_todays_lunch_menu_and_photo(chat, people, session, org):
    chat.text("Uteacher", "เมนู ข้าวผัด, แกงจืด")
    send_photos(chat, "Uteacher", [phone_photo()])
    first = session.scalar(select(Media).where(Media.lunch_id.is_not(None)))
    replies = chat.text("Uteacher", "อาหารกลางวัน")
    assert "บันทึกไว้แล้ว: ข้าวผัด, แกงจืด (รูป 1 รูป)" in texts(replies)
    chat.text("Uteacher", "ข้าวผัดหมู, แกงจืดวุ้นเส้น")
    replies = send_photos(chat, "Uteacher", [phone_photo((0, 0, 255))])
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies)
    lunch = _lunch(session, org)
    assert lunch.dishes == ["ข้าวผัดหมู", "แกงจืดวุ้นเส้น"]
    session.refresh(first)
    photos = session.scalars(select(Media).where(Media.lunch_id == lunch.id)).all()
    assert len(photos) == 1 and photos[0].id != first.id and first.purged_at is not None
    assert len(session.scalars(select(Lunch)).all()) == 1


def test_lunch_recorded_in_the_parent_group_is_shared_there_for_free(chat, people, session, org, line):
    bind_group(chat)
    line.reset_calls()
    chat.text("Uteacher", "อาหารกลางวัน", group="Gk1")
    chat.text("Uteacher", "ข้าวเหนียว, ไก่ย่าง, ส้มตำไม่ใส่ปู", group="Gk1")
    replies = send_photos(chat, "Uteacher", [phone_photo()], group="Gk1")
    assert "🍱 อาหารกลางวัน" in texts(replies) and len(image_urls(replies)) == 1
    assert _lunch(session, org).shared_at is not None
    assert not [c for c in line.calls if c["path"] == "/v2/bot/message/push"]


def test_group_chatter_during_the_flow_is_not_taken_as_the_menu(chat, people, session, org):
    bind_group(chat)
    chat.text("Uteacher", "อาหารกลางวัน", group="Gk1")
    chat.text("Uteacher", "ข้าวสวย, ผัดผักรวม", group="Gk1")
    assert chat.text("Uteacher", "ขอบคุณค่ะคุณแม่", group="Gk1") == []
    replies = chat.tap(chat.line.bot_messages("Gk1")[-1], "บันทึกเลย", "Uteacher", group="Gk1")
    assert "ผัดผักรวม" in texts(replies)
    assert _lunch(session, org).dishes == ["ข้าวสวย", "ผัดผักรวม"]


def test_parent_in_the_group_asks_what_the_children_eat_today(chat, people, session, org):
    bind_group(chat)
    replies = chat.text("Uparent", "วันนี้กินอะไรคะ", group="Gk1")
    assert "ยังไม่ได้บันทึกอาหารกลางวัน" in texts(replies)
    replies = chat.text("Uteacher", "เมนู ข้าวสวย, แกงส้มผักรวม")
    chat.tap(replies[-1], "บันทึกเลย", "Uteacher")
    assert _lunch(session, org).shared_at is None
    replies = chat.text("Uparent", "วันนี้กินอะไรคะ", group="Gk1")
    assert "แกงส้มผักรวม" in texts(replies)
    assert _lunch(session, org).shared_at is not None


def test_teacher_of_another_centre_cannot_record_lunch_in_this_group(chat, people, session, org, line):
    bind_group(chat)
    line.groups["Gk1"]["members"].append("Uteacher2")
    replies = chat.text("Uteacher2", "เมนู ข้าวผัดปู", group="Gk1")
    assert "บันทึกอาหารกลางวันแล้ว" not in texts(replies) and "ได้เมนูแล้ว" not in texts(replies)
    assert session.scalar(select(Lunch)) is None
    assert send_photos(chat, "Uteacher2", [phone_photo()], group="Gk1") == []  # not her centre's group: silence
    assert session.scalar(select(Media)) is None


def test_a_file_that_is_not_a_photo_gets_a_helpful_answer_and_changes_nothing(chat, people, session):
    chat.text("Uteacher", "อาหารกลางวัน")
    replies = send_photos(chat, "Uteacher", [b"GIF89a this is not really an image"])
    assert "รูปนี้ใช้ไม่ได้" in texts(replies)
    assert session.scalar(select(Media)) is None
    replies = chat.text("Uteacher", "ข้าวสวย, ต้มข่าไก่")
    assert "ได้เมนูแล้ว" in texts(replies)
