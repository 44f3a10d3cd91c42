"""Rich menus: valid for LINE, deployed idempotently, linked on registration and role change, every tap answered."""
from __future__ import annotations

import copy
import io
import re

import pytest
import requests
from PIL import Image
from sqlalchemy import select

from bot.worker import SORRY
from models import InboxEvent, RichMenuRecord
from richmenus.definitions import MENUS, ROLE_MENU, menu_for, role_texts
from richmenus.render import MAX_BYTES, problems, render_all
from richmenus.sync import sync
from simulator.schema import load_spec, request_errors
from tests.support import make_invite, texts

CONTRACT = {
    "teacher": ["เช็คชื่อ", "ยังไม่มา", "ตรวจสุขภาพ", "อาหารกลางวัน", "กิจกรรม", "รับกลับบ้าน", "บัตร QR",
                "รหัสผู้ปกครอง", "เชื่อมกลุ่มผู้ปกครอง", "รายงาน", "ช่วยเหลือ"],
    "head": ["เช็คชื่อ", "ยังไม่มา", "ตรวจสุขภาพ", "อาหารกลางวัน", "กิจกรรม", "รับกลับบ้าน", "บัตร QR",
             "รหัสผู้ปกครอง", "เชื่อมกลุ่มผู้ปกครอง", "ช่วยเหลือ", "ภาพรวมวันนี้", "รายงาน", "ตั้งค่าศูนย์"],
    "driver": ["ขึ้นรถ", "ถึงศูนย์แล้ว", "รถว่างแล้ว", "ช่วยเหลือ"],
    "parent": ["ลูกมาถึงหรือยัง", "วันนี้กินอะไร", "กิจกรรมวันนี้", "แจ้งลา", "ความยินยอมรูปภาพ", "ช่วยเหลือ"],
    **{role: ["ภาพรวมวันนี้", "ศูนย์ที่ยังไม่บันทึก", "อาหารกลางวันวันนี้", "ข้อมูลเด็ก", "ข้อมูลครู",
              "การแจ้งเตือนวันนี้", "รายงาน", "ผลประเมิน", "แบบสอบถาม", "ช่วยเหลือ"]
        for role in ("lao", "district", "province")},
}


def record(session, name: str) -> RichMenuRecord:
    return session.scalar(select(RichMenuRecord).where(RichMenuRecord.name == name))


def writes(line) -> list[str]:
    """The LINE calls that changed something (anything but a GET)."""
    return [f"{c['method']} {c['path']}" for c in line.calls if c["method"] != "GET"]


def parent_code(chat, teacher: str, nickname: str) -> str:
    """A parent-link code, asked for the way a teacher does."""
    return re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", texts(chat.text(teacher, f"รหัสผู้ปกครอง {nickname}"))).group(0)


# The menus themselves

def test_every_role_menu_sends_exactly_the_agreed_texts():
    for role, wanted in CONTRACT.items():
        assert sorted(role_texts(role)) == sorted(wanted), role


def test_every_menu_is_valid_for_line():
    menus = render_all()
    names = {m.name for m in menus}
    for menu in menus:
        body = menu.body
        width, height = body["size"]["width"], body["size"]["height"]
        assert problems(menu) == [], menu.name
        assert 800 <= width <= 2500 and width / height >= 1.45 and len(menu.image) <= MAX_BYTES
        assert Image.open(io.BytesIO(menu.image)).size == (width, height)
        assert 1 <= len(body["areas"]) <= 20 and len(body["chatBarText"]) <= 14
        for area in body["areas"]:
            b, action = area["bounds"], area["action"]
            assert 0 <= b["x"] and b["x"] + b["width"] <= width and 0 <= b["y"] and b["y"] + b["height"] <= height
            assert len(action["label"]) <= 20
            if action["type"] == "richmenuswitch":
                assert action["richMenuAliasId"] in names and action["richMenuAliasId"] != menu.name
            else:
                assert action["type"] == "message" and action["text"] == action["label"]
        assert request_errors("POST", "/v2/bot/richmenu", body) == [], menu.name


def test_menus_pass_the_messaging_api_schema():
    spec = load_spec()
    if spec is None:
        pytest.skip("../shared/line-openapi/messaging-api.yml is absent: cannot check against LINE's spec")
    for menu in render_all():
        assert spec.request_errors("POST", "/v2/bot/richmenu", menu.body) == [], menu.name


