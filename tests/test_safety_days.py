"""Scripted school days with random absences, late arrivals and van boardings: every missing child is alerted,
no child with reported leave is, and a child who boarded the van and never reached the classroom is urgent."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.absences import record_absence
from models import Alert, Child
from scheduler import jobs
from tests.support import at_local
from tests.test_safety import alert_pushes, board

BANGKOK = ZoneInfo("Asia/Bangkok")
FATES = ["on_time", "late_arrival", "sick", "personal", "late_kept", "late_broken", "van_ok", "van_lost",
         "unreported"]
ALERTED = {"late_arrival", "late_broken", "van_lost", "unreported"}
NICKNAMES = ["ต้นกล้า", "น้ำใส", "ปลาย", "ฟ้าใส", "มะปราง", "ลูกแก้ว", "ส้มโอ", "ข้าวตู", "น้ำฝน", "ภูมิ", "แพรว",
             "ตะวัน", "ใบบัว", "กะทิ", "ขนุน", "ชมพู่"]


@pytest.fixture
def class_of_20(org, session):
    """K0001 with 20 active children (the four of the org plus sixteen more); K0002's child has left."""
    k1 = org["centres"]["K0001"]
    session.get(Child, org["children"]["C000005"].id).active = False
    for n, nick in enumerate(NICKNAMES):
        session.add(Child(code=f"C1{n:05d}", centre_id=k1.id, title="ด.ญ.", first_name=f"เด็ก{n}", last_name="ทดสอบ",
                          nickname=nick, sex="F", birth_date=date(2022, 1, 1) + timedelta(days=n)))
    session.commit()
    return list(session.scalars(select(Child).where(Child.centre_id == k1.id, Child.active).order_by(Child.code)))


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), BANGKOK)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_scripted_day_alerts_every_missing_child_and_no_reported_absence(seed, chat, people, rt, clock, line,
                                                                           session, class_of_20):
    rng = random.Random(seed)
    day = date(2026, 11, 23) + timedelta(days=seed - 1)  # Monday to Wednesday
    fates = {child.id: rng.choice(FATES) for child in class_of_20}
    fates[class_of_20[0].id], fates[class_of_20[1].id] = "sick", "unreported"  # every day has both sides
    names = {child.id: child.nickname for child in class_of_20}
    at_local(clock, "06:30", day=day.isoformat())
    with rt.sessions() as s:
        for child_id, fate in fates.items():
            child = s.get(Child, child_id)
            if fate in ("sick", "personal"):
                record_absence(s, child, fate, day, day + timedelta(days=rng.randint(0, 2)), by="Uparent",
                               now=rt.now())
            elif fate in ("late_kept", "late_broken"):
                record_absence(s, child, "late", day, day, by="Uparent", now=rt.now(), late_until=time(10, 0))
        s.commit()
    events = []  # (when, what, child id)
    for child_id, fate in fates.items():
        if fate in ("van_ok", "van_lost"):
            events.append((at(day, "07:05") + timedelta(minutes=rng.randint(0, 20)), "board", child_id))
        if fate in ("on_time", "van_ok"):
            events.append((at(day, "07:30") + timedelta(minutes=rng.randint(0, 80)), "arrive", child_id))
        elif fate == "late_arrival":
            events.append((at(day, "09:03") + timedelta(minutes=rng.randint(0, 40)), "arrive", child_id))
        elif fate == "late_kept":
            events.append((at(day, "09:10") + timedelta(minutes=rng.randint(0, 45)), "arrive", child_id))
    tick = at(day, "08:00")
    while tick <= at(day, "10:30"):
        events.append((tick, "tick", None))
        tick += timedelta(minutes=rng.choice([1, 2, 3]))
    for when, what, child_id in sorted(events, key=lambda e: (e[0], e[1] != "tick")):
        clock.set(when)
        if what == "board":
            board(session, "K0001", session.get(Child, child_id).code, "VAN1", when)
        elif what == "arrive":
            chat.text("Uteacher", f"มา {names[child_id]}")
        else:
            jobs.safety_checks(rt, rt.now())
            jobs.sweep_outbox(rt, rt.now())
    session.expire_all()
    every = list(session.scalars(select(Alert).where(Alert.day == day)))
    raised = {a.child_id: a for a in every if a.child_id is not None}
    boarded = any(fate in ("van_ok", "van_lost") for fate in fates.values())
    assert [a.van_code for a in every if a.kind == "van_empty"] == (["VAN1"] if boarded else [])  # never confirmed
    expected = {cid for cid, fate in fates.items() if fate in ALERTED}
    assert set(raised) == expected, {names[c]: fates[c] for c in set(raised) ^ expected}
    cutoff = at(day, "09:00")
    for child_id, alert in raised.items():
        fate = fates[child_id]
        assert alert.sends >= 1, fate
        if fate == "van_lost":
            assert (alert.kind, alert.level) == ("van", "urgent") and alert.sends >= 2  # repeated until handled
        else:
            assert alert.kind == "missing"
        if fate == "late_broken":
            assert alert.raised_at >= at(day, "10:00")
        else:
            assert alert.raised_at - cutoff < timedelta(minutes=4)  # at the first tick after the cutoff
        assert (alert.resolution == "arrived") == (fate == "late_arrival")
    pushed = str(alert_pushes(line, "Uteacher"))
    for child_id, fate in fates.items():
        assert (f"{names[child_id]} (" in pushed) == (fate in ALERTED), fate
