"""Privacy (PDPA) as chats: what a parent group may see, codes and cards that must not leak, consent, rights."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from domain.qr import qr_payload
from models import Absence, AuditLog
from tests.conftest import at_local, texts
from tests.photos import card_photo


@pytest.fixture
def morning(clock):
    at_local(clock, "07:30")


def actions(session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_parents_in_the_group_see_nicknames_and_counts_but_no_reasons(morning, chat, bound_group, org, session, rt):
    kids = org["children"]
    monday = date(2026, 11, 23)
    session.add_all([Absence(child_id=kids["C000001"].id, centre_id=kids["C000001"].centre_id, kind="sick",
                             first_day=monday, last_day=monday, reported_by="Uteacher"),
                     Absence(child_id=kids["C000003"].id, centre_id=kids["C000003"].centre_id, kind="late",
                             first_day=monday, last_day=monday, late_until=time(10, 0), reported_by="Uteacher")])
    session.commit()
    body = texts(chat.text("Uteacher", "ยังไม่มา", group=bound_group))
    assert "ยังไม่มา 3 คน" in body and "ข้าวหอม" in body and "ลา 1 คน" in body and "แจ้งมาสาย 1 คน" in body
    assert "ป่วย" not in body and "10:00" not in body and "วีรภัทร" not in body  # no reason, time or full name
    private = texts(chat.text("Uteacher", "ยังไม่มา"))
    assert "ลา: ภูผา (ป่วย)" in private and "ขิง (10:00)" in private  # staff still see it all in 1:1
    photo = card_photo([qr_payload("C000002", 1, rt.cfg.secret)])
    body = texts(chat.photo("Uteacher", photo, group=bound_group))
    assert "ข้าวหอม" in body and "วีรภัทร" not in body


def test_teacher_asking_for_cards_in_the_group_gets_them_only_in_private(morning, chat, bound_group, line):
    for words in ("บัตร QR", "บัตร ภูผา", "ออกบัตรใหม่ ภูผา"):
        replies = chat.text("Uteacher", words, group=bound_group)
        assert "แชตส่วนตัว" in texts(replies) and all(m["type"] == "text" for m in replies)
    assert "/cards/" not in str(line.bot_messages(bound_group))
    assert "แชตส่วนตัว" in texts(chat.postback("Uteacher", "a=cd.show&c=1", group=bound_group))
    assert any(m["type"] == "image" for m in chat.text("Uteacher", "บัตร ภูผา"))
