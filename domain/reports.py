"""Monthly reports per centre or LAO: attendance, lunch log, alert log → XLSX, PDF (shaped Thai), chart PNG.

A report is a Table (title, headers, rows, totals) built from the database for one scope and month, then
written by one of the three writers. Reports carry counts, menus and child codes, never children's names.
Attendance uses today's roster of active children for past days (children who left are not counted).
"""
from __future__ import annotations

import io
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from fontpkg_sarabun import ROOT as FONT_ROOT
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.calendar import school_days
from domain.cells import defuse
from domain.dashboards import person_name
from domain.expected import DayCounts, expected_counts, total
from domain.scope import LEVEL_LABEL, Scope
from domain.thai import hhmm, thai_date, thai_month
from models import Alert, Child, Lunch, Media

KINDS = {"attendance": "รายงานการมาเรียน", "lunch": "บันทึกอาหารกลางวัน", "alerts": "บันทึกการแจ้งเตือน"}
FONT = FONT_ROOT / "files" / "Sarabun-Regular.ttf"
FONT_BOLD = FONT_ROOT / "files" / "Sarabun-Bold.ttf"


def report_path(kind: str, level: str, code: str, month: date, ext: str) -> str:
    """The link path of a report; signing it bakes the scope in, so a link cannot be widened."""
    return f"/reports/{kind}/{level}/{code}/{month.strftime('%Y-%m')}.{ext}"


@dataclass
class Table:
    """A report as rows: what every writer takes."""

    title: str
    subtitle: str
    headers: list[str]
    widths: list[int]  # relative column widths (PDF) and character widths (XLSX)
    rows: list[list] = field(default_factory=list)
    totals: list | None = None
    series: list[tuple[date, float | None]] = field(default_factory=list)  # attendance % per day (chart)


def month_days(month: date, today: date) -> list[date]:
    """School days of the month up to today."""
    last = date(month.year, month.month, monthrange(month.year, month.month)[1])
    return school_days(month, min(last, today))


def _heading(kind: str, scope: Scope, month: date) -> tuple[str, str]:
    return KINDS[kind], f"{LEVEL_LABEL[scope.level]} {scope.unit.name} · {thai_month(month)}"


def attendance_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Per school day and centre: expected, arrived, on leave, missing, %; totals and the daily % series."""
    title, subtitle = _heading("attendance", scope, month)
    table = Table(title, subtitle, ["วันที่", "ศูนย์", "คาดว่ามา", "มาแล้ว", "ลา", "ไม่มา", "ร้อยละ"],
                  [14, 34, 10, 10, 8, 8, 10])
    grand = DayCounts()
    for day in month_days(month, today):
        counts = expected_counts(session, scope.centre_ids, day)
        for cid in scope.centre_ids:
            c = counts[cid]
            table.rows.append([thai_date(day), scope.centre_names[cid][1], c.expected, c.arrived, c.on_leave,
                               c.missing, c.percent])
        day_total = total(counts.values())
        table.series.append((day, day_total.percent))
        grand = grand + day_total
    table.totals = ["รวม", "", grand.expected, grand.arrived, grand.on_leave, grand.missing, grand.percent]
    return table


def lunch_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Each lunch of the month: day, centre, menu, tray photos, when recorded."""
    title, subtitle = _heading("lunch", scope, month)
    table = Table(title, subtitle, ["วันที่", "ศูนย์", "เมนู", "รูปถาด", "บันทึกเวลา"], [14, 30, 40, 8, 10])
    last = date(month.year, month.month, monthrange(month.year, month.month)[1])
    lunches = session.scalars(select(Lunch).where(Lunch.centre_id.in_(scope.centre_ids), Lunch.day >= month,
                                                  Lunch.day <= min(last, today)).order_by(Lunch.day, Lunch.centre_id))
    lunches = list(lunches)
    photos: dict[int, int] = {}
    if lunches:
        for lunch_id, in session.execute(select(Media.lunch_id).where(
                Media.lunch_id.in_([lu.id for lu in lunches]), Media.purged_at.is_(None))):
            photos[lunch_id] = photos.get(lunch_id, 0) + 1
    for lu in lunches:
        table.rows.append([thai_date(lu.day), scope.centre_names[lu.centre_id][1],
                           lu.menu_text or ", ".join(lu.dishes or []), photos.get(lu.id, 0), hhmm(_local(lu.recorded_at))])
    days = month_days(month, today)
    table.totals = ["รวม", f"{len(lunches)} มื้อ / {len(days) * len(scope.centre_ids)} วันเรียน×ศูนย์", "",
                    sum(photos.values()), ""]
    return table


