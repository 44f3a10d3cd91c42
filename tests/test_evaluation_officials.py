"""Officials see the evaluation across their scope: groups and stars, a centre's indicators, the reports."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot.actions import EVALUATION_CENTRE
from handlers.officials import OUT_OF_SCOPE
from tests.support import quick_labels, texts
from tests.support.officials import UNIT_NAMES, flex
from tests.test_reports import links


def bubbles(message: dict) -> list[dict]:
    return message["contents"]["contents"]


def test_district_official_sees_groups_and_stars_and_drills_to_a_centres_indicators(chat, world):  # noqa: F811
    answer = flex(chat.text("Ud1", "ผลประเมิน"))
    summary, *units = bubbles(answer)
    body = json.dumps(summary, ensure_ascii=False)
    assert "กลุ่ม 3" in body and "3 ศูนย์" in body  # D01's three centres: nothing much recorded this month
    assert [b["body"]["contents"][0]["text"] for b in units] == [UNIT_NAMES["L001"], UNIT_NAMES["L002"]]
    assert UNIT_NAMES["K0004"] not in json.dumps(answer, ensure_ascii=False)
    lao = chat.postback("Ud1", units[0]["footer"]["contents"][0]["action"]["data"])
    centre = next(b for b in bubbles(flex(lao))[1:] if b["body"]["contents"][0]["text"] == UNIT_NAMES["K0001"])
    assert "ดาว: ตัวชี้วัดครบ" in json.dumps(centre, ensure_ascii=False)
    detail = texts(chat.postback("Ud1", centre["footer"]["contents"][0]["action"]["data"]))
    assert detail.count("\n") > 20 and "I01 เช็คชื่อเด็กทุกวันเรียน" in detail and "ดาว: ตัวชี้วัดครบ" in detail


def test_lao_official_cannot_open_another_laos_centre_with_a_forged_postback(chat, world):  # noqa: F811
    answer = chat.postback("Ulao3", EVALUATION_CENTRE.data(u="K0001", m="2026-11"))
    assert texts(answer).startswith(OUT_OF_SCOPE) and UNIT_NAMES["K0001"] not in texts(answer)


def test_province_official_downloads_the_area_report_and_the_evaluation_report(chat, world, app):  # noqa: F811
    client = app.test_client()
    for kind, first_cell in (("รายงานภาพรวมพื้นที่", "อปท. " + UNIT_NAMES["L001"]), ("ผลประเมินตัวชี้วัด", "K0001")):
        months = chat.tap(chat.text("Uprov", "รายงาน")[-1], kind, "Uprov")
        units = chat.tap(months[-1], "พฤศจิกายน 2569", "Uprov")
        assert quick_labels(units[-1])[0] == "รายงานรวมจังหวัด"
        got = links(chat.tap(units[-1], "รายงานรวมจังหวัด", "Uprov"))
        sheet = load_workbook(io.BytesIO(client.get(got["xlsx"]).data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == kind and rows[3][0] == first_cell and rows[-1][0] == "รวม"
        assert client.get(got["pdf"]).data.startswith(b"%PDF")


def test_teacher_downloads_her_centres_growth_and_health_reports_with_buddhist_era_dates(chat, world, app):  # noqa: F811
    client = app.test_client()
    kinds = chat.text("Uteacher", "รายงาน")
    assert quick_labels(kinds[-1]) == ["รายงานการมาเรียน", "รายงานตรวจสุขภาพ", "รายงานน้ำหนักส่วนสูง", "บันทึกอาหารกลางวัน"]
    months = chat.tap(kinds[-1], "รายงานน้ำหนักส่วนสูง", "Uteacher")
    got = links(chat.tap(months[-1], "พฤศจิกายน 2569", "Uteacher"))
    rows = list(load_workbook(io.BytesIO(client.get(got["xlsx"]).data)).active.iter_rows(values_only=True))
    measured = {r[0]: r for r in rows[3:-1]}
    assert set(measured) == {"C000001", "C000002", "C000003", "C000004"}  # K0001 only
    assert measured["C000002"][4] == "25 ต.ค. 2569" and measured["C000001"][4] == "ยังไม่ชั่งวัด"
    health = chat.tap(chat.tap(chat.text("Uteacher", "รายงาน")[-1], "รายงานตรวจสุขภาพ", "Uteacher")[-1],
                      "พฤศจิกายน 2569", "Uteacher")
    assert client.get(links(health)["pdf"]).data.startswith(b"%PDF")
