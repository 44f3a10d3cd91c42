"""Signing keys: never the channel secret, per purpose, rotation keeps printed cards and links valid."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import create_app
from bot.config import ConfigError, development_key
from bot.signed import link_ok, signed_url
from domain.keys import mac32
from domain.qr import qr_payload
from models import Attendance
from tests.support import SECRET, at_local, texts
from tests.photos import card_photo


def checked_in(session) -> set[str]:
    session.expire_all()
    return {row.child.code for row in session.scalars(select(Attendance))}


def test_operator_starting_production_without_secret_key_is_told_its_name(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LINE_CHANNEL_SECRET": SECRET})


def test_developer_gets_one_random_key_kept_in_the_instance_folder(tmp_path):
    first = development_key(tmp_path / "instance" / "secret_key")
    assert len(first) >= 40 and development_key(tmp_path / "instance" / "secret_key") == first


def test_teacher_checks_in_with_cards_printed_before_a_key_rotation(chat, people, rt, org, session, clock):
    at_local(clock, "07:30")
    kids = org["children"]
    current = qr_payload(kids["C000001"].code, 1, rt.cfg.secret)
    legacy = f"SK1.C000002.1.{mac32(rt.cfg.SECRET_KEY.encode(), 'C000002.1', 10)}"  # the first card format
    rt.cfg.SECRET_KEY_OLD, rt.cfg.SECRET_KEY = rt.cfg.SECRET_KEY, "a-new-key-after-rotation"
    body = texts(chat.photo("Uteacher", card_photo([current, legacy])))
    assert "เช็คชื่อแล้ว 2 คน" in body
    assert checked_in(session) == {"C000001", "C000002"}


def test_cards_forged_with_the_channel_secret_are_refused(chat, people, rt, org, session, clock):
    at_local(clock, "07:30")
    forged = f"SK1.C000001.1.{mac32(('smartkids:' + SECRET).encode(), 'C000001.1', 10)}"
    assert "บัตรที่ไม่รับ 1 ใบ" in texts(chat.photo("Uteacher", card_photo([forged])))
    assert checked_in(session) == set()


def test_links_signed_before_a_rotation_stay_valid_and_keys_are_per_purpose(rt):
    now = rt.now()
    url = signed_url(rt.cfg, "/media/abc/preview", now)
    args = dict(pair.split("=") for pair in url.split("?", 1)[1].split("&"))
    rt.cfg.SECRET_KEY_OLD, rt.cfg.SECRET_KEY = rt.cfg.SECRET_KEY, "a-new-key-after-rotation"
    assert link_ok(rt.cfg, "/media/abc/preview", args, now)
    assert not link_ok(rt.cfg, "/media/abd/preview", args, now)
    rt.cfg.SECRET_KEY_OLD = ""
    assert not link_ok(rt.cfg, "/media/abc/preview", args, now), "a retired key signs nothing"
    keys = rt.cfg.secret
    assert len({keys.derive("qr"), keys.derive("invite"), keys.derive("link")}) == 3
