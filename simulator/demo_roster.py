"""The demo roster: invented but plausible Nong Bua Lam Phu centres and children, in the roster import format.

    python -m simulator.demo_roster OUT.csv [--centres 3] [--children 20] [--seed 7] [--today YYYY-MM-DD]
"""
from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

from domain.roster import COLUMNS, years_before

PROVINCE = ("P39", "หนองบัวลำภู")
# district code, name, and some of its sub-districts (ตำบล), which name LAOs and addresses
DISTRICTS = (
    ("D01", "เมืองหนองบัวลำภู", "หนองบัว หนองภัยศูนย์ โพธิ์ชัย หนองสวรรค์ หัวนา บ้านขาม นามะเฟือง โนนขมิ้น ลำภู นาคำไฮ"),
    ("D02", "นากลาง", "นากลาง ด่านช้าง กุดดินจี่ ฝั่งแดง เก่ากลอย โนนเมือง อุทัยสวรรค์ ดงสวรรค์ กุดแห่"),
    ("D03", "โนนสัง", "โนนสัง บ้านถิ่น หนองเรือ กุดดู่ บ้านค้อ โคกใหญ่ โคกม่วง นิคมพัฒนา ปางกู่"),
    ("D04", "ศรีบุญเรือง", "เมืองใหม่ ศรีบุญเรือง หนองบัวใต้ กุดสะเทียน นากอก โนนสะอาด ยางหล่อ โนนม่วง ทรายทอง"),
    ("D05", "สุวรรณคูหา", "สุวรรณคูหา นาสี บ้านโคก ดงมะไฟ นาด่าน นาดี กุดผึ้ง บุญทัน"),
    ("D06", "นาวัง", "นาเหล่า นาแก วังทอง วังปลาป้อม เทพคีรี"),
)
VILLAGES = ("โนนสว่าง หนองแวง โคกสูง ดอนหัน นาคำ หนองหญ้าปล้อง ห้วยบง โนนทอง ป่าหวาย หนองแสง "
            "โคกกลาง ดงเย็น นาเจริญ หนองตานา ซำภูทอง โนนรัง หินฮาว ห้วยเดื่อ").split()
BOYS = ("ภูริ วีรภัทร ธนากร ณัฐวุฒิ กิตติพัฒน์ พีรพล ศุภกร ชยพล ภาคิน ธนภัทร จิรายุ กวิน ปกรณ์ "
        "ศิวกร เตชินท์ นภัสกร พงศกร ธนวัฒน์ ชนาธิป กฤตภาส").split()
GIRLS = ("อรอุมา ปวีณา ณัฐธิดา กัญญาณัฐ พิมพ์ชนก ชนัญชิดา ธัญชนก ภัทรนันท์ วรัญญา กนกพร ขวัญข้าว "
         "ณิชาภัทร ลลิตา สุพิชชา อัญชิสา ปาณิสรา ชญาดา รินรดา เบญญาภา อภิชญา").split()
BOY_NICKNAMES = "ต้นกล้า ภูผา ขิง ตะวัน เพชร บีม ก้อง ภูมิ ไผ่ ต้นข้าว โชกุน นนท์ อิ่ม ข้าวกล้า".split()
GIRL_NICKNAMES = "ใบเตย มะปราง ข้าวหอม น้ำฝน ฟ้าใส ดาว แพรวา มะลิ ส้มโอ ไอติม ปลื้ม พอใจ ขวัญ ใบบัว".split()
MEN = "ประเสริฐ บุญเลิศ สมศักดิ์ ทองใบ อำนาจ สมพร คำพันธ์ บุญมี สุริยา วิชัย ทองสุข เสถียร".split()
WOMEN = "สุดารัตน์ มาลี วิไลวรรณ จันทร์เพ็ญ ราตรี บุญเรือน คำปุ่น สมจิตร นงลักษณ์ อรทัย ละเอียด ทองม้วน".split()
SURNAMES = ("ศรีสุข ใจดี มั่นคง ทองดี บุญมา แก้วมณี พรหมวงศ์ สุขสวัสดิ์ โนนสะอาด ภูมิพันธ์ จันทร์หอม วงศ์ษา "
            "บุตรดี ผาดำ แสงทอง คำแก้ว ศรีภูมิ พลเยี่ยม ชาญชัย ทองคำ สายบุญ นาคสวัสดิ์ ปัญญาดี บัวลา "
            "พิมพ์ดี ศรีวิเศษ โพธิ์ศรี").split()
# relation → (weight, is a man, shares the child's surname)
RELATIONS = {"แม่": (30, False, True), "พ่อ": (12, True, True), "ยาย": (22, False, False),
             "ตา": (8, True, False), "ย่า": (18, False, True), "ปู่": (10, True, True)}
CONDITIONS = ("",) * 12 + ("หอบหืด", "ภูมิแพ้", "ลมชัก", "ธาลัสซีเมีย", "พร่องเอนไซม์ G6PD")
ALLERGIES = ("",) * 12 + ("ไข่", "นม", "กุ้ง", "ถั่วลิสง", "ไข่, กุ้ง", "ยาเพนิซิลลิน")
CENTRES_PER_LAO = 2
CHILDREN_PER_VAN = 12


