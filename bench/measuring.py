"""Measuring-session benchmark: a teacher weighs and measures a class of 25 children in one sitting.

    python bench/measuring.py [--children 25] [--db sqlite|postgresql|both] [--pg-url URL]

For each database, from scratch: a fresh schema (a new SQLite file, or the PostgreSQL database `bench_measuring`
emptied: never point --pg-url at a database you care about), the fake LINE (simulator) on a free 127.0.0.1
port, the bot in this process, one centre with --children children and one teacher registered by an invite
code through the chat. Then the teacher types "ชั่งน้ำหนัก" and one "kg cm" answer per child, as in the chat;
each answer is timed from the signed webhook POST to the bot's reply reaching the fake LINE (webhook, inbox,
worker, growth check and WHO z-scores, the guardian's push queued, outbox delivery).

Printed per database: answers, p50 / p95 / max in ms (goal: p95 < 1000 ms), and the measurements saved.
Exit status 1 when an answer was missing or the p95 goal was missed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text as sql  # noqa: E402

import models  # noqa: E402
from bot import create_app  # noqa: E402
from bot.db import transaction  # noqa: E402
from bot.worker import run_once  # noqa: E402
from domain.invites import create_invite  # noqa: E402
from models import Centre, Child, Classroom, District, Lao, Measurement, Province  # noqa: E402
from simulator.platform import LinePlatform  # noqa: E402
from simulator.server import serve  # noqa: E402

SECRET, TOKEN = "bench-channel-secret", "bench-access-token"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_measuring"
GOAL_P95_MS = 1000.0
NAMES = ("ภูผา", "ข้าวหอม", "ขิง", "ใบเตย", "มะลิ", "น้ำฝน", "ต้นกล้า", "ปลาย", "ฟ้า", "ดาว", "เมฆ", "ข้าวปุ้น", "น้ำใส")


def fresh_schema(url: str) -> str:
    """An empty schema at `url` (SQLAlchemy form)."""
    if url.startswith("postgresql"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        admin_url, name = url.rsplit("/", 1)
        admin = create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(sql("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(sql(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    return url


def seed(rt, children: int) -> None:
    """One centre and its class."""
    with transaction(rt.sessions) as s:
        province = Province(code="P39", name="หนองบัวลำภู")
        district = District(code="D01", name="เมือง", province=province)
        lao = Lao(code="L001", name="อบต.ทดสอบ", district=district)
        centre = Centre(code="K0001", name="ศพด.ทดสอบ", lao=lao)
        s.add_all([province, district, lao, centre])
        s.flush()
        room = Classroom(centre_id=centre.id, name="อนุบาล")
        s.add(room)
        s.flush()
        s.add_all([Child(code=f"C{n:06d}", centre_id=centre.id, classroom_id=room.id, first_name=f"เด็ก{n}",
                         last_name="ทดสอบ", nickname=f"{NAMES[n % len(NAMES)]}{n}", sex="MF"[n % 2],
                         birth_date=date(2022, 1 + n % 12, 1 + n % 27)) for n in range(children)])


def run(url: str, children: int) -> dict:
    """One measuring session on one database; the answers' timings."""
    platform = LinePlatform(SECRET, TOKEN, clock=time.time, monthly_limit=None)
    handle = serve(platform)
    platform.url = handle.url
    app = create_app({"DATABASE_URL": url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                      "LINE_API_BASE_URL": handle.url, "PUBLIC_BASE_URL": "https://bench.example"})
    rt = app.extensions["smartkids"]
    client = app.test_client()
    platform.deliver = lambda body, headers: client.post("/callback", data=body, headers=headers).status_code
    try:
        seed(rt, children)
        with transaction(rt.sessions) as s:
            code = create_invite(s, "teacher", "K0001", rt.cfg.secret, rt.now())
        platform.add_user("Uteacher", "ครูทดสอบ")
        platform.follow("Uteacher")
        run_once(rt)
        platform.text("Uteacher", code)
        run_once(rt)
        platform.text("Uteacher", "ชั่งน้ำหนัก")
        run_once(rt)
        timings, missing = [], 0
        for n in range(children):
            before = len(platform.bot_messages("Uteacher"))
            start = time.perf_counter()
            platform.text("Uteacher", f"{13 + n % 5}.{n % 10} {94 + n % 8}")
            run_once(rt)
            timings.append((time.perf_counter() - start) * 1000)
            missing += len(platform.bot_messages("Uteacher")) == before
        with rt.sessions() as s:
            saved = s.scalar(select(func.count(Measurement.id)))
    finally:
        handle.shutdown()
        rt.engine.dispose()
    ordered = sorted(timings)
    return {"answers": len(timings), "missing": missing, "saved": saved, "p50": statistics.median(ordered),
            "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)], "max": ordered[-1]}


def main() -> int:
    """Run the session on each database and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=25)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    args = parser.parse_args()
    failed = False
    print(f"{'db':<11} {'answers':>7} {'saved':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        if db == "sqlite":
            url = fresh_schema(f"sqlite:///{tempfile.mkdtemp(prefix='bench-measuring-')}/bot.db")
        else:
            try:
                url = fresh_schema(args.pg_url)
            except Exception as exc:  # noqa: BLE001 - an unreachable server skips the half, with a note
                print(f"{db:<11} skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                continue
        r = run(url, args.children)
        print(f"{db:<11} {r['answers']:>7} {r['saved']:>5} {r['p50']:>8.0f} {r['p95']:>8.0f} {r['max']:>8.0f}")
        failed |= bool(r["missing"]) or r["p95"] >= GOAL_P95_MS
    print(f"goal: p95 < {GOAL_P95_MS:.0f} ms per answer")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
