"""Monthly evaluation report and the area report (per LAO and per centre), as domain.reports Tables.

Both go out through the report route's signed links as XLSX or Thai PDF. The area report has no vaccine
figures until the vaccine records are wired (column shows "-").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.dashboards import growth_counts
from domain.evaluation import evaluate, month_period
from domain.reports import Table
from domain.scope import LEVEL_LABEL, Scope, scope_of
from domain.thai import thai_month
from domain.vaccines import children_overdue
from models import Child, Lunch

KINDS = {"evaluation": "ผลประเมินตัวชี้วัด", "area": "รายงานภาพรวมพื้นที่"}


def _subtitle(scope: Scope, month: date) -> str:
    return f"{LEVEL_LABEL[scope.level]} {scope.unit.name} · {thai_month(month)}"


def evaluation_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Per centre: group, stars, indicators done, which are not current and which are not done (by code)."""
    table = Table(KINDS["evaluation"], _subtitle(scope, month),
                  ["รหัส", "ศูนย์", "กลุ่ม", "ดาว", "ครบ", "ไม่เป็นปัจจุบัน", "ยังไม่ครบ"], [9, 36, 6, 6, 7, 24, 30])
    results = evaluate(session, scope.centre_ids, month, today)
    for r in results:
        table.rows.append([r.centre_code, r.centre_name, r.group, r.stars, f"{r.done_count}/{len(r.marks)}",
                           " ".join(r.stale) or "-", " ".join(r.not_done) or "-"])
    groups = [sum(r.group == g for r in results) for g in (1, 2, 3)]
    table.totals = ["รวม", f"{len(results)} ศูนย์ · กลุ่ม 1: {groups[0]} · กลุ่ม 2: {groups[1]} · กลุ่ม 3: {groups[2]}",
                    "", round(sum(r.stars for r in results) / len(results), 1) if results else "-", "", "", ""]
    return table


@dataclass
class AreaRow:
    """One centre's (or a sum of centres') figures in the area report."""

    children: int = 0
    expected_pct_sum: float = 0.0  # attendance % × children, to weight the LAO's average
    measured: int = 0
    good: int = 0
    low: int = 0  # ผอม or เตี้ย
    overdue: int = 0  # children with a vaccine dose overdue
    lunch_days: int = 0
    school_days: int = 0
    stars: int = 0
    centres: int = 0

    def add(self, other: "AreaRow") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cells(self) -> list:
        rate = round(self.expected_pct_sum / self.children, 1) if self.children else None
        return [self.children, rate, self.measured, self.good, self.low, self.overdue,
                f"{self.lunch_days}/{self.school_days}", round(self.stars / self.centres, 1) if self.centres else "-"]


def area_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Per LAO (a subtotal row) and its centres: children, attendance %, growth, vaccines, lunch, stars."""
    table = Table(KINDS["area"], _subtitle(scope, month),
                  ["หน่วยงาน", "เด็ก", "มาเรียน %", "ชั่งวัด", "สูงดีสมส่วน", "ผอม/เตี้ย", "วัคซีนค้าง", "อาหาร (วัน)",
                   "ดาว"], [40, 7, 9, 7, 9, 8, 8, 10, 6])
    _, last = month_period(month, today)
    results = {r.centre_id: r for r in evaluate(session, scope.centre_ids, month, today)}
    growth = growth_counts(session, scope.centre_ids, last)
    children = dict(session.execute(select(Child.centre_id, func.count()).where(
        Child.centre_id.in_(scope.centre_ids), Child.active).group_by(Child.centre_id)).all())
    lunch_days = dict(session.execute(select(Lunch.centre_id, func.count(func.distinct(Lunch.day))).where(
        Lunch.centre_id.in_(scope.centre_ids), Lunch.day >= month, Lunch.day <= last).group_by(Lunch.centre_id)).all())
    overdue = children_overdue(session, scope.centre_ids, last)
    rows: dict[int, AreaRow] = {}
    for cid, r in results.items():
        g, n = growth[cid], children.get(cid, 0)
        rows[cid] = AreaRow(n, (r.marks["I07"].value or 0) * n, g.measured, g.good,
                            g.wfh.get("ผอม", 0) + g.hfa.get("เตี้ย", 0), overdue.get(cid, 0), lunch_days.get(cid, 0),
                            r.school_days, r.stars, 1)
    grand = AreaRow()
    for lao in _laos(session, scope):
        subtotal = AreaRow()
        for cid in lao.centre_ids:
            subtotal.add(rows[cid])
        grand.add(subtotal)
        table.rows.append([f"{LEVEL_LABEL[lao.level]} {lao.name}"] + subtotal.cells())
        table.rows += [[f"  {scope.centre_names[cid][1]}"] + rows[cid].cells() for cid in lao.centre_ids]
    table.totals = ["รวม"] + grand.cells()
    return table


def _laos(session: Session, scope: Scope):
    """The LAOs inside the scope (the LAO itself for an LAO scope; one unit for a centre)."""
    if scope.level in ("lao", "centre"):
        return [scope.unit]
    out = []
    for unit in scope.units:
        sub = scope_of(session, unit.level, unit.code)
        out += list(sub.units) if unit.level == "district" else [unit]
    return out
