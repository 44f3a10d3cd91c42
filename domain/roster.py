"""Roster import and export: the operator's CSV/XLSX of provinces, districts, LAOs, centres and children."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.cells import defuse, restore
from models import Centre, Child, ChildGuardian, Classroom, District, Guardian, Lao, Province

COLUMNS = (
    "province_code", "province_name", "district_code", "district_name", "lao_code", "lao_name",
    "centre_code", "centre_name", "classroom", "child_code", "title", "first_name", "last_name",
    "nickname", "sex", "birth_date", "guardian_name", "guardian_relation", "guardian_phone",
    "address", "chronic_conditions", "allergies", "rides_van", "van_code",
)
REQUIRED = (
    "province_code", "province_name", "district_code", "district_name", "lao_code", "lao_name",
    "centre_code", "centre_name", "child_code", "first_name", "last_name", "sex", "birth_date",
)
# (model, level, parent level): each level's row columns are f"{level}_code" and f"{level}_name",
# and the model's relationship to its parent is named after the parent level.
LEVELS = ((Province, "province", None), (District, "district", "province"), (Lao, "lao", "district"),
          (Centre, "centre", "lao"))
SEX = {"m": "M", "f": "F", "ช": "M", "ญ": "F", "ชาย": "M", "หญิง": "F"}
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "ใช่": True,
          "no": False, "n": False, "false": False, "0": False, "ไม่": False, "ไม่ใช่": False, "": False}
CHILD_TEXT = ("title", "first_name", "last_name", "nickname", "address", "chronic_conditions", "allergies")
MAX_AGE_YEARS = 7
CHUNK = 500
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
THAI_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class RosterFileError(ValueError):
    """The roster file cannot be read at all (wrong type, missing columns, empty, not UTF-8)."""


@dataclass
class RosterReport:
    """What the operator sees after an import: child counts and every error with its row number."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    centres: int = 0
    not_in_file: int = 0

    def ok(self) -> bool:
        """True when the file had no errors (and was therefore imported)."""
        return not self.errors

    def lines(self) -> list[str]:
        """A readable report: one line per error, then a summary line."""
        out = [f"แถว {row}: {reason}" for row, reason in self.errors]
        if self.errors:
            out.append(f"ไม่ได้นำเข้าข้อมูลใด ๆ: พบข้อผิดพลาด {len(self.errors)} รายการ แก้ไฟล์แล้วนำเข้าใหม่")
            return out
        summary = (f"นำเข้าสำเร็จ {self.centres} ศูนย์: เด็กใหม่ {self.created} คน, ปรับปรุง {self.updated} คน, "
                   f"ไม่เปลี่ยนแปลง {self.unchanged} คน")
        if self.not_in_file:
            summary += f"; เด็กเดิม {self.not_in_file} คนของศูนย์เหล่านี้ไม่อยู่ในไฟล์ (ไม่ได้ลบ)"
        out.append(summary)
        return out


@dataclass
class _Entry:
    """One valid data row, normalised."""

    line: int
    raw: dict[str, str]
    child: dict[str, object]
    guardian: tuple[str, str] | None
    relation: str


# ---------------------------------------------------------------- reading

def read_rows(path) -> list[dict]:
    """Read a roster CSV or XLSX into dicts of the roster columns; rows[i] is file row i + 2, blank rows kept."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".csv":
        table = _csv_table(path)
    elif ext in (".xlsx", ".xlsm"):
        table = _xlsx_table(path)
    else:
        raise RosterFileError(f"{path.name}: ไม่รู้จักไฟล์ชนิด '{ext or 'ไม่มีนามสกุล'}' ใช้ได้เฉพาะ .csv หรือ .xlsx")
    return _to_dicts(table, path.name)


def _csv_table(path: Path) -> list[list[str]]:
    """The cells of a UTF-8 CSV (a BOM is allowed)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(f"{path.name}: อ่านไม่ได้ ไม่ใช่ไฟล์ UTF-8 (ไบต์ที่ {exc.start}) "
                              "ถ้าบันทึกจาก Excel ให้เลือกชนิด 'CSV UTF-8'") from exc
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise RosterFileError(f"{path.name}: รูปแบบ CSV เสีย ({exc})") from exc


