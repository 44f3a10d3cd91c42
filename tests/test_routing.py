"""Routing you can see: the named actions (bot.actions) and their routes match one to one, every action is sent by
some button, no wire name changes, every button sent in a test has a live route (tests/support/harness.py), a stale button gets a
Thai answer, and a flow that timed out says what was dropped."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import actions
from bot.actions import ALL, CARD_SHOW, HEALTH_ALL_WELL
from bot.messages import postback
from bot.router import Router
from handlers import register_all
from handlers.common import STALE_BUTTON
from tests.support import texts

ROOT = Path(__file__).resolve().parent.parent
# Wire names that buttons already in users' chats send: they must keep working (add new names, never rename).
SENT_BEFORE = set("""ab.child ab.day ab.edit ab.kind ab.ok ab.redo ab.time activity.domain al.absent al.ack al.leave
al.list cd.reissue cd.reissue_yes cd.show ch.edit ch.enrol_yes ch.field ch.readmit ch.readmit_yes ch.withdraw
ch.withdraw_yes ci.arrive ci.missing cl.ok co.leave complaint.status complaint.to consent.set eval eval.centre gr.chart
gr.pick gr.save group.rebind hc.child hc.home hc.home_yes hc.item hc.ok hc.page hc.save hc.start hc.temp hp.child hp.no
hp.show hp.yes lunch.confirm lunch.edit lunch.save lv.off menu.tab off off.alerts off.health parent.code photo.checkin
photo.clear photo.file photo.withhold rep st.checkout st.digest st.field st.off st.off_pick survey.open survey.score
survey.start trep van.board van.list van.pick vc.show vc.tick""".split())


@pytest.fixture(scope="module")
def routed():
    """The actions the registered routes take."""
    router = Router()
    register_all(router)
    return router.actions()


def test_developer_finds_a_route_for_every_named_action(routed):
    unrouted = [a.name for a in ALL if a not in routed]
    assert not unrouted, f"actions without a route: {unrouted}"


def test_developer_finds_every_routed_action_in_the_registry(routed):
    strays = [a.name for a in routed if not any(a is known for known in ALL)]
    assert not strays, f"routes whose action is not a constant of bot.actions: {strays}"


def test_developer_finds_no_two_actions_sharing_a_wire_name():
    names = [a.name for a in ALL]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_developer_finds_every_wire_name_already_sent_still_named():
    assert SENT_BEFORE <= {a.name for a in ALL}, sorted(SENT_BEFORE - {a.name for a in ALL})


def test_developer_building_a_button_with_an_undeclared_field_is_stopped():
    assert postback("ภูผา", CARD_SHOW, "บัตร ภูผา", c=7)["data"] == "a=cd.show&c=7"
    assert postback("ทุกคนสบายดี", HEALTH_ALL_WELL)["data"] == "a=hc.ok"
    with pytest.raises(ValueError, match="cd.show.*no field x"):
        postback("ภูผา", CARD_SHOW, "บัตร ภูผา", c=7, x=1)


def test_developer_declaring_a_route_with_a_bare_string_is_stopped():
    with pytest.raises(TypeError, match="bot.actions"):
        Router().on(postback="cd.show")(lambda ctx: None)


def _named_in_buttons() -> set[str]:
    """Names of actions the code uses other than in route declarations (building buttons or reading a tap)."""
    found: set[str] = set()
    for package in ("handlers", "notify", "bot", "richmenus"):
        for path in (ROOT / package).glob("*.py"):
            tree = ast.parse(path.read_text())
            route_keys = {id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                          for k in node.keywords if k.arg == "postback"}
            found |= {n.id for n in ast.walk(tree)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in route_keys}
    return found


def test_developer_finds_no_action_that_no_button_sends():
    constants = {name for name, value in vars(actions).items() if any(value is a for a in ALL)}
    assert not constants - _named_in_buttons(), f"routes no button sends: {sorted(constants - _named_in_buttons())}"


def test_teacher_tapping_a_stale_button_gets_a_thai_answer(chat, people):
    replies = chat.postback("Uteacher", "a=gone.away&c=1")
    assert texts(replies) == STALE_BUTTON


def test_parent_tapping_a_forged_button_in_the_group_gets_a_thai_answer(chat, bound_group):
    replies = chat.postback("Uparent", "a=zz", group=bound_group)
    assert texts(replies) == STALE_BUTTON


def test_teacher_whose_lunch_flow_timed_out_is_told_it_was_dropped(chat, people, clock):
    assert "ส่งเมนู" in texts(chat.text("Uteacher", "อาหารกลางวัน"))
    clock.advance(minutes=31)
    replies = chat.text("Uteacher", "ข้าวผัด")
    assert "รายการที่ทำค้างไว้ (บันทึกอาหารกลางวัน) หมดเวลาแล้ว" in replies[-1]["text"]
    assert "ได้เมนูแล้ว" not in texts(replies)  # the old flow is gone: the dish is not taken as its menu
