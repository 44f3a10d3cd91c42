"""Home pins: a guardian shares a location in 1:1 after a consent question; only staff see it, and it is audited."""
from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Child, Consent
from tests.support import link_parent, texts


def test_guardian_shares_home_after_consent_and_only_staff_see_it(chat, people, bound_group, session, org, line):
    link_parent(chat, "Uparent", "ภูผา")
    asked = chat.event("Uparent", "location", "Uparent", 17.2041, 102.4402, "บ้านโนนสวรรค์")[-1]
    assert "ยินยอม" in asked["text"] and "น้องภูผา" in asked["text"]
    assert session.get(Child, org["children"]["C000001"].id).home_lat is None  # nothing before consent
    chat.tap(asked, "ยินยอม บันทึก", "Uparent")
    kid = session.get(Child, org["children"]["C000001"].id)
    assert (kid.home_lat, kid.home_lng) == (17.2041, 102.4402)
    assert session.scalar(select(Consent.granted).where(Consent.child_id == kid.id, Consent.kind == "home"))
    [where] = chat.text("Uteacher", "บ้าน ภูผา")
    assert where["type"] == "location" and where["latitude"] == 17.2041
    assert session.scalar(select(AuditLog.actor).where(AuditLog.action == "view.child.home")) == "Uteacher"
    group = texts(chat.text("Uteacher", "บ้าน ภูผา", group="Gk1"))
    assert "แชตส่วนตัว" in group and all(m["type"] != "location" for m in line.bot_messages("Gk1"))
    assert all(m["type"] != "location" for m in chat.text("Uparent", "บ้าน ภูผา"))


def test_a_location_from_someone_who_is_not_a_guardian_is_refused(chat, people, session, org):
    answer = texts(chat.event("Unew", "location", "Unew", 17.0, 102.0, "ที่ไหนสักแห่ง"))
    assert "เฉพาะผู้ปกครอง" in answer
    assert session.scalar(select(Child).where(Child.home_lat.is_not(None))) is None


def test_teacher_pins_a_home_the_guardian_agreed_to(chat, people, session, org):
    chat.event("Uteacher", "location", "Uteacher", 17.3, 102.5, "บ้านนาคำไฮ")
    asked = chat.text("Uteacher", "ขิง")[-1]
    assert "ยินยอม" in asked["text"]
    chat.tap(asked, "ยินยอม บันทึก", "Uteacher")
    assert session.get(Child, org["children"]["C000003"].id).home_lat == 17.3
