"""Activities: several photos in one imageSet are one post, caption and learning-domain tag, consent reminders,
photos sent with no flow (the bot asks what they are), and the parent relay."""
from sqlalchemy import select

from notify.parent_news import activity_messages
from models import Activity, Media
from tests.support import bind_group, quick_labels, texts, withdraw_photo_consent
from tests.support.media import image_urls, phone_photo, send_photos


def test_teacher_posts_several_photos_at_once_as_one_activity(chat, people, session, rt):
    replies = chat.text("Uteacher", "กิจกรรม")
    assert "ส่งรูปกิจกรรม" in texts(replies) and "ไม่อนุญาต" not in texts(replies)
    photos = [phone_photo((i * 60, 100, 100)) for i in range(3)]
    replies = send_photos(chat, "Uteacher", photos, set_id="set-a1", order=[2, 3, 1])
    assert len(replies) == 1 and "ได้รูป 3 รูป" in texts(replies)
    replies = chat.text("Uteacher", "ปั้นดินน้ำมันเป็นรูปสัตว์")
    assert "GM" in quick_labels(replies[-1]) and "ร่างกาย" in quick_labels(replies[-1])
    replies = chat.tap(replies[-1], "FM", "Uteacher")
    assert "บันทึกกิจกรรมแล้ว" in texts(replies) and "FM กล้ามเนื้อมัดเล็ก" in texts(replies)
    assert len(image_urls(replies)) == 3
    activity = session.scalar(select(Activity))
    assert (activity.caption, activity.domain, activity.image_set_id) == ("ปั้นดินน้ำมันเป็นรูปสัตว์", "FM", "set-a1")
    assert activity.shared_at is None
    assert len(session.scalars(select(Media).where(Media.activity_id == activity.id)).all()) == 3
    news = activity_messages(session, rt.cfg, activity, rt.now())
    assert [m["type"] for m in news] == ["text", "flex"]


def test_caption_first_then_photo_without_a_domain_tag(chat, people, session):
    chat.text("Uteacher", "กิจกรรม")
    replies = chat.text("Uteacher", "เล่นน้ำกลางแจ้ง")
    assert "ส่งรูปกิจกรรม" in texts(replies)
    replies = send_photos(chat, "Uteacher", [phone_photo()])
    replies = chat.tap(replies[-1], "ไม่ระบุ", "Uteacher")
    assert "บันทึกกิจกรรมแล้ว" in texts(replies)
    assert session.scalar(select(Activity.domain)) == ""


def test_activity_posted_in_the_parent_group_is_shared_and_reminds_consent_privately(chat, people, session, org,
                                                                                       line):
    withdraw_photo_consent(session, org["children"]["C000002"])
    bind_group(chat)
    line.reset_calls()
    replies = chat.text("Uteacher", "กิจกรรม", group="Gk1")
    assert "มีเด็ก 1 คน" in texts(replies) and "ข้าวหอม" not in texts(replies)
    private = line.bot_messages("Uteacher")[-1]["text"]
    assert "ข้าวหอม (วีรภัทร สายบุญ)" in private
    send_photos(chat, "Uteacher", [phone_photo(), phone_photo()], group="Gk1", set_id="g-1")
    chat.text("Uteacher", "วาดภาพระบายสี", group="Gk1")
    replies = chat.postback("Uteacher", "a=activity.domain&d=%E0%B8%AD%E0%B8%B2%E0%B8%A3%E0%B8%A1%E0%B8%93%E0%B9%8C",
                            group="Gk1")
    assert "ยืนยันไหม" in texts(replies) and "ข้าวหอม" not in texts(replies) and image_urls(replies) == []
    replies = chat.tap(replies[-1], "ยืนยัน ไม่มีในรูป", "Uteacher", group="Gk1")
    assert "🎨 กิจกรรม" in texts(replies) and "ด้านอารมณ์" in texts(replies) and len(image_urls(replies)) == 2
    assert session.scalar(select(Activity.shared_at)) is not None
    chat.text("Uteacher", "กิจกรรม", group="Gk1")
    pushes = [c for c in line.calls if c["path"] == "/v2/bot/message/push"]
    assert len(pushes) == 1 and pushes[0]["body"]["to"] == "Uteacher"  # one private list of names a day


def test_teacher_in_1to1_sees_the_consent_reminder_with_names(chat, people, session, org):
    withdraw_photo_consent(session, org["children"]["C000004"])
    replies = chat.text("Uteacher", "กิจกรรม")
    assert "ใบเตย (อรอุมา ทองคำ)" in texts(replies)


