"""Routing you can see: every button has a live route (also checked after every test, in conftest), no route is
dead, a stale button gets a Thai answer, and a flow that timed out says what was dropped."""
from __future__ import annotations

import ast
from pathlib import Path

from bot.router import Router
from handlers import register_all
from handlers.common import STALE_BUTTON
from tests.conftest import texts

ROOT = Path(__file__).resolve().parent.parent


def _button_strings() -> set[str]:
    """String constants in the code that builds messages and menus, except the route declarations' own keys."""
    found: set[str] = set()
    for package in ("handlers", "notify", "bot", "richmenus"):
        for path in (ROOT / package).glob("*.py"):
            tree = ast.parse(path.read_text())
            route_keys = {id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                          for k in node.keywords if k.arg == "postback"}
            found |= {n.value for n in ast.walk(tree)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in route_keys}
    return found


def test_developer_finds_no_route_that_no_button_sends():
    router = Router()
    register_all(router)
    dead = router.actions() - _button_strings()
    assert not dead, f"routes no button sends: {sorted(dead)}"


def test_teacher_tapping_a_stale_button_gets_a_thai_answer(chat, people):
    replies = chat.postback("Uteacher", "a=gone.away&c=1")
    assert texts(replies).startswith(STALE_BUTTON)


def test_parent_tapping_a_forged_button_in_the_group_gets_a_thai_answer(chat, bound_group):
    replies = chat.postback("Uparent", "a=zz", group=bound_group)
    assert texts(replies).startswith(STALE_BUTTON)


def test_teacher_whose_lunch_flow_timed_out_is_told_it_was_dropped(chat, people, clock):
    assert "ส่งเมนู" in texts(chat.text("Uteacher", "อาหารกลางวัน"))
    clock.advance(minutes=31)
    replies = chat.text("Uteacher", "ข้าวผัด")
    assert "รายการที่ทำค้างไว้ (บันทึกอาหารกลางวัน) หมดเวลาแล้ว" in replies[-1]["text"]
    assert "ได้เมนูแล้ว" not in texts(replies)  # the old flow is gone: the dish is not taken as its menu
