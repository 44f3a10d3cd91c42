"""Media: EXIF (GPS) removed from served files, size limits, signed expiring links (403 when tampered or
expired), storage behind one interface, and the retention purge."""
import io
import os
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.storage import LocalStorage, storage_for
from domain.media import MAX_ORIGINAL, MAX_PREVIEW, _jpeg_within, prepare_photo
from notify.parent_news import lunch_messages
from models import Lunch, Media
from scheduler.jobs import purge_media, purge_old_media
from tests.support import texts
from tests.support.media import GPS_IFD, fetch, image_urls, phone_photo, send_photos


def _record_lunch(chat, photos=1):
    chat.text("Uteacher", "เมนู ข้าวสวย, ไข่พะโล้")
    return send_photos(chat, "Uteacher", [phone_photo() for _ in range(photos)], set_id="s1" if photos > 1 else None)


def test_served_photo_has_no_exif_gps(chat, people, app):
    assert GPS_IFD in Image.open(io.BytesIO(phone_photo())).getexif()
    replies = _record_lunch(chat)
    for url in image_urls(replies) + [m["previewImageUrl"] for m in replies if m["type"] == "image"]:
        response = fetch(app, url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        served = Image.open(io.BytesIO(response.data))
        assert served.size in ((320, 240),) and not served.getexif() and b"Exif" not in response.data[:200]


def test_tampered_or_expired_media_link_answers_403(chat, people, app, clock):
    url = image_urls(_record_lunch(chat))[0]
    assert fetch(app, url).status_code == 200
    key = url.split("/media/")[1].split("/")[0]
    assert fetch(app, url.replace(key, key[:-1] + ("A" if key[-1] != "A" else "B"))).status_code == 403
    assert fetch(app, url.replace("/original?", "/preview?")).status_code == 403
    assert fetch(app, url.split("?")[0]).status_code == 403
    assert fetch(app, url[:-2] + ("00" if not url.endswith("00") else "11")).status_code == 403
    clock.advance(hours=app.extensions["smartkids"].cfg.LINK_HOURS + 1)
    assert fetch(app, url).status_code == 403


def test_purge_removes_old_files_and_views_say_the_photo_expired(chat, people, app, rt, session, clock):
    _record_lunch(chat, photos=2)
    media = session.scalars(select(Media)).all()
    storage = storage_for(rt.cfg)
    assert all(storage.exists(f"{m.key}/original") and storage.exists(f"{m.key}/preview") for m in media)
    assert purge_old_media(rt, rt.now()) == 0  # too young
    clock.advance(days=rt.cfg.MEDIA_RETENTION_DAYS + 1)
    assert purge_old_media(rt, rt.now()) == 2
    assert purge_old_media(rt, rt.now()) == 0  # the day's run is claimed once
    session.expire_all()
    assert all(m.purged_at is not None for m in session.scalars(select(Media)))
    assert not any(storage.exists(f"{m.key}/original") for m in media)
    lunch = session.scalar(select(Lunch))
    news = lunch_messages(session, rt.cfg, lunch, rt.now())
    assert [m["type"] for m in news] == ["text"] and "รูปหมดอายุแล้ว" in news[0]["text"]


def test_purge_is_idempotent_and_drops_unfiled_photos_after_a_day(chat, people, rt, session, clock):
    replies = send_photos(chat, "Uteacher", [phone_photo()])  # no flow: the bot asks what it is; nobody answers
    assert "เป็นรูปอะไร" in texts(replies)
    storage = storage_for(rt.cfg)
    assert purge_media(session, storage, rt.now(), 365) == 0
    later = rt.now() + timedelta(days=2)
    assert purge_media(session, storage, later, 365) == 1
    session.commit()
    assert purge_media(session, storage, later, 365) == 0
    assert session.scalar(select(Media)).purged_at is not None


def test_purged_media_link_answers_410(chat, people, app, rt, session):
    url = image_urls(_record_lunch(chat))[0]
    purge_media(session, storage_for(rt.cfg), rt.now() + timedelta(days=400), 365)
    session.commit()
    assert fetch(app, url).status_code == 410


def test_photos_are_reencoded_within_lines_limits():
    noise = Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3))
    small = _jpeg_within(noise, 1024, 150_000)
    assert len(small) <= 150_000 and Image.open(io.BytesIO(small)).format == "JPEG"
    out = io.BytesIO()
    noise.save(out, "PNG")
    prepared = prepare_photo(out.getvalue())
    assert len(prepared.original) <= MAX_ORIGINAL and len(prepared.preview) <= MAX_PREVIEW
    assert (prepared.width, prepared.height) == (1200, 900)
    assert max(Image.open(io.BytesIO(prepared.preview)).size) <= 1024


def test_local_storage_refuses_keys_that_escape_its_directory(tmp_path):
    storage = LocalStorage(str(tmp_path))
    storage.put("abcdefghijklmnopqrstuvwx/original", b"x")
    assert storage.get("abcdefghijklmnopqrstuvwx/original") == b"x"
    assert storage.exists("abcdefghijklmnopqrstuvwx/original")
    storage.delete("abcdefghijklmnopqrstuvwx/original")
    assert storage.get("abcdefghijklmnopqrstuvwx/original") is None
    for bad in ("../../etc/passwd/original", "abcdefghijklmnopqrstuvwx/../../x", "short/original"):
        with pytest.raises(ValueError):
            storage.put(bad, b"x")


@pytest.mark.parametrize("local_http_media, url, status", [
    (True, "http://127.0.0.1:5000/media/k/original?e=1&s=2", 200),
    (True, "http://example.com/media/k/original", 400),
    (False, "http://127.0.0.1:5000/media/k/original?e=1&s=2", 400),
    (False, "https://smartkids.example/media/k/original", 200)])
def test_simulator_shows_local_demo_photos_but_keeps_https_elsewhere(local_http_media, url, status):
    import requests

    from simulator.platform import LinePlatform
    from simulator.schema import load_spec
    from simulator.server import serve

    platform = LinePlatform("s", "t", spec=load_spec(), monthly_limit=None, local_http_media=local_http_media)
    platform.add_user("Uteacher", "ครู")
    handle = serve(platform)
    try:
        response = requests.post(f"{handle.url}/v2/bot/message/push", headers={"Authorization": "Bearer t"},
                                 json={"to": "Uteacher", "messages": [
                                     {"type": "image", "originalContentUrl": url, "previewImageUrl": url}]})
    finally:
        handle.shutdown()
    assert response.status_code == status
    assert (platform.bot_messages("Uteacher") != []) == (status == 200)