def test_roles_with_more_than_six_actions_get_tabs_of_one_size():
    for role in ROLE_MENU:
        group = [m for m in render_all() if m.name.startswith(ROLE_MENU[role])]
        assert (len(group) > 1) == (len(CONTRACT[role]) > 6), role
        assert len({(m.body["size"]["width"], m.body["size"]["height"]) for m in group}) == 1
        assert menu_for(role) == group[0].name


# Deploying them

def test_operator_syncs_twice_and_the_second_run_changes_nothing(app, line, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["richmenu", "sync"])
    assert first.exit_code == 0, first.output
    assert "created: guest, teacher-daily" in first.output and "default menu: guest" in first.output
    assert len(line.richmenus.menus) == len(render_all()) == len(session.scalars(select(RichMenuRecord)).all())
    assert set(line.richmenus.aliases) == {"teacher-daily", "teacher-more", "head-daily", "head-centre",
                                           "official-today", "official-data"}
    assert line.richmenus.default == record(session, "guest").line_id
    line.reset_calls()
    second = runner.invoke(args=["richmenu", "sync"])
    assert second.exit_code == 0 and second.output.strip().endswith("nothing changed")
    assert writes(line) == []


def test_changed_definition_replaces_the_image_keeps_the_alias_and_relinks(rt, line, session, people):
    sync(rt.sessions, rt.line)
    old = record(session, "teacher-daily").line_id
    assert line.richmenus.linked("Uteacher") == old
    changed = copy.deepcopy(MENUS)
    daily = changed["teacher"]["tabs"][0]["buttons"]
    changed["teacher"]["tabs"][0]["buttons"] = [("เช็คชื่อ", "check", "เช็คชื่อเด็ก"), *daily[1:]]
    line.reset_calls()
    report = sync(rt.sessions, rt.line, changed)
    session.expire_all()
    new = record(session, "teacher-daily").line_id
    assert report.replaced == ["teacher-daily"] and not report.created and new != old
    assert old not in line.richmenus.menus and line.richmenus.images[new][0] != render_all()[1].image
    assert line.richmenus.aliases["teacher-daily"] == new
    assert line.richmenus.linked("Uteacher") == line.richmenus.linked("Uteacher2") == new
    assert line.richmenus.linked("Uhead") == record(session, "head-daily").line_id  # untouched
    assert sum(w.startswith("POST /v2/bot/richmenu/alias/") for w in writes(line)) == 1


def test_menus_no_longer_defined_and_orphans_are_deleted(rt, line, session):
    extra = {**MENUS, "visitor": {"theme": "guest", "chat_bar": "ผู้มาเยือน", "tabs": [
        {"key": "", "title": "", "buttons": [("ช่วยเหลือ", "help")]}]}}
    sync(rt.sessions, rt.line, extra)
    visitor = record(session, "visitor").line_id
    orphan = rt.line.create_rich_menu(render_all()[0].body)  # as if a sync stopped before recording it
    report = sync(rt.sessions, rt.line)
    assert report.deleted == ["visitor", "smartkids:guest (orphan)"]
    assert visitor not in line.richmenus.menus and orphan not in line.richmenus.menus
    session.expire_all()
    assert record(session, "visitor") is None and len(line.richmenus.menus) == len(render_all())


def test_users_registered_before_the_first_sync_get_linked_in_bulk(rt, line, session, people):
    line.reset_calls()
    report = sync(rt.sessions, rt.line)
    assert report.linked == 4
    assert line.richmenus.linked("Ulao") == record(session, "official-today").line_id
    bulk = [c for c in line.calls if c["path"] == "/v2/bot/richmenu/bulk/link"]
    assert len(bulk) == 1 and sorted(bulk[0]["body"]["userIds"]) == ["Uteacher", "Uteacher2"]


# Linking on registration and role change

def test_newcomer_who_registers_as_driver_gets_the_driver_menu(rt, line, chat, session, people):
    sync(rt.sessions, rt.line)
    assert "Unew" not in line.richmenus.links  # the default (guest) menu shows until they register
    chat.text("Unew", make_invite(rt, "driver", "K0001"))
    assert line.richmenus.linked("Unew") == record(session, "driver").line_id


