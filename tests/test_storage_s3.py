"""Media in an S3-compatible store (MEDIA_S3_URL): tested against moto's S3 server, started here on 127.0.0.1."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from bot.storage import S3Storage, storage_for
from models import Media
from scheduler.jobs import purge_old_media
from tests.support.media import fetch, image_urls, phone_photo, send_photos


@pytest.fixture(scope="module")
def s3_url():
    """A moto S3 server on a free local port, with an empty bucket; its MEDIA_S3_URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto[server] is not installed ({exc}); pip install -r requirements.txt")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 — any reason it cannot serve is a skip with that reason
        pytest.skip(f"moto's S3 server could not start: {exc}")
    url = f"http://test%2Bkey:test%2Fsecret@127.0.0.1:{port}/smartkids-media/prod"
    S3Storage(url).client.create_bucket(Bucket="smartkids-media")
    yield url
    server.stop()


def test_teacher_lunch_photo_is_stored_in_s3_served_by_link_and_purged(chat, people, app, rt, session, clock,
                                                                       s3_url):
    rt.cfg.MEDIA_S3_URL = s3_url
    chat.text("Uteacher", "เมนู ข้าวสวย, ไข่พะโล้")
    replies = send_photos(chat, "Uteacher", [phone_photo()])
    media = session.scalars(select(Media)).one()
    storage = storage_for(rt.cfg)
    assert isinstance(storage, S3Storage)
    listed = storage.client.list_objects_v2(Bucket="smartkids-media", Prefix=f"prod/{media.key}/")
    assert sorted(o["Key"] for o in listed.get("Contents", [])) == [f"prod/{media.key}/original",
                                                                    f"prod/{media.key}/preview"]
    served = fetch(app, image_urls(replies)[0])
    assert served.status_code == 200 and served.data == storage.get(f"{media.key}/original")
    clock.advance(days=rt.cfg.MEDIA_RETENTION_DAYS + 1)
    assert purge_old_media(rt, rt.now()) == 1
    assert not storage.exists(f"{media.key}/original") and storage.get(f"{media.key}/preview") is None
