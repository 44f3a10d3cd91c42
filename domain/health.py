"""The arrival health check: the structured Thai checklist and what a temperature means."""
from __future__ import annotations

# (code, label on the button ≤ 20 chars, what the record says)
CHECKLIST = (
    ("fever", "มีไข้", "มีไข้"),
    ("cold", "น้ำมูก/ไอ", "มีน้ำมูกหรือไอ"),
    ("red_eyes", "ตาแดง", "ตาแดง"),
    ("hfmd", "แผลปาก/ผื่นมือเท้า", "แผลในปากและผื่นที่มือ/เท้า (สงสัยมือเท้าปาก)"),
    ("skin", "ผื่น/แผล/ฟกช้ำ", "ผื่น แผล หรือรอยฟกช้ำ"),
    ("lice", "เหา", "มีเหา"),
    ("nails", "เล็บยาว/สกปรก", "เล็บยาวหรือสกปรก"),
    ("teeth", "ฟัน", "ปัญหาฟัน"),
    ("mood", "อารมณ์/ซึม", "อารมณ์ไม่ดีหรือซึม"),
    ("note", "บันทึกอื่น ๆ", "หมายเหตุ"),
)
LABEL = {code: label for code, label, _ in CHECKLIST}
WORDING = {code: words for code, _, words in CHECKLIST}
FEVER_AT = 37.5
PLAUSIBLE = (34.0, 43.0)
SEND_HOME_SUGGESTED = {"fever", "hfmd", "red_eyes"}


def describe(items: list[dict], temperature: float | None, note: str = "") -> str:
    """One line a teacher (or the child's own guardian) reads: 'มีไข้ 38.2°C, ตาแดง'."""
    parts = []
    for item in items:
        code = item.get("code")
        if code == "fever" and temperature is not None:
            parts.append(f"มีไข้ {temperature:.1f}°C")
        elif code == "note":
            continue
        else:
            parts.append(WORDING.get(code, code))
    if note:
        parts.append(f"หมายเหตุ: {note}")
    return ", ".join(parts) or "ปกติ"


def parse_temperature(value: str) -> float | None:
    """A body temperature in °C typed by a teacher ('38.2', '38,2'); None when not plausible."""
    try:
        temp = float(value.replace(",", ".").removesuffix("°C").removesuffix("c").strip())
    except ValueError:
        return None
    return temp if PLAUSIBLE[0] <= temp <= PLAUSIBLE[1] else None