def alert_table(session: Session, scope: Scope, month: date, today: date) -> Table:
    """Each alert of the month: when, where, what, who acknowledged and how it ended (child by code)."""
    title, subtitle = _heading("alerts", scope, month)
    table = Table(title, subtitle, ["วันที่", "ศูนย์", "ประเภท", "ระดับ", "แจ้งเวลา", "รับทราบ", "ผู้รับทราบ", "ผล", "รหัสเด็ก"],
                  [13, 24, 10, 7, 8, 8, 14, 10, 10])
    last = date(month.year, month.month, monthrange(month.year, month.month)[1])
    rows = session.execute(select(Alert, Child.code).outerjoin(Child, Child.id == Alert.child_id).where(
        Alert.centre_id.in_(scope.centre_ids), Alert.day >= month, Alert.day <= min(last, today))
        .order_by(Alert.day, Alert.raised_at)).all()
    names: dict[str, str] = {}
    for alert, child_code in rows:
        who = alert.acknowledged_by
        if who and who not in names:
            names[who] = person_name(session, who)
        table.rows.append([thai_date(alert.day), scope.centre_names[alert.centre_id][1], alert.kind,
                           "ด่วน" if alert.level == "urgent" else "ปกติ", hhmm(_local(alert.raised_at)),
                           hhmm(_local(alert.acknowledged_at)) if alert.acknowledged_at else "-",
                           names.get(who, "") if who else "-", alert.resolution or "-", child_code or "-"])
    acked = sum(1 for a, _ in rows if a.acknowledged_at)
    table.totals = ["รวม", f"{len(rows)} ครั้ง", "", "", "", f"{acked}", "", "", ""]
    return table


def _local(moment):
    """Times in reports are Thai local time (UTC+7, no daylight saving)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Bangkok"))


BUILDERS = {"attendance": attendance_table, "lunch": lunch_table, "alerts": alert_table, "chart": attendance_table}


def build(session: Session, kind: str, scope: Scope, month: date, today: date) -> Table:
    """The report table of one kind ("chart" uses the attendance table)."""
    return BUILDERS[kind](session, scope, month, today)


# ── writers ──

def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook (one sheet, title rows, bold header and totals)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "รายงาน"
    ws.append([defuse(table.title)])
    ws.append([defuse(table.subtitle)])
    ws.append([defuse(h) for h in table.headers])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for r in table.rows:
        ws.append([defuse(v) for v in r])
    if table.totals:
        ws.append([defuse(v) for v in table.totals])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    for i, width in enumerate(table.widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(table: Table) -> bytes:
    """The table as an A4 landscape PDF in Sarabun, Thai shaped by HarfBuzz (fpdf2 text shaping)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("Sarabun", "", str(FONT))
    pdf.add_font("Sarabun", "B", str(FONT_BOLD))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 16)
    pdf.cell(0, 9, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 11)
    pdf.cell(0, 7, table.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Sarabun", "", 10)
    rows = [table.headers] + [[_cell(v) for v in r] for r in table.rows]
    if table.totals:
        rows.append([_cell(v) for v in table.totals])
    with pdf.table(col_widths=tuple(table.widths), line_height=6, first_row_as_headings=True) as grid:
        for r in rows:
            grid.row([str(v) for v in r])
    if not table.rows:
        pdf.cell(0, 8, "ไม่มีข้อมูลในเดือนนี้", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def to_png(table: Table) -> bytes:
    """The attendance trend: daily % arrived of expected over the month, as a line chart (Pillow, Sarabun)."""
    from PIL import Image, ImageDraw, ImageFont

    w, h, left, right, top, bottom = 1000, 520, 70, 30, 80, 60
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    big, small = ImageFont.truetype(str(FONT_BOLD), 28), ImageFont.truetype(str(FONT), 18)
    draw.text((left, 14), "แนวโน้มการมาเรียน (ร้อยละ)", font=big, fill="#222")
    draw.text((left, 50), table.subtitle, font=small, fill="#555")
    plot_h, plot_w = h - top - bottom, w - left - right
    for pct in range(0, 101, 20):
        y = top + plot_h - plot_h * pct / 100
        draw.line([(left, y), (w - right, y)], fill="#ddd")
        draw.text((left - 45, y - 12), f"{pct}", font=small, fill="#555")
    points = [(i, p) for i, (_, p) in enumerate(table.series) if p is not None]
    n = max(len(table.series) - 1, 1)
    xy = [(left + plot_w * i / n, top + plot_h - plot_h * p / 100) for i, p in points]
    if len(xy) > 1:
        draw.line(xy, fill="#1E88E5", width=4)
    for x, y in xy:
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill="#1E88E5")
    for i, (day, _) in enumerate(table.series):
        if len(table.series) <= 12 or i % 2 == 0:
            draw.text((left + plot_w * i / n - 8, h - bottom + 8), str(day.day), font=small, fill="#555")
    if not table.series:
        draw.text((left + 20, top + plot_h / 2), "ไม่มีวันเรียนในเดือนนี้", font=big, fill="#999")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


WRITERS = {"xlsx": to_xlsx, "pdf": to_pdf, "png": to_png}
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf",
        "png": "image/png"}