def _xlsx_table(path: Path) -> list[list[str]]:
    """The cells of the first sheet of an XLSX workbook, as text."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise RosterFileError(f"{path.name}: เปิดไฟล์ Excel ไม่ได้ ({exc.__class__.__name__})") from exc
    try:
        return [[_cell_text(value) for value in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value) -> str:
    """An Excel cell value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_dicts(table: list[list[str]], name: str) -> list[dict]:
    """Check the header and turn the data rows into dicts keyed by the roster columns."""
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    if not table:
        raise RosterFileError(f"{name}: ไฟล์ว่าง ไม่มีหัวตารางและข้อมูล")
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise RosterFileError(f"{name}: ไม่มีคอลัมน์ {', '.join(missing)} (หัวตารางต้องเป็นชื่อคอลัมน์ตามแบบฟอร์ม)")
    if len(table) == 1:
        raise RosterFileError(f"{name}: ไฟล์ว่าง มีแต่หัวตาราง ไม่มีข้อมูลเด็ก")
    index = {column: header.index(column) for column in COLUMNS}
    return [{column: (restore(row[i].strip()) if i < len(row) else "") for column, i in index.items()}
            for row in table[1:]]


# ---------------------------------------------------------------- validation

def bangkok_today() -> date:
    """Today's date in the bot's time zone (BOT_TIMEZONE, default Asia/Bangkok)."""
    return datetime.now(ZoneInfo(os.environ.get("BOT_TIMEZONE") or "Asia/Bangkok")).date()


def parse_sex(value: str) -> str | None:
    """M or F from M/F, ช/ญ or ชาย/หญิง; None when unrecognised."""
    return SEX.get(value.strip().lower())


def parse_yes_no(value: str) -> bool | None:
    """True/False from yes/no, true/false, 1/0, ใช่/ไม่ (empty is no); None when unrecognised."""
    return YES_NO.get(value.strip().lower())


def parse_phone(value: str) -> str | None:
    """The phone's digits (spaces and dashes removed, +66 → 0); '' when empty; None when not 9–10 digits."""
    digits = re.sub(r"[\s\-]", "", value)
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    if digits and len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # Excel drops the leading zero of a mobile number stored as a number
    if digits and not (digits.isdigit() and 9 <= len(digits) <= 10):
        return None
    return digits


