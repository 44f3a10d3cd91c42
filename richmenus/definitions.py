"""The rich menus as data: per menu group its theme, chat-bar text and tabs; per tab its buttons.

A button is (text, icon[, drawn label]): tapping it sends `text` as the user's message (other handlers
answer these texts). A group with more than one tab becomes one LINE rich menu per tab, named
"<group>-<tab>"; its tab bar switches tabs through rich menu aliases of the same names, and holds
"ช่วยเหลือ" so help is one tap away on every tab. The first tab is the one linked to the user.
"guest" is the default menu: what people see before they register.
"""
from __future__ import annotations

HELP = "ช่วยเหลือ"

THEMES = {  # one colour theme per role group: dark background, light buttons, high contrast text
    "guest": {"bg": "#37474F", "button": "#ECEFF1", "ink": "#263238", "accent": "#455A64", "tab": "#546E7A"},
    "staff": {"bg": "#1B5E20", "button": "#F1F8E9", "ink": "#1B3A1D", "accent": "#2E7D32", "tab": "#43A047"},
    "driver": {"bg": "#E65100", "button": "#FFF3E0", "ink": "#4E2600", "accent": "#EF6C00", "tab": "#FB8C00"},
    "parent": {"bg": "#AD1457", "button": "#FCE4EC", "ink": "#4A0A26", "accent": "#C2185B", "tab": "#D81B60"},
    "official": {"bg": "#0D47A1", "button": "#E3F2FD", "ink": "#0A2A5C", "accent": "#1565C0", "tab": "#1E88E5"},
}

DAILY = [("เช็คชื่อ", "check"), ("ยังไม่มา", "missing"), ("ตรวจสุขภาพ", "health"),
         ("อาหารกลางวัน", "lunch"), ("กิจกรรม", "activity"), ("รับกลับบ้าน", "home")]
CENTRE_TOOLS = [("บัตร QR", "qr"), ("รหัสผู้ปกครอง", "key"), ("เชื่อมกลุ่มผู้ปกครอง", "group", "เชื่อมกลุ่ม\nผู้ปกครอง")]

MENUS = {
    "guest": {"theme": "guest", "chat_bar": "เริ่มต้นใช้งาน", "tabs": [
        {"key": "", "title": "", "buttons": [("วิธีลงทะเบียน", "key"), (HELP, "help")]}]},
    "teacher": {"theme": "staff", "chat_bar": "เมนูครู", "tabs": [
        {"key": "daily", "title": "บันทึกประจำวัน", "buttons": DAILY},
        {"key": "more", "title": "อื่น ๆ", "buttons": [*CENTRE_TOOLS, ("รายงาน", "report")]}]},
    "head": {"theme": "staff", "chat_bar": "เมนูหัวหน้า", "tabs": [
        {"key": "daily", "title": "บันทึกประจำวัน", "buttons": DAILY},
        {"key": "centre", "title": "งานหัวหน้าศูนย์", "buttons": [
            ("ภาพรวมวันนี้", "chart"), ("รายงาน", "report"), ("ตั้งค่าศูนย์", "gear"), *CENTRE_TOOLS]}]},
    "driver": {"theme": "driver", "chat_bar": "เมนูคนขับรถ", "tabs": [
        {"key": "", "title": "", "buttons": [("ขึ้นรถ", "van"), ("ถึงศูนย์แล้ว", "home"), ("รถว่างแล้ว", "van_empty"),
                                             (HELP, "help")]}]},
    "parent": {"theme": "parent", "chat_bar": "เมนูผู้ปกครอง", "tabs": [
        {"key": "", "title": "", "buttons": [
            ("ลูกมาถึงหรือยัง", "check", "ลูกมาถึง\nหรือยัง"), ("วันนี้กินอะไร", "lunch"),
            ("กิจกรรมวันนี้", "activity"), ("แจ้งลา", "calendar"),
            ("ความยินยอมรูปภาพ", "camera", "ความยินยอม\nรูปภาพ"), (HELP, "help")]}]},
    "official": {"theme": "official", "chat_bar": "เมนูผู้บริหาร", "tabs": [
        {"key": "today", "title": "วันนี้", "buttons": [
            ("ภาพรวมวันนี้", "chart"), ("ศูนย์ที่ยังไม่บันทึก", "missing", "ศูนย์ที่\nยังไม่บันทึก"),
            ("อาหารกลางวันวันนี้", "lunch", "อาหารกลางวัน\nวันนี้"),
            ("การแจ้งเตือนวันนี้", "bell", "การแจ้งเตือน\nวันนี้")]},
        {"key": "data", "title": "ข้อมูลและรายงาน", "buttons": [
            ("ข้อมูลเด็ก", "child"), ("ข้อมูลครู", "teacher"), ("รายงาน", "report"), ("ผลประเมิน", "star"),
            ("แบบสอบถาม", "speech")]}]},
}

ROLE_MENU = {"teacher": "teacher", "head": "head", "driver": "driver", "parent": "parent",
             "lao": "official", "district": "official", "province": "official"}
DEFAULT_MENU = "guest"


def menu_name(group: str, tab_key: str) -> str:
    """The rich menu's name (also its alias id): "<group>-<tab>", or the group for a one-tab menu."""
    return f"{group}-{tab_key}" if tab_key else group


def menu_for(role: str | None, menus: dict = MENUS) -> str | None:
    """The name of the menu to link for a role (its group's first tab); None for no role."""
    group = ROLE_MENU.get(role or "")
    return menu_name(group, menus[group]["tabs"][0]["key"]) if group else None


def role_texts(role: str, menus: dict = MENUS) -> list[str]:
    """Every message text a role's menus can send, in menu order."""
    group = menus[ROLE_MENU[role]]
    texts = [button[0] for tab in group["tabs"] for button in tab["buttons"]]
    return list(dict.fromkeys(texts + ([HELP] if len(group["tabs"]) > 1 else [])))