def generate(path, centres: int = 3, children_per_centre: int = 20, seed: int = 7,
             today: date | None = None) -> Path:
    """Write a deterministic demo roster CSV (same seed and today → same file) and return its path."""
    path = Path(path)
    rng = random.Random(seed)
    today = today or date.today()
    rows, next_child = [], 1
    for index in range(centres):
        centre = _centre(rng, index)
        children = _children(rng, centre, children_per_centre, next_child, today)
        rows += children
        next_child += len(children)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _centre(rng: random.Random, index: int) -> dict[str, str]:
    """The organisation columns of the index-th centre: LAOs of two centres, spread over the districts."""
    lao = index // CENTRES_PER_LAO
    district_code, district_name, tambons = DISTRICTS[lao % len(DISTRICTS)]
    tambon_names = tambons.split()
    tambon = tambon_names[(lao // len(DISTRICTS)) % len(tambon_names)]
    # the LAO's kind must not depend on which of its centres asks, so seed it from the LAO number
    kind = "เทศบาลตำบล" if random.Random(lao).random() < 0.35 else "องค์การบริหารส่วนตำบล"
    return {
        "province_code": PROVINCE[0], "province_name": PROVINCE[1],
        "district_code": district_code, "district_name": district_name,
        "lao_code": f"L{lao + 1:03d}", "lao_name": f"{kind}{tambon}",
        "centre_code": f"K{index + 1:04d}",
        "centre_name": f"ศูนย์พัฒนาเด็กเล็กบ้าน{VILLAGES[index % len(VILLAGES)]}",
        "tambon": tambon,
    }


def _children(rng: random.Random, centre: dict[str, str], count: int, first: int, today: date) -> list[dict]:
    """The centre's children; a few are siblings sharing a guardian, ~30 % ride the centre's vans."""
    siblings = set(rng.sample(range(1, count), max(1, count // 10))) if count > 1 else set()
    vans = 1 + count // (CHILDREN_PER_VAN * 3)
    rows: list[dict] = []
    for j in range(count):
        row = _child(rng, centre, first + j, today)
        if j in siblings:
            _make_sibling(row, rng.choice(rows))
        elif rng.random() < 0.3:
            row.update(rides_van="yes", van_code=f"{centre['centre_code']}-V{j % vans + 1}")
        rows.append(row)
    return rows


def _child(rng: random.Random, centre: dict[str, str], number: int, today: date) -> dict[str, str]:
    """One child aged 2–5 with a guardian, an address, and sometimes a condition or an allergy."""
    boy = rng.random() < 0.5
    born = today - timedelta(days=rng.randint(2 * 365 + 1, 6 * 365 - 30))
    surname = rng.choice(SURNAMES)
    relation = rng.choices(list(RELATIONS), weights=[weight for weight, _, _ in RELATIONS.values()])[0]
    _, man, same_surname = RELATIONS[relation]
    guardian_surname = surname if same_surname and rng.random() < 0.85 else rng.choice(SURNAMES)
    return {
        **{key: value for key, value in centre.items() if key != "tambon"},
        "classroom": "อนุบาล 2 ขวบ" if born > years_before(today, 3) else "อนุบาล 3-5 ขวบ",
        "child_code": f"C{number:06d}", "title": "ด.ช." if boy else "ด.ญ.",
        "first_name": rng.choice(BOYS if boy else GIRLS), "last_name": surname,
        "nickname": rng.choice(BOY_NICKNAMES if boy else GIRL_NICKNAMES), "sex": "M" if boy else "F",
        "birth_date": born.isoformat(),
        "guardian_name": f"{rng.choice(MEN if man else WOMEN)} {guardian_surname}",
        "guardian_relation": relation,
        "guardian_phone": f"{rng.choice(('08', '09', '06'))}{rng.randint(0, 99_999_999):08d}",
        "address": f"{rng.randint(1, 250)} หมู่ {rng.randint(1, 15)} ต.{centre['tambon']}",
        "chronic_conditions": rng.choice(CONDITIONS), "allergies": rng.choice(ALLERGIES),
        "rides_van": "no", "van_code": "",
    }


def _make_sibling(row: dict[str, str], elder: dict[str, str]) -> None:
    """Give the child the family of an earlier child: surname, guardian, home and van."""
    for key in ("last_name", "guardian_name", "guardian_relation", "guardian_phone", "address", "rides_van",
                "van_code"):
        row[key] = elder[key]


def main(argv: list[str] | None = None) -> None:
    """Command line: write the demo roster to OUT.csv."""
    parser = argparse.ArgumentParser(prog="python -m simulator.demo_roster", description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the CSV file to write")
    parser.add_argument("--centres", type=int, default=3)
    parser.add_argument("--children", type=int, default=20, help="children per centre")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    print(generate(args.out, args.centres, args.children, args.seed, args.today))


if __name__ == "__main__":
    main()