def test_photo_with_no_flow_asks_what_it_is_and_files_as_activity(chat, people, session):
    replies = send_photos(chat, "Uteacher", [phone_photo(), phone_photo()], set_id="loose-1")
    assert len(replies) == 1 and "ได้รับรูป 2 รูป" in texts(replies)
    assert quick_labels(replies[-1]) == ["รูปอาหารกลางวัน", "รูปกิจกรรม", "เช็คชื่อ (บัตร QR)"]
    replies = chat.tap(replies[-1], "รูปกิจกรรม", "Uteacher")
    assert "ได้รูปกิจกรรม 2 รูป" in texts(replies)
    replies = chat.text("Uteacher", "เดินชมสวน")
    replies = chat.tap(replies[-1], "สังคม", "Uteacher")
    activity = session.scalar(select(Activity))
    assert activity.caption == "เดินชมสวน" and len(image_urls(replies)) == 2


def test_photo_with_no_flow_files_as_lunch_and_buttons_cannot_be_reused(chat, people, session):
    chat.text("Uteacher", "เมนู ข้าวสวย, ผัดกะเพราไก่")
    chat.tap(chat.line.bot_messages("Uteacher")[-1], "บันทึกเลย", "Uteacher")
    ask = send_photos(chat, "Uteacher", [phone_photo()])[-1]
    replies = chat.tap(ask, "รูปอาหารกลางวัน", "Uteacher")
    assert "บันทึกอาหารกลางวันแล้ว" in texts(replies) and len(image_urls(replies)) == 1
    assert "ไม่พบรูปนี้" in texts(chat.tap(ask, "รูปกิจกรรม", "Uteacher"))


def test_teacher_of_another_centre_cannot_file_someone_elses_photos(chat, people, session):
    ask = send_photos(chat, "Uteacher", [phone_photo()])[-1]
    data = next(i["action"]["data"] for i in ask["quickReply"]["items"] if i["action"]["label"] == "รูปกิจกรรม")
    replies = chat.postback("Uteacher2", data)
    assert "ไม่พบรูปนี้" in texts(replies)
    assert session.scalar(select(Media.activity_id)) is None


def test_a_parents_photo_is_not_taken_as_a_post(chat, people, rt, session):
    from tests.support.media import link_parent
    link_parent(chat, rt, "Uparent", "C000001")
    replies = send_photos(chat, "Uparent", [phone_photo()])
    assert replies and "เป็นรูปอะไร" not in texts(replies)
    assert session.scalar(select(Media)) is None


def test_parent_in_the_group_asks_about_todays_activities(chat, people, session):
    bind_group(chat)
    assert "ยังไม่มีกิจกรรม" in texts(chat.text("Uparent", "วันนี้ทำกิจกรรมอะไรคะ", group="Gk1"))
    chat.text("Uteacher", "กิจกรรม")
    send_photos(chat, "Uteacher", [phone_photo()])
    chat.text("Uteacher", "เล่านิทาน")
    chat.postback("Uteacher", "a=activity.domain&d=EL")
    replies = chat.text("Uparent", "วันนี้ทำกิจกรรมอะไรคะ", group="Gk1")
    assert "เล่านิทาน" in texts(replies) and "EL การใช้ภาษา" in texts(replies) and len(image_urls(replies)) == 1
    assert session.scalar(select(Activity.shared_at)) is not None


def test_lunch_and_activities_done_in_1to1_reach_the_group_in_one_rollup(chat, people, bound_group, rt, clock, line,
                                                                         session):
    from models import Lunch
    from scheduler import jobs
    from tests.support import at_local

    at_local(clock, "08:00")
    chat.text("Uhead", "เวลาส่งสรุป 09:00")  # the head chose a roll-up (none by default)
    chat.text("Uteacher", "เมนู ข้าวสวย, แกงเขียวหวานไก่")
    send_photos(chat, "Uteacher", [phone_photo()])
    for caption in ("ร้องเพลง", "ปั้นดิน"):
        chat.text("Uteacher", "กิจกรรม")
        send_photos(chat, "Uteacher", [phone_photo(), phone_photo()], set_id=f"r-{caption}")
        chat.text("Uteacher", caption)
        chat.postback("Uteacher", "a=activity.domain&d=GM")
    line.reset_calls()
    at_local(clock, "09:00")
    jobs.parent_rollups(rt, rt.now())
    chat._run("Gk1", lambda: None)
    pushes = [c["body"] for c in line.calls if c["path"] == "/v2/bot/message/push" and c["body"]["to"] == "Gk1"]
    assert len(pushes) == 1 and len(pushes[0]["messages"]) <= 5
    sent = pushes[0]["messages"]
    assert "แกงเขียวหวานไก่" in texts(sent) and "ร้องเพลง (GM)" in texts(sent) and "ปั้นดิน (GM)" in texts(sent)
    assert len(image_urls(sent)) == 5
    assert session.scalar(select(Lunch.shared_at)) is not None
    assert all(a.shared_at is not None for a in session.scalars(select(Activity)))