def test_teacher_promoted_to_head_gets_the_head_menu(rt, line, chat, session, people):
    sync(rt.sessions, rt.line)
    assert line.richmenus.linked("Uteacher") == record(session, "teacher-daily").line_id
    chat.text("Uteacher", make_invite(rt, "head", "K0001"))
    assert line.richmenus.linked("Uteacher") == record(session, "head-daily").line_id


def test_parent_who_becomes_a_teacher_gets_the_teacher_menu(rt, line, chat, session, people):
    sync(rt.sessions, rt.line)
    chat.text("Uparent", parent_code(chat, "Uteacher", "ภูผา"))
    assert line.richmenus.linked("Uparent") == record(session, "parent").line_id
    chat.text("Uparent", make_invite(rt, "teacher", "K0002"))
    assert line.richmenus.linked("Uparent") == record(session, "teacher-daily").line_id


def test_a_link_that_fails_while_line_is_down_is_made_by_the_clock(rt, line, chat, session, people):
    from scheduler.jobs import sweep_outbox

    sync(rt.sessions, rt.line)
    line.set_down(503)
    chat.text("Unew", make_invite(rt, "driver", "K0001"))
    assert "Unew" not in line.richmenus.links
    line.set_down(None)
    sweep_outbox(rt, rt.now())
    assert line.richmenus.linked("Unew") == record(session, "driver").line_id


# Tapping them

def test_every_menu_tap_gets_an_answer(rt, line, chat, session, people):
    sync(rt.sessions, rt.line)
    chat.text("Unew", make_invite(rt, "driver", "K0001"))
    chat.text("Uparent", parent_code(chat, "Uteacher", "ภูผา"))
    for user, role in [("Uteacher", "teacher"), ("Uhead", "head"), ("Unew", "driver"), ("Uparent", "parent"),
                       ("Ulao", "lao")]:
        for body in role_texts(role):
            answer = chat.text(user, body)
            assert answer and SORRY not in texts(answer), (role, body)
            chat.text(user, "ยกเลิก")  # each tap from a clean state, as a fresh tap on the menu would be
    assert session.scalars(select(InboxEvent).where(InboxEvent.status != "done")).all() == []


def test_switching_tabs_says_nothing(rt, line, chat, people):
    sync(rt.sessions, rt.line)
    tab = next(a["action"] for a in line.richmenus.effective("Uteacher")["areas"]
               if a["action"]["type"] == "richmenuswitch")
    assert tab["data"] == "a=menu.tab&to=teacher-more"  # the wire name never changes
    switched = {"newRichMenuAliasId": tab["richMenuAliasId"], "status": "SUCCESS"}  # what LINE adds to the event
    assert chat.event("Uteacher", "postback", "Uteacher", tab["data"], switched) == []


def test_simulator_page_shows_the_linked_menu_and_its_tabs(rt, line, people):
    sync(rt.sessions, rt.line)
    users = {u["userId"]: u for u in requests.get(f"{line.url}/sim/api/state", timeout=5).json()["users"]}
    menu = requests.get(f"{line.url}/sim/api/richmenu/Uteacher", timeout=5).json()
    assert users["Uteacher"]["richMenuId"] == menu["richMenuId"] == line.richmenus.linked("Uteacher")
    assert users["Unew"]["richMenuId"] == line.richmenus.default  # not registered: the guest menu
    other = requests.get(f"{line.url}/sim/api/richmenu/alias/teacher-more", timeout=5).json()
    assert other["name"] == "smartkids:teacher-more"
    image = requests.get(f"{line.url}/sim/api/richmenu-image/{other['richMenuId']}", timeout=5)
    assert image.headers["Content-Type"] == "image/png" and Image.open(io.BytesIO(image.content)).width == 2500


def test_a_menu_tap_ends_an_open_flow_instead_of_being_read_as_its_input(chat, people):
    assert "เด็กคนไหน" in texts(chat.text("Uteacher", "รหัสผู้ปกครอง"))
    replies = chat.text("Uteacher", "เช็คชื่อ")  # tapped on the rich menu while the flow waits for a name
    assert "ถ่ายรูปบัตร QR" in texts(replies) and "ไม่พบ" not in texts(replies)
    assert "ไม่เข้าใจ" in texts(chat.text("Uteacher", "ภูผา"))  # the flow is gone