def parse_birth_date(value: str, today: date) -> tuple[date | None, str]:
    """A birth date from YYYY-MM-DD or Buddhist-era DD/MM/25YY, with the reason when it is not plausible."""
    hint = "ใช้รูปแบบ YYYY-MM-DD (ค.ศ.) เช่น 2022-05-31 หรือ วว/ดด/ปปปป (พ.ศ.) เช่น 31/05/2565"
    try:
        if ISO_DATE.fullmatch(value):
            born = date.fromisoformat(value)
        elif (thai := THAI_DATE.fullmatch(value)) and thai[3].startswith("25"):
            born = date(int(thai[3]) - 543, int(thai[2]), int(thai[1]))
        else:
            return None, f"อ่านวันที่ไม่ได้ {hint}"
    except ValueError:
        return None, f"ไม่มีวันที่นี้ในปฏิทิน {hint}"
    if born > today:
        if born.year > 2400:
            return None, f"ปีเป็น พ.ศ. ในรูปแบบ ค.ศ. {hint}"
        return None, "เป็นวันในอนาคต"
    if born <= years_before(today, MAX_AGE_YEARS):
        return None, f"อายุ {MAX_AGE_YEARS} ปีขึ้นไป ไม่ใช่เด็กเล็ก (ตรวจปีเกิด)"
    return born, ""


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _check_row(line: int, raw: dict[str, str], today: date) -> tuple[_Entry | None, list[str]]:
    """Validate one row; return its normalised entry, or the reasons it is wrong."""
    errors = [f"{column} ว่าง (ต้องกรอก)" for column in REQUIRED if not raw[column]]
    sex = parse_sex(raw["sex"])
    if raw["sex"] and sex is None:
        errors.append(f'sex "{raw["sex"]}" ไม่ถูกต้อง ใช้ M/F, ช/ญ หรือ ชาย/หญิง')
    born = None
    if raw["birth_date"]:
        born, reason = parse_birth_date(raw["birth_date"], today)
        if born is None:
            errors.append(f'birth_date "{raw["birth_date"]}" {reason}')
    phone = parse_phone(raw["guardian_phone"])
    if phone is None:
        errors.append(f'guardian_phone "{raw["guardian_phone"]}" ต้องเป็นตัวเลข 9–10 หลัก หรือเว้นว่าง')
    if not raw["guardian_name"] and (raw["guardian_phone"] or raw["guardian_relation"]):
        errors.append("guardian_name ว่าง แต่มี guardian_phone หรือ guardian_relation")
    rides_van = parse_yes_no(raw["rides_van"])
    if rides_van is None:
        errors.append(f'rides_van "{raw["rides_van"]}" ไม่ถูกต้อง ใช้ yes/no (หรือ ใช่/ไม่)')
    elif rides_van and not raw["van_code"]:
        errors.append("van_code ว่าง แต่ rides_van เป็น yes: ต้องระบุรหัสรถ")
    elif not rides_van and raw["van_code"]:
        errors.append(f'van_code "{raw["van_code"]}" มีค่า แต่ rides_van เป็น no: ตรวจว่าเด็กนั่งรถหรือไม่')
    if errors:
        return None, errors
    child = {column: raw[column] for column in CHILD_TEXT}
    child.update(sex=sex, birth_date=born, rides_van=rides_van, van_code=raw["van_code"], active=True)
    guardian = (raw["guardian_name"], phone) if raw["guardian_name"] else None
    return _Entry(line, raw, child, guardian, raw["guardian_relation"]), []


def _check_consistency(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, str]]:
    """Errors across rows: duplicate child codes, and a code given another name or parent than earlier."""
    errors: list[tuple[int, str]] = []
    first_child: dict[str, int] = {}
    seen: dict[str, dict[str, tuple[int, str, str]]] = {level: {} for _, level, _ in LEVELS}
    for line, raw in rows:
        code = raw["child_code"]
        if code and code in first_child:
            errors.append((line, f'child_code "{code}" ซ้ำกับแถว {first_child[code]}'))
        elif code:
            first_child[code] = line
        for _, level, parent in LEVELS:
            errors.extend((line, reason) for reason in _level_conflicts(line, raw, level, parent, seen[level]))
    return errors


def _level_conflicts(line: int, raw: dict[str, str], level: str, parent: str | None,
                     seen: dict[str, tuple[int, str, str]]) -> list[str]:
    """Reasons this row's code at one level disagrees with the first row that named it."""
    code, name = raw[f"{level}_code"], raw[f"{level}_name"]
    parent_code = raw[f"{parent}_code"] if parent else ""
    if not code:
        return []
    if code not in seen:
        seen[code] = (line, name, parent_code)
        return []
    first_line, first_name, first_parent = seen[code]
    reasons = []
    if name != first_name:
        reasons.append(f'{level}_name "{name}" ของ {level}_code "{code}" ไม่ตรงกับแถว {first_line} ("{first_name}")')
    if parent and parent_code != first_parent:
        reasons.append(f'{level}_code "{code}" อยู่ใต้ {parent}_code "{parent_code}" '
                       f'แต่แถว {first_line} ระบุ "{first_parent}"')
    return reasons


def validate_rows(rows: list[dict], today: date | None = None) -> tuple[list[_Entry], list[tuple[int, str]]]:
    """Check every row of a roster (rows[i] is file row i + 2); blank rows are skipped."""
    today = today or bangkok_today()
    numbered = [(i + 2, raw) for i, raw in enumerate(rows) if any(raw.values())]
    entries, errors = [], []
    for line, raw in numbered:
        entry, reasons = _check_row(line, raw, today)
        errors.extend((line, reason) for reason in reasons)
        if entry:
            entries.append(entry)
    errors.extend(_check_consistency(numbered))
    if not numbered:
        errors.append((2, "ไม่มีข้อมูลเด็กในไฟล์"))
    errors.sort(key=lambda error: error[0])
    return entries, errors


