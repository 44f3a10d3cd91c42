"""QR cards: printable sheets by CLI and by signed link, one child's card in chat, re-issue revokes the old card."""
from __future__ import annotations

import io

from PIL import Image
from pyzbar import pyzbar

from domain.qr import qr_payload
from tests.support.media import fetch
from tests.support import quick_labels, texts
from tests.photos import card_photo


def test_cli_renders_a_centres_sheets(app, org, tmp_path):
    out = tmp_path / "k1.pdf"
    result = app.test_cli_runner().invoke(args=["cards", "--centre", "K0001", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 cards of K0001" in result.output and out.read_bytes().startswith(b"%PDF")
    png = tmp_path / "k1.png"
    assert app.test_cli_runner().invoke(args=["cards", "--centre", "K0001", "--out", str(png)]).exit_code == 0
    assert Image.open(png).width > 1000
    bad = app.test_cli_runner().invoke(args=["cards", "--centre", "K9999", "--out", str(out)])
    assert bad.exit_code == 2 and "ไม่พบศูนย์" in bad.output


def test_teacher_gets_a_signed_link_to_her_centres_sheets(morning, app, chat, people, clock):
    replies = chat.text("Uteacher", "บัตร QR")
    url = next(w for w in texts(replies).split() if w.startswith("http"))
    assert "/cards/K0001.pdf" in url
    ok = fetch(app, url)
    assert ok.status_code == 200 and ok.data.startswith(b"%PDF")
    assert fetch(app, url.replace("K0001", "K0002")).status_code == 403  # a link cannot be widened
    assert fetch(app, url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")).status_code == 403
    clock.advance(hours=73)
    assert fetch(app, url).status_code == 403  # expired
    assert "ไม่เข้าใจ" in texts(chat.text("Uparent", "บัตร QR"))


def test_one_childs_card_and_reissue_revokes_the_old_one(morning, app, chat, people, rt, org):
    replies = chat.text("Uteacher", "บัตร ใบเตย")
    card = next(m for m in replies if m["type"] == "image")
    data = fetch(app, card["originalContentUrl"])
    assert data.status_code == 200 and len(data.data) <= 1024 * 1024
    decoded = [s.data.decode() for s in pyzbar.decode(Image.open(io.BytesIO(data.data)).convert("L"))]
    child = org["children"]["C000004"]
    assert decoded == [qr_payload(child.code, 1, rt.cfg.secret)]
    old_photo = card_photo(decoded)
    replies = chat.text("Uteacher", "ออกบัตรใหม่ ใบเตย")
    assert "บัตรเดิมจะใช้เช็คชื่อไม่ได้" in texts(replies)
    replies = chat.tap(replies[-1], "ยืนยัน ออกบัตรใหม่", "Uteacher")
    assert "ออกบัตรใหม่ให้" in texts(replies) and any(m["type"] == "image" for m in replies)
    assert fetch(app, card["originalContentUrl"]).status_code == 410  # the old card's image is gone
    assert "บัตรถูกยกเลิกแล้ว" in texts(chat.photo("Uteacher", old_photo))
    new_card = next(m for m in replies if m["type"] == "image")
    new_payload = pyzbar.decode(Image.open(io.BytesIO(fetch(app, new_card["originalContentUrl"]).data)).convert("L"))
    assert "เช็คชื่อแล้ว 1 คน" in texts(chat.photo("Uteacher", card_photo([new_payload[0].data.decode()])))


def test_ambiguous_or_unknown_names_are_asked_about(morning, chat, people):
    replies = chat.text("Uteacher", "บัตร ภูริ")
    assert "หลายคน" in texts(replies) and len(quick_labels(replies[-1])) == 2
    assert texts(chat.text("Uteacher", "บัตร ส้มโอ")) == "ไม่พบเด็กชื่อ \"ส้มโอ\" ในศูนย์นี้ค่ะ"
    assert texts(chat.text("Uteacher", "ออกบัตรใหม่")) == \
        "พิมพ์ \"ออกบัตรใหม่ ตามด้วยชื่อเล่นหรือชื่อจริงของเด็ก\" เช่น \"ออกบัตรใหม่ ภูผา\" ค่ะ"
