"""Tests for domain.roster (import/export) and simulator.demo_roster (the demo roster generator)."""
import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import models
from models import Centre, Child, ChildGuardian, Guardian, Province
from domain.roster import (COLUMNS, EXTRA, RosterFileError, RosterReport, export_children, import_roster, read_rows,
                           validate_rows)
from simulator.demo_roster import generate

TODAY = date(2026, 11, 1)
PROVINCE_ROSTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "roster-province.csv"


@pytest.fixture
def session(tmp_path):
    """A session on a fresh SQLite file with every table."""
    engine = create_engine(f"sqlite:///{tmp_path / 'roster.db'}")
    models.Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


@pytest.fixture
def demo(tmp_path) -> Path:
    """The default demo roster (3 centres x 20 children) generated for TODAY."""
    return generate(tmp_path / "demo.csv", today=TODAY)


def load(session, path) -> RosterReport:
    """Import a roster as of TODAY and commit."""
    report = import_roster(session, path, today=TODAY)
    session.commit()
    return report


def count(session, model) -> int:
    """Rows in the model's table."""
    return session.scalar(select(func.count()).select_from(model))


def rows_of(path) -> list[dict]:
    """A CSV file's rows as dicts."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows, columns=COLUMNS) -> Path:
    """Write rows as a roster CSV with the given columns."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return Path(path)


def qr(child) -> str:
    """A stand-in QR payload."""
    return f"SK1:{child.code}"


# ---------------------------------------------------------------- the demo generator

def test_generator_is_deterministic_and_in_the_roster_format(tmp_path):
    first = generate(tmp_path / "a.csv", today=TODAY).read_bytes()
    assert generate(tmp_path / "b.csv", today=TODAY).read_bytes() == first
    assert generate(tmp_path / "c.csv", seed=8, today=TODAY).read_bytes() != first
    rows = rows_of(tmp_path / "a.csv")
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 60 and len({row["centre_code"] for row in rows}) == 3
    assert {row["province_code"] for row in rows} == {"P39"}
    riders = [row for row in rows if row["rides_van"] == "yes"]
    assert 0.15 <= len(riders) / len(rows) <= 0.45
    assert all(row["van_code"].startswith(row["centre_code"] + "-V") for row in riders)
    assert {row["guardian_relation"] for row in rows} <= {"พ่อ", "แม่", "ปู่", "ย่า", "ตา", "ยาย"}
    ages = [(TODAY - date.fromisoformat(row["birth_date"])).days / 365.25 for row in rows]
    assert 2 <= min(ages) and max(ages) < 6
    families = Counter((row["guardian_name"], row["guardian_phone"]) for row in rows)
    assert max(families.values()) >= 2


def test_generator_cli(tmp_path, capsys):
    from simulator.demo_roster import main

    main([str(tmp_path / "cli.csv"), "--centres", "2", "--children", "5", "--today", "2026-11-01"])
    assert len(rows_of(tmp_path / "cli.csv")) == 10
    assert capsys.readouterr().out.strip().endswith("cli.csv")


# ---------------------------------------------------------------- import

def test_demo_roster_imports(session, demo):
    report = load(session, demo)
    assert report.ok(), report.lines()
    assert (report.created, report.updated, report.unchanged, report.centres) == (60, 0, 0, 3)
    assert count(session, Province) == 1 and count(session, Centre) == 3 and count(session, Child) == 60
    families = {(row["guardian_name"], row["guardian_phone"]) for row in rows_of(demo)}
    assert count(session, Guardian) == len(families) and count(session, ChildGuardian) == 60
    child = session.scalar(select(Child).where(Child.code == "C000001"))
    row = rows_of(demo)[0]
    assert (child.first_name, child.nickname, child.sex, child.birth_date.isoformat()) == (
        row["first_name"], row["nickname"], row["sex"], row["birth_date"])
    assert child.classroom.name == row["classroom"] and child.centre.lao.district.province.name == "หนองบัวลำภู"
    assert "เด็กใหม่ 60 คน" in report.lines()[-1]


def test_reimport_changes_nothing(session, demo):
    load(session, demo)
    report = load(session, demo)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 60)
    assert count(session, Child) == 60 and count(session, ChildGuardian) == 60


