"""Vaccines from the chat: record a dose, tick due doses, the overdue list, and the guardian's 1:1 reminder."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.vaccines import add_months, next_doses
from models import Child, VaccineDose
from scheduler import jobs
from tests.support import at_local, link_parent, texts


def codes(session, child):
    session.expire_all()
    rows = session.scalars(select(VaccineDose).where(VaccineDose.child_id == child.id))
    return {row.code: row.given_on for row in rows}


def test_teacher_records_a_dose_with_a_buddhist_date_and_a_wrong_code_is_explained(chat, people, session, org, clock):
    at_local(clock, "10:00")
    kid = org["children"]["C000001"]
    assert "ไม่รู้จักรหัสวัคซีน" in texts(chat.text("Uteacher", "วัคซีน ภูผา OPV9"))
    assert "ยังมาไม่ถึง" in texts(chat.text("Uteacher", "วัคซีน ภูผา OPV4 1/1/2570"))
    answer = texts(chat.text("Uteacher", "วัคซีน ภูผา opv 4 ๑/๑๒/๒๕๖๗"))
    assert "บันทึก OPV4" in answer and "1 ธ.ค. 2567" in answer
    assert codes(session, kid) == {"OPV4": date(2024, 12, 1)}


def test_teacher_ticks_due_doses_and_sees_who_is_overdue(chat, people, session, org, clock):
    at_local(clock, "10:00")
    listed = chat.text("Uteacher", "วัคซีน ใบเตย")[-1]
    assert "เลยกำหนด" in listed["text"]
    chat.tap(listed, "✓ BCG", "Uteacher")
    assert codes(session, org["children"]["C000004"]) == {"BCG": date(2026, 11, 23)}
    overdue = texts(chat.text("Uteacher", "วัคซีนค้าง"))
    assert "ใบเตย" in overdue and "BCG" not in overdue.split("ใบเตย")[1].split("\n")[0]


def test_catch_up_gives_the_next_dose_without_restarting():
    born = date(2022, 5, 1)
    given = {"OPV1": date(2022, 7, 1)}
    opv = next(d for d in next_doses(born, given, date(2026, 11, 23)) if d.dose.series == "OPV")
    assert opv.dose.code == "OPV2" and opv.overdue
    late = {"OPV1": date(2026, 11, 20)}  # a late first dose: the next one waits four weeks, not a restart
    opv = next(d for d in next_doses(born, late, date(2026, 11, 23)) if d.dose.series == "OPV")
    assert opv.dose.code == "OPV2" and opv.due_on == date(2026, 12, 18) and not opv.overdue


def test_guardian_is_reminded_privately_once_before_a_dose_is_due(chat, people, bound_group, session, org, clock, rt,
                                                                   line):
    at_local(clock, "10:00")
    kid = session.get(Child, org["children"]["C000001"].id)
    kid.birth_date = add_months(date(2026, 11, 27), -18)  # DTP4 and OPV4 (18 months) due in four days
    session.commit()
    link_parent(chat, "Uparent", "ภูผา")
    for code in ("BCG", "HB1", "DTP-HB-Hib1", "DTP-HB-Hib2", "DTP-HB-Hib3", "OPV1", "OPV2", "OPV3", "IPV",
                 "Rota1", "Rota2", "Rota3", "MMR1", "LAJE1"):
        session.add(VaccineDose(child_id=kid.id, code=code, given_on=date(2026, 1, 1), recorded_by="t"))
    session.commit()
    group_before = len(line.bot_messages("Gk1"))
    assert jobs.vaccine_due_reminders(rt, rt.now()) == 2
    assert jobs.vaccine_due_reminders(rt, rt.now()) == 0
    jobs.sweep_outbox(rt, rt.now())
    told = texts(line.bot_messages("Uparent")[-2:])
    assert "DTP4" in told and "OPV4" in told and "27 พ.ย. 2569" in told
    assert len(line.bot_messages("Gk1")) == group_before
