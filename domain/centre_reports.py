"""A centre's health and growth reports for the month (teachers, heads and officials), as domain.reports Tables.

Children appear by code, never by name (as in every report). Growth: each active child's latest measurement on or
before the month's last day, banded as domain.growth does (over 60 months: not scored against WHO 0–5).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from domain.evaluation import month_period
from domain.growth import OVER_60, growth_status
from domain.reports import Table, month_days
from domain.scope import LEVEL_LABEL, Scope
from domain.thai import thai_date, thai_month
from models import Attendance, Child, Measurement

FEVER = 37.5
KINDS = {"health": "รายงานตรวจสุขภาพ", "growth": "รายงานน้ำหนักส่วนสูง"}


def _subtitle(scope: Scope, month: date) -> str:
    return f"{LEVEL_LABEL[scope.level]} {scope.unit.name} · {thai_month(month)}"


def health_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Per school day and centre: arrived, checked, normal, with a concern, fever (≥ 37.5 °C), sent home."""
    table = Table(KINDS["health"], _subtitle(scope, month), ["วันที่", "ศูนย์", "มา", "ตรวจแล้ว", "ปกติ", "มีอาการ",
                                                             "มีไข้", "ส่งกลับบ้าน"], [14, 34, 7, 9, 7, 9, 7, 11])
    first, last = month_period(month, today)
    rows = session.execute(select(
        Attendance.day, Attendance.centre_id, func.count(), func.count(Attendance.health),
        func.count().filter(Attendance.health == "ok"), func.count().filter(Attendance.health == "concern"),
        func.count().filter(Attendance.temperature >= FEVER), func.count(Attendance.sent_home_at))
        .where(Attendance.centre_id.in_(scope.centre_ids), Attendance.day >= first, Attendance.day <= last)
        .group_by(Attendance.day, Attendance.centre_id)).all()
    found = {(day, cid): counts for day, cid, *counts in rows}
    sums = [0] * 6
    for day in month_days(month, today):
        for cid in scope.centre_ids:
            counts = found.get((day, cid), [0] * 6)
            sums = [a + b for a, b in zip(sums, counts)]
            table.rows.append([thai_date(day), scope.centre_names[cid][1], *counts])
    table.totals = ["รวม", "", *sums]
    return table


def growth_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Each active child's latest weight and height up to the month's end, with the Thai growth bands."""
    table = Table(KINDS["growth"], _subtitle(scope, month),
                  ["รหัสเด็ก", "ศูนย์", "เพศ", "อายุ (เดือน)", "วันที่ชั่งวัด", "น้ำหนัก", "ส่วนสูง", "น้ำหนัก/ส่วนสูง",
                   "ส่วนสูง/อายุ", "น้ำหนัก/อายุ"], [11, 26, 5, 8, 13, 7, 7, 12, 15, 17])
    _, last = month_period(month, today)
    earlier = aliased(Measurement)
    latest = (select(func.max(earlier.measured_on)).where(earlier.child_id == Child.id, earlier.measured_on <= last)
              .correlate(Child).scalar_subquery())
    rows = session.execute(
        select(Child.code, Child.centre_id, Child.sex, Child.birth_date, Measurement.measured_on, Measurement.weight_kg,
               Measurement.height_cm).outerjoin(Measurement, (Measurement.child_id == Child.id)
                                                & (Measurement.measured_on == latest))
        .where(Child.centre_id.in_(scope.centre_ids), Child.active).order_by(Child.centre_id, Child.code)).all()
    measured = good = 0
    for code, cid, sex, birth, on, weight, height in rows:
        age = (last.year - birth.year) * 12 + last.month - birth.month - (last.day < birth.day)
        if on is None:
            table.rows.append([code, scope.centre_names[cid][1], sex, age, "ยังไม่ชั่งวัด", "-", "-", "-", "-", "-"])
            continue
        g = growth_status(sex, birth, on, weight, height)
        measured, good = measured + 1, good + g.good
        bands = [OVER_60, "", ""] if g.over_60 else [g.wfh or "-", g.hfa or "-", g.wfa or "-"]
        table.rows.append([code, scope.centre_names[cid][1], sex, age, thai_date(on), weight, height, *bands])
    table.totals = ["รวม", f"{len(rows)} คน · ชั่งวัดแล้ว {measured} · สูงดีสมส่วน {good}", "", "", "", "", "", "", "",
                    ""]
    return table