def test_changed_nickname_is_one_update(session, demo, tmp_path):
    load(session, demo)
    rows = rows_of(demo)
    rows[10]["nickname"] = "น้องใหม่"
    report = load(session, write_rows(tmp_path / "changed.csv", rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 59)
    assert session.scalar(select(Child.nickname).where(Child.code == rows[10]["child_code"])) == "น้องใหม่"


def test_siblings_share_one_guardian(session, demo):
    load(session, demo)
    families = Counter((row["guardian_name"], row["guardian_phone"]) for row in rows_of(demo))
    (name, phone), children = families.most_common(1)[0]
    assert children >= 2
    guardian = session.scalars(select(Guardian).where(Guardian.name == name, Guardian.phone == phone)).one()
    assert len(guardian.child_links) == children


def test_bad_rows_are_all_reported_and_nothing_is_imported(session, demo, tmp_path):
    rows = rows_of(demo)
    rows[3]["birth_date"] = "2022-02-30"
    rows[7]["sex"] = "X"
    report = load(session, write_rows(tmp_path / "bad.csv", rows))
    assert not report.ok()
    assert [line for line, _ in report.errors] == [5, 9]
    assert "birth_date" in report.errors[0][1] and "sex" in report.errors[1][1]
    assert report.lines()[0].startswith("แถว 5:") and "ไม่ได้นำเข้า" in report.lines()[-1]
    assert count(session, Province) == 0 and count(session, Child) == 0 and count(session, Guardian) == 0


def test_bad_file_leaves_an_existing_database_untouched(session, demo, tmp_path):
    load(session, demo)
    rows = rows_of(demo)
    rows[0]["nickname"] = "เปลี่ยนแล้ว"
    rows[1]["rides_van"] = "maybe"
    report = load(session, write_rows(tmp_path / "bad.csv", rows))
    assert report.errors == [(3, 'rides_van "maybe" ไม่ถูกต้อง ใช้ yes/no (หรือ ใช่/ไม่)')]
    assert session.scalar(select(Child.nickname).where(Child.code == rows[0]["child_code"])) != "เปลี่ยนแล้ว"


def test_row_checks(demo):
    rows = rows_of(demo)[:8]
    good = dict(rows[0])
    variants = [
        dict(good, child_code="X1", sex="ญ", birth_date="25/11/2564", guardian_phone="081-234 5678"),
        dict(good, child_code="X2", sex="ชาย", rides_van="ใช่", van_code="K0001-V1", guardian_phone="+66812345678"),
        dict(good, child_code="X3", birth_date="2030-01-01"),
        dict(good, child_code="X4", birth_date="2015-01-01"),
        dict(good, child_code="X5", rides_van="yes", van_code=""),
        dict(good, child_code="X6", guardian_phone="12345"),
        dict(good, child_code="X7", first_name=""),
        dict(good, child_code="X1"),
        dict(good, child_code="X9", lao_code="L999"),
    ]
    entries, errors = validate_rows(variants, today=TODAY)
    assert entries[0].child["sex"] == "F" and entries[0].child["birth_date"] == date(2021, 11, 25)
    assert entries[0].guardian == (good["guardian_name"], "0812345678")
    assert entries[1].child["rides_van"] is True and entries[1].guardian[1] == "0812345678"
    by_line = {}
    for line, reason in errors:
        by_line.setdefault(line, []).append(reason)
    assert "อนาคต" in by_line[4][0] and "7 ปี" in by_line[5][0]
    assert "van_code" in by_line[6][0] and "guardian_phone" in by_line[7][0] and "first_name" in by_line[8][0]
    assert 'child_code "X1" ซ้ำกับแถว 2' in by_line[9]
    assert any("centre_code" in reason and "L999" in reason for reason in by_line[10])


def test_missing_column_is_named(demo, tmp_path):
    rows = rows_of(demo)
    path = write_rows(tmp_path / "nosex.csv", rows, [column for column in COLUMNS if column != "sex"])
    with pytest.raises(RosterFileError, match="sex"):
        read_rows(path)


def test_unreadable_files(tmp_path):
    for name, content, message in [("a.txt", b"x", ".txt"), ("e.csv", b"", "ว่าง"),
                                   ("h.csv", ",".join(COLUMNS).encode() + b"\n", "ว่าง"),
                                   ("t.csv", "ชื่อ".encode("cp874"), "UTF-8")]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(RosterFileError, match=message):
            read_rows(tmp_path / name)


def test_bom_and_blank_lines_keep_row_numbers(demo, tmp_path):
    lines = demo.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",M,", ",X,").replace(",F,", ",X,")
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff" + "\n".join(lines[:2] + [""] + lines[2:]) + "\n\n", encoding="utf-8")
    _, errors = validate_rows(read_rows(path), today=TODAY)
    assert [line for line, _ in errors] == [5]


