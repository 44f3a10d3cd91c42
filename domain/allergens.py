"""Food allergens as maintained data, and matching a day's dishes against the children's recorded allergies.

Each allergen has `names` (how a roster's allergy text mentions it), `keywords` (what in a dish's name means
it is in the dish) and `not_it` (longer words that contain a keyword but are something else: ขนม is not นม).
Edit the table, not the code. An allergy text naming something not in the table (แพ้มะม่วง) is matched
as written, so nothing a roster records is silently ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ALLERGENS: dict[str, dict[str, tuple[str, ...]]] = {
    "ไข่": {"names": ("ไข่",),
            "keywords": ("ไข่", "มายองเนส", "สลัดโรล", "ขนมปังสังขยา", "สังขยา", "ฝอยทอง", "ทองหยิบ",
                         "ทองหยอด", "เค้ก", "คัสตาร์ด")},
    "นม": {"names": ("นม", "แลคโตส", "แล็กโทส"),
           "keywords": ("นม", "เนย", "ชีส", "โยเกิร์ต", "ไอศกรีม", "ไอติม", "คัสตาร์ด", "ครีม"),
           "not_it": ("ขนม", "นมถั่วเหลือง", "นมข้าว", "นมอัลมอนด์", "ครีมมะพร้าว")},
    "กุ้ง": {"names": ("กุ้ง", "อาหารทะเล", "สัตว์น้ำมีเปลือก"),
             "keywords": ("กุ้ง", "กะปิ", "น้ำพริกกะปิ", "ทอดมันกุ้ง", "ต้มยำ")},
    "ปู": {"names": ("ปู", "อาหารทะเล", "สัตว์น้ำมีเปลือก"),
           "keywords": ("ปู", "ปูอัด", "ผัดผงกะหรี่"), "not_it": ("ปูเลย",)},
    "หมึก": {"names": ("หมึก", "อาหารทะเล"), "keywords": ("หมึก",)},
    "หอย": {"names": ("หอย", "อาหารทะเล", "สัตว์น้ำมีเปลือก"), "keywords": ("หอย", "น้ำมันหอย")},
    "ปลา": {"names": ("ปลา", "อาหารทะเล"),
            "keywords": ("ปลา", "น้ำปลา", "ปลาร้า", "ทอดมัน", "ลูกชิ้นปลา", "ทูน่า", "แซลมอน")},
    "ถั่วลิสง": {"names": ("ถั่วลิสง", "ถั่ว"),
                 "keywords": ("ถั่วลิสง", "ถั่ว", "สะเต๊ะ", "ผัดไทย", "ส้มตำไทย", "มัสมั่น"),
                 "not_it": ("ถั่วเหลือง", "ถั่วงอก", "ถั่วฝักยาว", "ถั่วแขก", "ถั่วลันเตา")},
    "ถั่วเปลือกแข็ง": {"names": ("ถั่วเปลือกแข็ง", "อัลมอนด์", "วอลนัท", "เม็ดมะม่วง"),
                       "keywords": ("อัลมอนด์", "วอลนัท", "เม็ดมะม่วงหิมพานต์", "เม็ดมะม่วง", "พิสตาชิโอ",
                                    "แมคคาเดเมีย")},
    "ถั่วเหลือง": {"names": ("ถั่วเหลือง",),
                   "keywords": ("ถั่วเหลือง", "เต้าหู้", "ฟองเต้าหู้", "นมถั่วเหลือง", "น้ำเต้าหู้", "เต้าเจี้ยว",
                                "ซีอิ๊ว", "โชยุ", "มิโซะ", "เทมเป้")},
    "แป้งสาลี": {"names": ("แป้งสาลี", "ข้าวสาลี", "กลูเตน", "กลูเต็น"),
                 "keywords": ("แป้งสาลี", "ขนมปัง", "บะหมี่", "มาม่า", "สปาเกตตี", "สปาเก็ตตี้", "มักกะโรนี",
                              "พาสต้า", "ปาท่องโก๋", "โรตี", "เกี๊ยว", "ซาลาเปา", "แพนเค้ก", "เค้ก", "คุกกี้",
                              "ขนมปังกรอบ", "ชุบแป้งทอด", "ซีอิ๊ว", "ซอสหอยนางรม")},
}
_NONE = re.compile(r"^\s*(-|ไม่มี|ไม่แพ้|ไม่ทราบ|ปฏิเสธ)?\s*$")
_SPLIT = re.compile(r"[\s,、/;:()]+|และ|หรือ")
_VERB = re.compile(r"^(แพ้อาหาร|แพ้|อาหาร)")


@dataclass(frozen=True)
class Conflict:
    """One dish that may contain something one child is allergic to."""

    dish: str
    allergen: str
    child_id: int


def _mentions(text: str, keyword: str, not_it: tuple[str, ...]) -> bool:
    """Whether `keyword` occurs in `text` outside the longer words that only look like it."""
    for word in sorted(not_it, key=len, reverse=True):
        text = text.replace(word, " ")
    return keyword in text


def child_allergens(allergy_text: str) -> dict[str, tuple[str, ...]]:
    """The allergens an allergy note names → the keywords to look for in dishes (unknown names as written)."""
    note = (allergy_text or "").strip()
    if _NONE.match(note):
        return {}
    found = {name: spec["keywords"] for name, spec in ALLERGENS.items()
             if any(_mentions(note, n, spec.get("not_it", ())) for n in spec["names"])}
    known = {n for spec in ALLERGENS.values() for n in spec["names"]}
    for raw in _SPLIT.split(note):
        word = _VERB.sub("", raw.strip())
        if len(word) >= 2 and not any(k in raw for k in known) and not _NONE.match(word):
            found[word] = (word,)
    return found


def dish_conflicts(dishes: list[str], children: list[tuple[int, str]]) -> list[Conflict]:
    """Every (dish, allergen, child) where a dish mentions a keyword of an allergen the child's note names."""
    conflicts = []
    for child_id, note in children:
        for allergen, keywords in child_allergens(note).items():
            not_it = ALLERGENS.get(allergen, {}).get("not_it", ())
            for dish in dishes:
                if any(_mentions(dish, k, not_it) for k in keywords):
                    conflicts.append(Conflict(dish, allergen, child_id))
    return conflicts


_BULLET = re.compile(r"^\s*(?:[-•*·]|\d+[.)])\s*")
_LEAD = re.compile(r"^\s*(?:เมนู(?:อาหาร)?(?:กลางวัน)?(?:วันนี้)?|อาหารกลางวัน(?:วันนี้)?)\s*[:：]?\s*")


def parse_menu(text: str) -> list[str]:
    """Dishes from the teacher's free text: one per line, or separated by commas/+ (the lead word dropped)."""
    body = _LEAD.sub("", text.strip(), count=1)
    dishes = []
    for line in re.split(r"[\n,，+]", body):
        dish = _BULLET.sub("", line).strip()
        if dish:
            dishes.append(dish)
    return dishes
