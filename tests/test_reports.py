"""Monthly reports: an official picks kind, month and unit; signed links serve XLSX, PDF and the chart."""
from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.actions import OFFICIAL_REPORT
from bot.signed import signed_url
from domain.reports import report_path
from models import AuditLog
from tests.support import quick_labels, texts
from tests.support.officials import UNIT_NAMES


def links(messages: list[dict]) -> dict[str, str]:
    """The report links in the bot's answer, as paths with their query (what a browser requests)."""
    found = re.findall(r"https://smartkids\.example(/reports/\S+)", texts(messages))
    images = [m["originalContentUrl"] for m in messages if m["type"] == "image"]
    found += [urlsplit(u).path + "?" + urlsplit(u).query for u in images]
    return {u.split("?")[0].rsplit(".", 1)[1]: u for u in found}


def ask_report(chat, user: str, kind_label: str, unit_label: str) -> list[dict]:
    first = chat.text(user, "รายงาน")
    months = chat.tap(first[-1], kind_label, user)
    units = chat.tap(months[-1], "พฤศจิกายน 2569", user)
    return chat.tap(units[-1], unit_label, user)


@pytest.fixture
def client(app):
    return app.test_client()


def test_lao_official_gets_attendance_report_links_and_chart(chat, world, client, session):  # noqa: F811
    answer = ask_report(chat, "Ulao", "รายงานการมาเรียน", "รายงานรวม อปท.")
    got = links(answer)
    assert set(got) == {"xlsx", "pdf", "png"}
    reply = client.get(got["xlsx"])
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "รายงานการมาเรียน" and UNIT_NAMES["L001"] in rows[1][0]
    # 17 school days from 2 to 24 Nov 2569 × 2 centres; K0001 expects 4 (3 on the 23rd–24th: sick leave), K0002 1.
    assert len(rows) == 3 + 34 + 1
    assert rows[-1][:6] == ("รวม", None, 17 * 5 - 2, 2, 2, 17 * 5 - 4)
    chart = client.get(got["png"])
    assert chart.status_code == 200 and Image.open(io.BytesIO(chart.data)).size == (1000, 520)
    assert session.scalar(select(AuditLog).where(AuditLog.action == "report.link")).subject == "attendance:lao:L001"


def test_pdf_report_embeds_sarabun_and_reads_back_as_thai(chat, world, client):  # noqa: F811
    from pypdf import PdfReader

    got = links(ask_report(chat, "Ulao", "รายงานการมาเรียน", "รายงานรวม อปท."))
    pdf = client.get(got["pdf"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.data))
    fonts = {f["/BaseFont"] for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("Sarabun" in name for name in fonts)
    page = reader.pages[0].extract_text()
    assert "รายงานการมาเรียน" in page and "พฤศจิกายน 2569" in page


def test_district_official_drills_to_a_centre_for_its_lunch_log(chat, world, client):  # noqa: F811
    first = chat.text("Ud1", "รายงาน")
    months = chat.tap(first[-1], "บันทึกอาหารกลางวัน", "Ud1")
    laos = chat.tap(months[-1], "พฤศจิกายน 2569", "Ud1")
    assert quick_labels(laos[-1]) == ["อบต.ภูมิพันธ์", "ทต.หนองเรือทดสอบ"]
    centres = chat.tap(laos[-1], "อบต.ภูมิพันธ์", "Ud1")
    centre = chat.tap(centres[-1], "ศพด.บ้านชาญชัย", "Ud1")
    answer = chat.tap(centre[-1], "รายงานศูนย์นี้", "Ud1")
    assert not [m for m in answer if m["type"] == "image"]  # the chart is for attendance
    sheet = load_workbook(io.BytesIO(client.get(links(answer)["xlsx"]).data)).active
    assert ("24 พ.ย. 2569", UNIT_NAMES["K0001"], "ข้าวมันไก่ แตงโม", 1, "11:00") in list(sheet.iter_rows(values_only=True))


def test_alert_log_names_children_by_code_only(chat, world, client):  # noqa: F811
    answer = ask_report(chat, "Ulao", "บันทึกการแจ้งเตือน", "รายงานรวม อปท.")
    rows = list(load_workbook(io.BytesIO(client.get(links(answer)["xlsx"]).data)).active.iter_rows(values_only=True))
    alert = next(r for r in rows if r[0] == "24 พ.ย. 2569")
    assert alert[-1] == "C000001" and alert[6] == "หัวหน้าวิไล" and "ภูริ" not in str(rows)


def test_tampered_widened_or_expired_links_are_refused(chat, world, client, clock, rt):  # noqa: F811
    got = links(ask_report(chat, "Ulao", "รายงานการมาเรียน", "รายงานรวม อปท."))
    path, query = got["xlsx"].split("?")
    assert client.get(f"{path.replace('L001', 'L003')}?{query}").status_code == 403
    assert client.get(f"{path.replace('/lao/L001', '/province/P39')}?{query}").status_code == 403
    assert client.get(f"{path}?{query[:-1]}0").status_code == 403
    assert client.get(path).status_code == 403
    clock.advance(hours=rt.cfg.LINK_HOURS + 1)
    assert client.get(got["xlsx"]).status_code == 403


def test_signed_link_to_nonsense_is_not_found(client, rt, world):  # noqa: F811
    for kind, ext in (("bogus", "xlsx"), ("chart", "xlsx"), ("attendance", "png")):
        path = report_path(kind, "lao", "L001", date(2026, 11, 1), ext)
        assert client.get(urlsplit(signed_url(rt.cfg, path, rt.now())).path + "?" +
                          urlsplit(signed_url(rt.cfg, path, rt.now())).query).status_code == 404
    bad_month = "/reports/attendance/lao/L001/2026-13.xlsx"
    url = urlsplit(signed_url(rt.cfg, bad_month, rt.now()))
    assert client.get(f"{url.path}?{url.query}").status_code == 404


def test_forged_report_postback_for_another_lao_is_refused(chat, world, session):  # noqa: F811
    answer = chat.postback("Ulao3", OFFICIAL_REPORT.data(k="attendance", m="2026-11", l="lao", u="L001", go="1"))
    assert "นอกขอบเขต" in texts(answer) and "/reports/" not in texts(answer)
    assert session.scalar(select(AuditLog).where(AuditLog.action == "officials.refused")).actor == "Ulao3"


def test_empty_month_still_makes_a_report(chat, world, client):  # noqa: F811
    answer = chat.postback("Ulao3", OFFICIAL_REPORT.data(k="lunch", m="2026-09", l="lao", u="L003", go="1"))
    reply = client.get(links(answer)["pdf"])
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF")
