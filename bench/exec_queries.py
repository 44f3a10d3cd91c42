"""Officials' queries at province scale: seed a province-year, time each query p50/p95 on SQLite and PostgreSQL.

    .venv/bin/python bench/exec_queries.py                  # both databases, 190 school days, 20 runs
    .venv/bin/python bench/exec_queries.py --db sqlite --days 60 --runs 10

Seeds ../shared/data/roster-province.csv with domain.roster.import_roster, then bulk-inserts a school
year ending on --today: check-ins (~92 % of children a day), a few sick/personal leaves, lunches with a
tray photo, activities, missing-child alerts, two measurements per child, two teachers and a head per
centre. Each query (query + Flex cards, as the handler does) is timed for the province, the largest
district, the largest LAO and one centre; "eval" is the officials' ผลประเมิน (its cold run computes the month's
snapshots of that scope, later runs read them). `evaluate` for the whole province is timed once. PostgreSQL: --pg-url (default .../bench_officials, created if
absent; its public schema is dropped and recreated every run).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from domain import dashboards as q  # noqa: E402
from domain.calendar import is_weekday_open  # noqa: E402
from domain.evaluation import evaluate, save  # noqa: E402
from domain.reports import attendance_table, to_xlsx  # noqa: E402
from domain.roster import import_roster  # noqa: E402
from domain.scope import scope_of  # noqa: E402
from handlers import official_views as v  # noqa: E402
from handlers.evaluation import evaluation_carousel  # noqa: E402
from models import (Absence, Activity, Alert, Attendance, Centre, Child, District, Lao, Lunch, Measurement,  # noqa: E402
                    Media, Staff)
from webhook import fresh_pg, fresh_sqlite, pg_ready, sa_url  # noqa: E402

ROSTER = ROOT.parent / "shared" / "data" / "roster-province.csv"
BKK = timezone(timedelta(hours=7))
MENUS = ["ข้าวมันไก่ แตงโม", "ข้าวผัดหมู ส้ม", "แกงจืดเต้าหู้ ข้าวสวย กล้วย", "ก๋วยเตี๋ยวหมู มะละกอ", "ไข่พะโล้ ข้าวสวย ฝรั่ง"]


class Cfg:
    """The two settings the lunch cards' signed photo links need."""

    PUBLIC_BASE_URL = "https://bench.example"
    LINK_HOURS = 72
    secret = b"bench"


def school_days_back(today: date, n: int) -> list[date]:
    """The last n province-wide school days up to today, oldest first."""
    days, d = [], today
    while len(days) < n:
        if is_weekday_open(d):
            days.append(d)
        d -= timedelta(days=1)
    return days[::-1]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), BKK).astimezone(timezone.utc)


def bulk(session: Session, model, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        for i in range(0, len(rows), 20000):
            session.execute(insert(model), rows[i:i + 20000])
        return
    cols = list(rows[0])
    raw = session.connection().connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(f"COPY {model.__tablename__} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([json.dumps(r[c], ensure_ascii=False) if isinstance(r[c], (list, dict)) else r[c]
                            for c in cols])