# ---------------------------------------------------------------- writing

def import_roster(session: Session, path, today: date | None = None) -> RosterReport:
    """Validate the whole file, then upsert it; a file with any error writes nothing. The caller commits."""
    entries, errors = validate_rows(read_rows(path), today)
    if errors:
        return RosterReport(errors=errors)
    report = RosterReport()
    with session.begin_nested(), session.no_autoflush:
        centres = _upsert_orgs(session, entries)
        session.flush()
        rooms = _upsert_classrooms(session, entries, centres)
        session.flush()
        _upsert_children(session, entries, centres, rooms, report)
        session.flush()
        report.centres = len(centres)
        report.not_in_file = _count_not_in_file(session, centres.values(), {e.raw["child_code"] for e in entries})
    return report


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Successive lists of at most `size` values (keeps IN clauses under the database's limits)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _by_code(session: Session, model, codes: Iterable[str], *options) -> dict:
    """Existing rows of `model` whose code is in `codes`, keyed by code."""
    found = {}
    for chunk in _chunks(set(codes)):
        for obj in session.scalars(select(model).where(model.code.in_(chunk)).options(*options)):
            found[obj.code] = obj
    return found


def _upsert_orgs(session: Session, entries: list[_Entry]) -> dict[str, Centre]:
    """Create or update every province, district, LAO and centre of the file; return the centres by code."""
    parents: dict = {}
    for model, level, parent in LEVELS:
        wanted = {e.raw[f"{level}_code"]: e.raw for e in entries}
        existing = _by_code(session, model, wanted)
        for code, raw in wanted.items():
            obj = existing.get(code)
            if obj is None:
                obj = existing[code] = model(code=code)
                session.add(obj)
            obj.name = raw[f"{level}_name"]
            if parent:
                setattr(obj, parent, parents[raw[f"{parent}_code"]])
        parents = existing
    return parents


def _upsert_classrooms(session: Session, entries: list[_Entry],
                       centres: dict[str, Centre]) -> dict[tuple[int, str], Classroom]:
    """Create the classrooms named in the file; return every classroom of those centres by (centre id, name)."""
    ids = [centre.id for centre in centres.values()]
    rooms = {}
    for chunk in _chunks(ids):
        for room in session.scalars(select(Classroom).where(Classroom.centre_id.in_(chunk))):
            rooms[(room.centre_id, room.name)] = room
    for entry in entries:
        key = (centres[entry.raw["centre_code"]].id, entry.raw["classroom"])
        if entry.raw["classroom"] and key not in rooms:
            rooms[key] = Classroom(centre_id=key[0], name=key[1])
            session.add(rooms[key])
    return rooms


def _load_guardians(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Guardian]:
    """Existing guardians matching the file's (name, phone) pairs; phone is indexed, name is not."""
    found = {}
    phones = {phone for _, phone in keys if phone}
    names_without_phone = {name for name, phone in keys if not phone}
    queries = [select(Guardian).where(Guardian.phone.in_(chunk)) for chunk in _chunks(phones)]
    queries += [select(Guardian).where(Guardian.phone == "", Guardian.name.in_(chunk))
                for chunk in _chunks(names_without_phone)]
    for query in queries:
        for guardian in session.scalars(query.order_by(Guardian.id)):
            found.setdefault((guardian.name, guardian.phone), guardian)
    return found


def _upsert_children(session: Session, entries: list[_Entry], centres: dict[str, Centre],
                     rooms: dict[tuple[int, str], Classroom], report: RosterReport) -> None:
    """Create or update each child and its guardian link, counting created, updated and unchanged."""
    links = selectinload(Child.guardian_links).selectinload(ChildGuardian.guardian)
    children = _by_code(session, Child, (e.raw["child_code"] for e in entries), links)
    guardians = _load_guardians(session, {e.guardian for e in entries if e.guardian})
    for entry in entries:
        centre = centres[entry.raw["centre_code"]]
        room = rooms.get((centre.id, entry.raw["classroom"]))
        values = dict(entry.child, centre_id=centre.id, classroom_id=room.id if room else None)
        child = children.get(entry.raw["child_code"])
        if child is None:
            child = Child(code=entry.raw["child_code"], **values)
            session.add(child)
            _link_guardian(child, _guardian(session, guardians, entry.guardian), entry.relation)
            report.created += 1
            continue
        changed = _apply(child, values)
        if entry.guardian:
            changed |= _link_guardian(child, _guardian(session, guardians, entry.guardian), entry.relation)
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1


def _apply(child: Child, values: dict[str, object]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(child, name) != value:
            setattr(child, name, value)
            changed = True
    return changed


def _guardian(session: Session, guardians: dict, key: tuple[str, str] | None) -> Guardian | None:
    """The guardian with this (name, phone), created on first use so siblings share one row."""
    if key is None:
        return None
    if key not in guardians:
        guardians[key] = Guardian(name=key[0], phone=key[1])
        session.add(guardians[key])
    return guardians[key]


def _link_guardian(child: Child, guardian: Guardian | None, relation: str) -> bool:
    """Make `guardian` the child's roster guardian; links of LINE-linked guardians stay. True if anything changed."""
    if guardian is None:
        return False
    changed, linked = False, False
    for link in list(child.guardian_links):
        if link.guardian is guardian:
            linked = True
            if link.relation != relation:
                link.relation, changed = relation, True
        elif link.guardian.line_user_id is None:
            # a previous roster guardian this file replaces (e.g. a new phone number)
            child.guardian_links.remove(link)
            changed = True
    if not linked:
        child.guardian_links.append(ChildGuardian(guardian=guardian, relation=relation))
        changed = True
    return changed


def _count_not_in_file(session: Session, centres: Iterable[Centre], codes: set[str]) -> int:
    """How many active children of these centres the file did not list."""
    missing = 0
    for chunk in _chunks(centre.id for centre in centres):
        query = select(Child.code).where(Child.centre_id.in_(chunk), Child.active.is_(True))
        missing += sum(1 for code in session.scalars(query) if code not in codes)
    return missing


# ---------------------------------------------------------------- export

def export_children(session: Session, centre_code: str, fmt: str, qr_payload: Callable[[Child], str]) -> str:
    """The centre's active children by child_code, in the roster's columns plus qr_payload, as JSON or CSV."""
    if fmt not in ("json", "csv"):
        raise ValueError(f"รูปแบบ '{fmt}' ไม่รองรับ ใช้ json หรือ csv")
    centre = session.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        raise LookupError(f"ไม่พบศูนย์รหัส '{centre_code}' (centre_code not found)")
    query = (select(Child).where(Child.centre_id == centre.id, Child.active.is_(True)).order_by(Child.code)
             .options(selectinload(Child.classroom),
                      selectinload(Child.guardian_links).selectinload(ChildGuardian.guardian)))
    records = [_export_record(centre, child, qr_payload(child)) for child in session.scalars(query)]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "qr_payload"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: defuse(value) for column, value in record.items()} for record in records)
    return out.getvalue()


def _export_record(centre: Centre, child: Child, qr: str) -> dict[str, str]:
    """One child as a roster row (re-importable) plus its QR payload."""
    lao = centre.lao
    district = lao.district
    link = min(child.guardian_links, key=lambda item: item.id, default=None)
    record = {
        "province_code": district.province.code, "province_name": district.province.name,
        "district_code": district.code, "district_name": district.name,
        "lao_code": lao.code, "lao_name": lao.name, "centre_code": centre.code, "centre_name": centre.name,
        "classroom": child.classroom.name if child.classroom else "", "child_code": child.code,
        **{column: getattr(child, column) or "" for column in CHILD_TEXT},
        "sex": child.sex, "birth_date": child.birth_date.isoformat(),
        "guardian_name": link.guardian.name if link else "", "guardian_relation": link.relation if link else "",
        "guardian_phone": link.guardian.phone if link else "",
        "rides_van": "yes" if child.rides_van else "no", "van_code": child.van_code or "",
        "qr_payload": qr,
    }
    return {column: record[column] for column in [*COLUMNS, "qr_payload"]}
