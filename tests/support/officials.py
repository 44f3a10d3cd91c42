"""A wider province for the officials' tests: two districts, three LAOs, four centres, officials at every level,
and a Tuesday's records (`world`); `flex` picks the card message of an answer."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models import Absence, Activity, Alert, Attendance, Centre, Child, District, Lao, Lunch, Measurement, Media
from tests.support.province import make_invite

BKK = timezone(timedelta(hours=7))
TUESDAY = date(2026, 11, 24)
# Names that must only ever reach askers whose scope holds them.
UNIT_NAMES = {"L001": "องค์การบริหารส่วนตำบลภูมิพันธ์", "L002": "เทศบาลตำบลหนองเรือทดสอบ",
              "L003": "องค์การบริหารส่วนตำบลนาวังทดสอบ", "D01": "เมืองหนองบัวลำภู", "D02": "นากลางทดสอบ",
              "K0001": "ศูนย์พัฒนาเด็กเล็กบ้านชาญชัย", "K0002": "ศูนย์พัฒนาเด็กเล็กบ้านโนน",
              "K0003": "ศูนย์พัฒนาเด็กเล็กหนองเรือสาม", "K0004": "ศูนย์พัฒนาเด็กเล็กนาวังสี่"}

def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A Bangkok time on `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BKK)


def add_child(session, centre, code, first, sex="M", birth=date(2022, 5, 1), **extra):
    """One more child at `centre`."""
    child = Child(code=code, centre_id=centre.id, title="ด.ช.", first_name=first, last_name="ทดสอบ",
                  nickname=first[:3], sex=sex, birth_date=birth, **extra)
    session.add(child)
    session.flush()
    return child


@pytest.fixture
def world(people, org, session, chat, rt, line, clock):
    """Two districts, three LAOs, four centres, officials at every level, and a Tuesday's records."""
    p39 = org["centres"]["K0001"].lao.district.province_id
    d01 = session.scalar(select(District).where(District.code == "D01"))
    d02 = District(code="D02", name=UNIT_NAMES["D02"], province_id=p39)
    session.add(d02)
    session.flush()
    l002 = Lao(code="L002", name=UNIT_NAMES["L002"], district_id=d01.id)
    l003 = Lao(code="L003", name=UNIT_NAMES["L003"], district_id=d02.id)
    session.add_all([l002, l003])
    session.flush()
    k3 = Centre(code="K0003", name=UNIT_NAMES["K0003"], lao_id=l002.id)
    k4 = Centre(code="K0004", name=UNIT_NAMES["K0004"], lao_id=l003.id)
    session.add_all([k3, k4])
    session.flush()
    k1, k2 = org["centres"]["K0001"], org["centres"]["K0002"]
    kids = org["children"]
    kids["C000001"].chronic_conditions = "หอบหืด"
    kids["C000004"].allergies = "นมวัว"
    secret = add_child(session, k4, "C000009", "ลับเฉพาะ", chronic_conditions="ลมชัก")
    add_child(session, k3, "C000008", "สมหญิง", sex="F")
    day = TUESDAY
    for code in ("C000002", "C000003"):
        session.add(Attendance(child_id=kids[code].id, centre_id=k1.id, day=day, arrived_at=at(day, 7, 40),
                               arrived_by="Uteacher", arrived_via="photo"))
    session.add(Absence(child_id=kids["C000004"].id, centre_id=k1.id, kind="sick", first_day=day - timedelta(1),
                        last_day=day + timedelta(1), reported_by="Uparent"))
    session.add(Absence(child_id=kids["C000001"].id, centre_id=k1.id, kind="personal", first_day=day, last_day=day,
                        reported_by="Uparent", cancelled_at=at(day, 6)))
    lunch = Lunch(centre_id=k1.id, day=day, menu_text="ข้าวมันไก่ แตงโม", dishes=["ข้าวมันไก่", "แตงโม"],
                  recorded_by="Uteacher", recorded_at=at(day, 11))
    session.add(lunch)
    session.flush()
    session.add(Media(key="tray-k1", centre_id=k1.id, lunch_id=lunch.id))
    session.add(Activity(centre_id=k2.id, day=day - timedelta(3), caption="วาดภาพ", posted_by="Uteacher2"))
    session.add(Alert(kind="missing", centre_id=k1.id, child_id=kids["C000001"].id, day=day, raised_at=at(day, 9),
                      acknowledged_at=at(day, 9, 5), acknowledged_by="Uhead", resolution="contacted"))
    session.add(Alert(kind="missing", level="urgent", centre_id=k4.id, child_id=secret.id, day=day,
                      raised_at=at(day, 9)))
    session.add(Measurement(child_id=kids["C000002"].id, measured_on=day - timedelta(30), weight_kg=14.5,
                            height_cm=98.0))
    session.add(Measurement(child_id=kids["C000003"].id, measured_on=day - timedelta(30), weight_kg=10.0,
                            height_cm=85.0))
    session.commit()
    for uid, role, scope in [("Ud1", "district", "D01"), ("Uprov", "province", "P39"), ("Ulao3", "lao", "L003")]:
        line.add_user(uid, uid)
        chat.event(uid, "follow", uid)
        chat.text(uid, make_invite(rt, role, scope))
    clock.set(at(day))
    return {"k1": k1, "k4": k4, "secret": secret}


def flex(messages: list[dict]) -> dict:
    """The first card (Flex) message of an answer."""
    found = [m for m in messages if m["type"] == "flex"]
    assert found, f"no flex message in {messages}"
    return found[0]