def seed(url: str, days: list[date], rng: random.Random) -> dict:
    """Import the roster and bulk-insert a school year of records; returns row counts."""
    engine = create_engine(sa_url(url))
    with Session(engine) as s:
        report = import_roster(s, ROSTER, today=days[-1])
        assert not report.errors, report.errors[:5]
        s.commit()
        centres = s.execute(select(Centre.id, Centre.code)).all()
        staff = []
        for cid, code in centres:
            staff += [dict(centre_id=cid, role=r, name=f"{r}-{code}-{n}", line_user_id=f"U{code}{r[0]}{n}", active=True,
                           van_code="")
                      for r, n in (("teacher", 1), ("teacher", 2), ("head", 1))]
        bulk(s, Staff, staff)
        kids = s.execute(select(Child.id, Child.centre_id, Child.birth_date, Child.sex)).all()
        code_of = dict(centres)
        att, absn, lunches, acts, alerts = [], [], [], [], []
        for day in days:
            for cid, centre_id, _, _ in kids:
                roll = rng.random()
                uid = f"U{code_of[centre_id]}t1"  # the centre's first teacher records arrivals
                if roll < 0.92:
                    att.append(dict(child_id=cid, centre_id=centre_id, day=day, arrived_at=at(day, 7, rng.randint(0, 59)),
                                    arrived_by=uid, arrived_via="photo", late=False, health="ok", health_items=[],
                                    health_note="", picked_up_by=""))
                elif roll < 0.95:
                    absn.append(dict(child_id=cid, centre_id=centre_id, kind=rng.choice(("sick", "personal")),
                                     first_day=day, last_day=day, note="", reported_by="Uparent",
                                     reported_at=at(day, 6)))
                elif roll < 0.953:
                    alerts.append(dict(kind="missing", level="alert", centre_id=centre_id, child_id=cid, day=day,
                                       raised_at=at(day, 9), acknowledged_at=at(day, 9, 10) if rng.random() < .8 else None,
                                       acknowledged_by=uid if rng.random() < .8 else None, resolution="", steps=[],
                                       van_code="", detail="", sends=1))
            for centre_id, code in centres:
                who = f"U{code}t1"
                if rng.random() < 0.95:
                    lunches.append(dict(centre_id=centre_id, day=day, menu_text=rng.choice(MENUS), dishes=[],
                                        recorded_by=who, recorded_at=at(day, 11), updated_at=at(day, 11)))
                if rng.random() < 0.7:
                    acts.append(dict(centre_id=centre_id, day=day, caption="กิจกรรม", domain="", posted_by=who,
                                     posted_at=at(day, 14)))
        bulk(s, Attendance, att)
        bulk(s, Absence, absn)
        bulk(s, Alert, alerts)
        bulk(s, Lunch, lunches)
        bulk(s, Activity, acts)
        s.flush()
        lunch_ids = s.execute(select(Lunch.id, Lunch.centre_id, Lunch.day)).all()
        bulk(s, Media, [dict(key=f"m{lid}", centre_id=cid, lunch_id=lid, content_type="image/jpeg", size=0, width=0,
                             height=0, created_at=at(d, 11)) for lid, cid, d in lunch_ids])
        measures = []
        for cid, _, birth, _ in kids:
            for on in (days[-1] - timedelta(days=150), days[-1] - timedelta(days=20)):
                age = max((on - birth).days / 365.25, 1)
                measures.append(dict(child_id=cid, measured_on=on, weight_kg=round(8 + 2.1 * age + rng.gauss(0, 1.5), 1),
                                     height_cm=round(75 + 8 * age + rng.gauss(0, 4), 1), recorded_by=""))
        bulk(s, Measurement, measures)
        s.commit()
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in
                  (Centre, Child, Attendance, Absence, Lunch, Activity, Alert, Measurement)}
        s.connection().exec_driver_sql("ANALYZE")  # planner statistics, as a live database would have
        s.commit()
    engine.dispose()
    return counts


def run_query(s: Session, name: str, scope, day: date):
    """One dashboard as the handler runs it: the query and its Flex cards."""
    if name == "ov":
        return v.overview_cards(scope, day, q.overview(s, scope, day))
    if name == "gap":
        return v.gap_cards(scope, day, q.not_recorded(s, scope, day))
    if name == "lunch":
        return v.lunch_cards(scope, day, q.lunches(s, scope, day), Cfg, at(day, 12))
    if name == "kids":
        return v.kids_cards(scope, day, q.children_stats(s, scope, day))
    if name == "tch":
        return v.teacher_cards(scope, day, q.teachers(s, scope, day))
    if name == "alr":
        return v.alert_cards(scope, day, q.alert_counts(s, scope, day))
    if name == "report":
        return to_xlsx(attendance_table(s, scope, day.replace(day=1), day))
    if name == "eval":  # the official's ผลประเมิน: monthly snapshots (computed on the cold run, then read)
        return evaluation_carousel(s, scope, day.replace(day=1), at(day, 12), day, 0)
    raise ValueError(name)