def test_xlsx_round_trip(session, demo, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows_of(demo):
        # Excel typically stores these as a date and a number (losing the phone's leading zero)
        row["birth_date"] = date.fromisoformat(row["birth_date"])
        row["guardian_phone"] = int(row["guardian_phone"])
        sheet.append([row[column] for column in COLUMNS])
    book.save(tmp_path / "demo.xlsx")
    report = load(session, tmp_path / "demo.xlsx")
    assert report.ok(), report.lines()
    assert report.created == 60
    assert load(session, demo).unchanged == 60


def test_transfer_and_missing_children(session, demo, tmp_path):
    load(session, demo)
    rows = rows_of(demo)
    k1 = [row for row in rows if row["centre_code"] == "K0001"]
    k2 = [row for row in rows if row["centre_code"] == "K0002"]
    moved = dict(k2[0], **{key: k1[0][key] for key in ("centre_code", "centre_name", "classroom")})
    report = load(session, write_rows(tmp_path / "k1.csv", k1[2:] + [moved]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, len(k1) - 2)
    assert report.not_in_file == 2 and "2 คน" in report.lines()[-1]
    assert count(session, Child) == 60
    assert session.scalar(select(Child).where(Child.code == moved["child_code"])).centre.code == "K0001"


def test_new_guardian_replaces_roster_link_but_keeps_line_links(session, demo, tmp_path):
    load(session, demo)
    rows = rows_of(demo)
    child = session.scalar(select(Child).where(Child.code == rows[0]["child_code"]))
    line_parent = Guardian(name="แม่จากไลน์", phone="", line_user_id="U" + "1" * 32)
    child.guardian_links.append(ChildGuardian(guardian=line_parent, relation="แม่"))
    session.commit()
    rows[0]["guardian_phone"] = "0899999999"
    report = load(session, write_rows(tmp_path / "phone.csv", rows))
    assert report.updated == 1
    session.refresh(child)
    assert sorted(link.guardian.phone for link in child.guardian_links) == ["", "0899999999"]


# ---------------------------------------------------------------- export

def test_export_json_and_csv(session, demo, tmp_path):
    load(session, demo)
    expected = sorted((row for row in rows_of(demo) if row["centre_code"] == "K0002"), key=lambda r: r["child_code"])
    records = json.loads(export_children(session, "K0002", "json", qr))
    assert [list(record) for record in records] == [[*COLUMNS, "qr_payload", *EXTRA]] * len(expected)
    assert [{k: record[k] for k in COLUMNS} for record in records] == expected
    assert records[0]["qr_payload"] == f"SK1:{expected[0]['child_code']}"
    assert (records[0]["status"], records[0]["weight_kg"], records[0]["wfh_band"]) == ("active", None, None)
    text = export_children(session, "K0002", "csv", qr)
    assert text.splitlines()[0] == ",".join([*COLUMNS, "qr_payload", *EXTRA])
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    assert [{k: row[k] for k in [*COLUMNS, "qr_payload"]} for row in rows_of(tmp_path / "export.csv")] == \
        [{k: record[k] for k in [*COLUMNS, "qr_payload"]} for record in records]
    assert load(session, tmp_path / "export.csv").unchanged == len(expected)


def test_export_unknown_centre_or_format(session, demo):
    load(session, demo)
    with pytest.raises(LookupError, match="K9999"):
        export_children(session, "K9999", "json", qr)
    with pytest.raises(ValueError):
        export_children(session, "K0001", "xml", qr)


# ---------------------------------------------------------------- the province

def test_operator_imports_the_province_roster(session):
    if not PROVINCE_ROSTER.exists():
        pytest.skip("../shared/data/roster-province.csv not found: needs the shared folder")
    report = load(session, PROVINCE_ROSTER)  # the file's birth dates were generated for 2026-11-01
    assert report.ok(), report.lines()[:5]
    assert count(session, Centre) == 210 and count(session, Child) == 7837


def test_operator_withdraws_a_child_by_the_status_column_and_the_export_shows_it(session, demo, tmp_path):
    load(session, demo)
    rows = [dict(row, status="withdrawn" if n == 0 else "active") for n, row in enumerate(rows_of(demo))]
    report = load(session, write_rows(tmp_path / "status.csv", rows, columns=(*COLUMNS, "status")))
    assert report.ok() and report.updated == 1
    gone = session.scalar(select(Child).where(Child.code == rows[0]["child_code"]))
    assert (gone.active, gone.withdrawn_on) == (False, TODAY)
    exported = json.loads(export_children(session, rows[0]["centre_code"], "json", qr))
    assert next(r for r in exported if r["child_code"] == gone.code)["status"] == "withdrawn"
    assert load(session, demo).ok()  # the old file, without a status column, keeps the withdrawal
    session.refresh(gone)
    assert gone.active is False
    rows[0]["status"] = "gone"
    assert "status" in load(session, write_rows(tmp_path / "bad.csv", rows, columns=(*COLUMNS, "status"))).errors[0][1]
