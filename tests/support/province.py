"""A small province to test in: its centres, children and people, the moves most tests start from (a bound parent
group, a linked parent, a Monday morning), and photos of the children's QR cards."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.photos import card_photo
from tests.support.harness import texts


@pytest.fixture
def org(session):
    """A small province: two centres of one LAO, a classroom each, five children (two are siblings), each with
    photo consent (tests of a child without it withdraw it)."""
    from datetime import date
    from models import Centre, Child, ChildGuardian, Classroom, Consent, District, Guardian, Lao, Province

    province = Province(code="P39", name="หนองบัวลำภู")
    district = District(code="D01", name="เมืองหนองบัวลำภู", province=province)
    lao = Lao(code="L001", name="องค์การบริหารส่วนตำบลภูมิพันธ์", district=district)
    k1 = Centre(code="K0001", name="ศูนย์พัฒนาเด็กเล็กบ้านชาญชัย", lao=lao)
    k2 = Centre(code="K0002", name="ศูนย์พัฒนาเด็กเล็กบ้านโนน", lao=lao)
    session.add_all([province, district, lao, k1, k2])
    session.flush()
    rooms = {k: Classroom(centre_id=k.id, name="อนุบาล 3-5 ขวบ") for k in (k1, k2)}
    session.add_all(rooms.values())
    session.flush()
    rows = [("C000001", k1, "ภูริ", "แก้วมณี", "ภูผา", "M"), ("C000002", k1, "วีรภัทร", "สายบุญ", "ข้าวหอม", "M"),
            ("C000003", k1, "ภูริ", "นาคสวัสดิ์", "ขิง", "M"), ("C000004", k1, "อรอุมา", "ทองคำ", "ใบเตย", "F"),
            ("C000005", k2, "มานะ", "ใจดี", "ภูผา", "M")]
    kids = {}
    for code, centre, first, last, nick, sex in rows:
        kids[code] = Child(code=code, centre_id=centre.id, classroom_id=rooms[centre].id, title="ด.ช.",
                           first_name=first, last_name=last, nickname=nick, sex=sex, birth_date=date(2022, 5, 1))
    session.add_all(kids.values())
    mother = Guardian(name="สุดารัตน์ วงศ์ษา", phone="0865731593")
    session.add(mother)
    session.flush()
    session.add_all([ChildGuardian(child_id=kids["C000001"].id, guardian_id=mother.id, relation="แม่"),
                     ChildGuardian(child_id=kids["C000002"].id, guardian_id=mother.id, relation="แม่")])
    session.add_all(Consent(child_id=k.id, kind="photo", granted=True, set_by="enrolment-form") for k in kids.values())
    session.commit()
    return {"centres": {"K0001": k1, "K0002": k2}, "children": kids}


def make_invite(rt, role: str, scope: str, days: float = 7) -> str:
    """An invite code, as the operator's CLI would print it."""
    from bot.db import transaction
    from domain.invites import create_invite

    with transaction(rt.sessions) as s:
        return create_invite(s, role, scope, rt.cfg.secret, rt.now(), days=days)


@pytest.fixture
def people(line, chat, rt, org):
    """Registered people: a teacher and a head at K0001, a teacher at K0002, an LAO official; plus a
    newcomer and a parent who follow the OA, and the K0001 parent group with 20 other parents."""
    for uid, name in [("Uteacher", "ครูสมศรี"), ("Uhead", "หัวหน้าวิไล"), ("Uteacher2", "ครูมาลี"),
                      ("Ulao", "ปลัดสมชาย"), ("Unew", "คนใหม่"), ("Uparent", "แม่ของภูผา")]:
        line.add_user(uid, name)
    for uid, role, scope in [("Uteacher", "teacher", "K0001"), ("Uhead", "head", "K0001"),
                             ("Uteacher2", "teacher", "K0002"), ("Ulao", "lao", "L001")]:
        chat.event(uid, "follow", uid)
        chat.text(uid, make_invite(rt, role, scope))
    line.add_group("Gk1", "ผู้ปกครอง ศพด.บ้านชาญชัย", ["Uteacher", "Uhead", "Uparent"], extra_members=20)
    return {"group": "Gk1"}


def bind_group(chat, teacher="Uteacher", group="Gk1") -> None:
    """The bot joins the parent group and the teacher binds it to her centre."""
    chat.event(group, "join", group)
    code = texts(chat.text(teacher, "เชื่อมกลุ่มผู้ปกครอง")).split("\n\n")[1]
    assert "เรียบร้อย" in texts(chat.text(teacher, code, group=group))


@pytest.fixture
def bound_group(chat, people):
    """The K0001 parent group with the bot in it, bound to the centre by the teacher."""
    bind_group(chat)
    return "Gk1"


def at_local(clock, hhmm: str, day: str = "2026-11-23") -> None:
    """Set the shared clock to a Bangkok wall-clock time (default: a Monday)."""
    from zoneinfo import ZoneInfo

    clock.set(datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo("Asia/Bangkok")))


def withdraw_photo_consent(session, child) -> None:
    """The child's guardian withdrew photo consent."""
    from sqlalchemy import select
    from models import Consent

    session.scalar(select(Consent).where(Consent.child_id == child.id, Consent.kind == "photo")).granted = False
    session.commit()


def link_parent(chat, parent: str, child_name: str, teacher: str = "Uteacher") -> None:
    """A parent links to a child with the code the teacher asked for (as in the chats)."""
    code = texts(chat.text(teacher, f"รหัสผู้ปกครอง {child_name}")).split("\n\n")[1]
    chat.text(parent, code)


@pytest.fixture
def morning(clock):
    """07:30 on a Monday, Bangkok time: the centres are open and children arrive."""
    at_local(clock, "07:30")


@pytest.fixture
def cards_photo(rt, org):
    """A photo of the named children's current QR cards: `cards_photo("C000001", "C000002")`."""
    from domain.qr import qr_payload

    def photo(*codes: str) -> bytes:
        kids = [org["children"][code] for code in codes]
        return card_photo([qr_payload(k.code, k.qr_version, rt.cfg.secret) for k in kids])
    return photo


@pytest.fixture
def check_in(chat, cards_photo):
    """A teacher checks children in with a photo of their cards: `check_in("C000001", user="Uhead")` → replies."""
    def photograph(*codes: str, user: str = "Uteacher", group: str | None = None) -> list[dict]:
        return chat.photo(user, cards_photo(*codes), group=group)
    return photograph