def pick_scopes(s: Session) -> list[tuple[str, str]]:
    """The province, the district and the LAO with the most centres, and the centre with the most children."""
    biggest = lambda col: s.execute(select(col, func.count(Centre.id)).select_from(Centre).join(Lao)  # noqa: E731
                                     .join(District).group_by(col).order_by(func.count(Centre.id).desc())).first()[0]
    centre = s.execute(select(Centre.code).join(Child).group_by(Centre.code)
                       .order_by(func.count(Child.id).desc())).first()[0]
    province = s.scalar(select(District.province_id))
    from models import Province

    return [("province", s.scalar(select(Province.code).where(Province.id == province))),
            ("district", biggest(District.code)), ("lao", biggest(Lao.code)), ("centre", centre)]


def time_all(url: str, day: date, runs: int) -> list[tuple]:
    """(query, level, n centres, cold ms, p50 ms, p95 ms) for every query × scope."""
    engine = create_engine(sa_url(url))
    out = []
    with Session(engine) as s:
        scopes = [scope_of(s, lv, code) for lv, code in pick_scopes(s)]
        for name in ("ov", "gap", "lunch", "kids", "tch", "alr", "report", "eval"):
            for scope in scopes:
                if name == "report" and scope.level not in ("lao", "centre"):
                    continue
                samples = []
                for _ in range(runs + 1):
                    t0 = time.perf_counter()
                    run_query(s, name, scope, day)
                    s.commit() if name == "eval" else s.rollback()  # evaluation snapshots are kept
                    samples.append((time.perf_counter() - t0) * 1000)
                cold, warm = samples[0], sorted(samples[1:])
                p95 = warm[min(len(warm) - 1, int(round(0.95 * (len(warm) - 1))))]
                out.append((name, scope.level, len(scope.centre_ids), cold, statistics.median(warm), p95))
    engine.dispose()
    return out


def time_evaluate(url: str, day: date) -> float:
    """Seconds to evaluate every centre for the month of `day` and store the snapshots (the CLI's work)."""
    engine = create_engine(sa_url(url))
    with Session(engine) as s:
        t0 = time.perf_counter()
        ids = list(s.scalars(select(Centre.id)))
        save(s, evaluate(s, ids, day.replace(day=1), day), at(day, 12) - timedelta(hours=1))
        s.commit()
        took = time.perf_counter() - t0
    engine.dispose()
    return took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_officials")
    ap.add_argument("--days", type=int, default=190)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 20))
    args = ap.parse_args(argv)
    if not ROSTER.exists():
        print(f"skipped: {ROSTER} is absent (the shared data folder is needed)")
        return 0
    days = school_days_back(args.today, args.days)
    workdir = Path(tempfile.mkdtemp(prefix="bench-officials-"))
    targets = []
    if args.db in ("sqlite", "both"):
        targets.append(("SQLite", fresh_sqlite(workdir, "officials")))
    if args.db in ("postgresql", "both"):
        why = pg_ready(args.pg_url)
        if why:
            print(f"PostgreSQL skipped: {why}")
        else:
            targets.append(("PostgreSQL", fresh_pg(args.pg_url)))
    for label, url in targets:
        t0 = time.perf_counter()
        counts = seed(url, days, random.Random(39))
        print(f"\n{label}: seeded {days[0]}..{days[-1]} ({len(days)} school days) in {time.perf_counter() - t0:.0f} s: "
              + ", ".join(f"{k} {n:,}" for k, n in counts.items()))
        print(f"evaluate (whole province, month so far, computed and stored as `flask evaluate` does): "
              f"{time_evaluate(url, days[-1]):.1f} s (target ≤ 30 s)")
        print(f"{'query':<8}{'scope':<10}{'centres':>8}{'cold ms':>10}{'p50 ms':>9}{'p95 ms':>9}")
        for name, level, n, cold, p50, p95 in time_all(url, days[-1], args.runs):
            flag = "" if p95 <= 100 else "  > 100 ms"
            print(f"{name:<8}{level:<10}{n:>8}{cold:>10.1f}{p50:>9.1f}{p95:>9.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
