"""Webhook burst benchmark: ack latency of POST /callback, then end-to-end throughput to the fake LINE.

    python bench/webhook.py [--events 2000] [--db sqlite|postgresql|both] [--workers 0,1,2]
    python bench/webhook.py --db sqlite --workers 1 --rate 50 --photo-share 0.1 --events 1500   # issue 14
    python bench/webhook.py --db postgresql --workers 2 --rate 200 --photo-share 0.05 --events 4000

For each database and each worker count, from scratch:
  1. a fresh schema (a new SQLite file, or the PostgreSQL database `bench` emptied);
  2. the fake LINE (simulator.platform + simulator.server) on a free 127.0.0.1 port;
  3. the bot's web process for real: gunicorn with the production gunicorn.conf.py (gthread), bound
     to another free 127.0.0.1 port;
  4. W worker processes (`python -m bot.worker`), started and idle before the burst, as in production
     (W = 0 measures the web process alone: the events are only stored);
  5. a burst of --events signed text events from --users distinct (unregistered) users, one event per
     POST as LINE sends them, pre-built and pre-signed, posted by --clients threads over keep-alive
     connections as fast as the server answers, or at --rate events/s (open loop: each POST leaves at its
     scheduled time whatever the answers before it took). With --photo-share, that share of the events
     are phone photos of 6–12 QR cards from --photo-senders registered teachers, which the worker
     downloads and decodes (the morning check-in) while the texts arrive. Each POST's time is measured
     on the client;
  6. wait until every inbox row is done and no outbox row is pending, then check that every event got
     exactly one answer in its chat (reply, or a push if the reply token had expired).

Reported per run: ack p50/p95/p99/max (target p99 <= 50 ms), POSTs/s during the burst, and end-to-end
events/s = events / (first POST -> last bot message received by the fake LINE).

Every loop is bounded by a count and a deadline; everything listens on 127.0.0.1; processes the script
started are stopped by their pid when it ends. Exit status 1 when an event was lost, answered twice,
refused, or a run did not finish in time.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text as sql  # noqa: E402

import models  # noqa: E402
from models import InboxEvent, OutboxMessage  # noqa: E402
from simulator.platform import LinePlatform  # noqa: E402
from simulator.server import serve  # noqa: E402

SECRET = "bench-channel-secret"
TOKEN = "bench-access-token"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench"
TARGET_P99_MS = 50.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sa_url(url: str) -> str:
    """The SQLAlchemy form of a database URL (psycopg 3 for PostgreSQL)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


# ---------------------------------------------------------------- databases

def fresh_sqlite(workdir: Path, tag: str) -> str:
    """A new SQLite file with the schema."""
    url = f"sqlite:///{workdir / f'bench-{tag}.db'}"
    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    return url


def pg_ready(url: str) -> str | None:
    """Create the bench database if needed; None when PostgreSQL is reachable, else the reason."""
    base, _, name = url.rpartition("/")
    try:
        admin = create_engine(sa_url(f"{base}/postgres"), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            if not conn.scalar(sql("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sql(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # unreachable, auth, …: the PostgreSQL half is skipped with this note
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return None


def fresh_pg(url: str) -> str:
    """Empty the bench database's public schema and create the tables."""
    engine = create_engine(sa_url(url))
    with engine.begin() as conn:
        conn.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    models.Base.metadata.create_all(engine)
    engine.dispose()
    return url


# ---------------------------------------------------------------- processes

class Procs:
    """The subprocesses of one run (gunicorn, workers); stopped by pid, SIGTERM then SIGKILL."""

    def __init__(self, workdir: Path):
        self.workdir, self.procs = workdir, []

    def start(self, name: str, argv: list[str], env: dict) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc, log

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.procs.clear()


def wait_for(check, timeout: float, what: str, step: float = 0.1) -> None:
    """Poll `check()` until true, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def http_ok(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", path)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


# ---------------------------------------------------------------- the burst

TEACHER = "Uteacher{:024x}"


def card_photos(count: int) -> list[bytes]:
    """Phone-like photos of 6–12 QR cards (simulator.photos), made once per run."""
    from simulator.photos import synthetic_set

    return [data for data, _ in synthetic_set(count, seed=14)]


def register_teachers(url: str, count: int) -> None:
    """LINE users with the teacher role: their photos are downloaded and decoded by the worker."""
    from sqlalchemy.orm import Session

    from models import LineUser

    engine = create_engine(sa_url(url))
    with Session(engine) as session:
        session.add_all(LineUser(line_user_id=TEACHER.format(k), role="teacher") for k in range(count))
        session.commit()
    engine.dispose()


def build_events(platform: LinePlatform, n: int, users: int, photos: list[bytes] = (), photo_share: float = 0.0,
                 senders: int = 1) -> tuple[list[tuple[bytes, dict]], Counter]:
    """N signed one-event webhook requests from `users` people, round robin (every 1/photo_share-th a teacher's
    photo); and events per chat."""
    built: list[tuple[bytes, dict]] = []
    platform.deliver = lambda body, headers: built.append((body, headers)) or 200
    phrases = ["สวัสดีค่ะ", "ช่วยเหลือ", "ลูกมาโรงเรียนวันนี้ไหมคะ", "ขอบคุณค่ะ", "เมนูอาหารกลางวัน"]
    per_chat: Counter = Counter()
    every = round(1 / photo_share) if photos and photo_share > 0 else 0
    for i in range(n):
        if every and i % every == every // 2:
            user = TEACHER.format((i // every) % senders)
            platform.image(user, photos[(i // every) % len(photos)])
        else:
            user = f"U{i % users:032x}"
            platform.text(user, phrases[i % len(phrases)])
        per_chat[user] += 1
    platform.deliver = None
    return built, per_chat


def burst(port: int, requests_: list[tuple[bytes, dict]], clients: int, time_limit: float, rate: float = 0) -> dict:
    """POST every request once from `clients` threads (at `rate` per second when given); per-request
    client-side latency and statuses."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    starts: list[float] = []
    deadline = time.monotonic() + time_limit

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, my_status = [], Counter()
        first = None
        while time.monotonic() < deadline:
            i = next(counter)
            if i >= len(requests_):
                break
            body, headers = requests_[i]
            if rate:
                wait = start + i / rate - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            t0 = time.perf_counter()
            first = first if first is not None else time.time()
            try:
                conn.request("POST", "/callback", body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                my_status[resp.status] += 1
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                my_status[type(exc).__name__] += 1
                conn.close()
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(my_status)
            if first is not None:
                starts.append(first)

    threads = [threading.Thread(target=client, name=f"bench-client-{k}") for k in range(clients)]
    start = time.perf_counter()
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=time_limit + 15)
    return {"latencies": sorted(latencies), "statuses": statuses, "first_post": min(starts, default=t0),
            "burst_seconds": time.time() - t0}


def pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k] * 1000


def db_counts(engine) -> tuple[Counter, Counter]:
    with engine.connect() as conn:
        inbox = Counter(dict(conn.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all()))
        outbox = Counter(dict(conn.execute(select(OutboxMessage.status, func.count())
                                           .group_by(OutboxMessage.status)).all()))
    return inbox, outbox


def drain(engine, expected: int, time_limit: float) -> tuple[bool, Counter, Counter]:
    """Wait until every stored event is done/failed and no outbox row is pending (bounded)."""
    deadline = time.monotonic() + time_limit
    while True:
        inbox, outbox = db_counts(engine)
        finished = (sum(inbox.values()) >= expected and inbox["pending"] == 0 and outbox["pending"] == 0)
        if finished or time.monotonic() >= deadline:
            return finished, inbox, outbox
        time.sleep(0.25)


# ---------------------------------------------------------------- one run

def run(db: str, url: str, workers: int, args, workdir: Path) -> dict:
    """One complete measurement; everything it starts is stopped before it returns."""
    platform = LinePlatform(SECRET, TOKEN, spec=None, monthly_limit=None)
    for i in range(args.users):
        platform.add_user(f"U{i:032x}", f"ผู้ใช้ {i}")
    for k in range(args.photo_senders):
        platform.add_user(TEACHER.format(k), f"ครู {k}")
    register_teachers(url, args.photo_senders)
    line = serve(platform)
    procs = Procs(workdir)
    engine = create_engine(sa_url(url))
    web_port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "LINE_API_BASE_URL": line.url, "PUBLIC_BASE_URL": "https://smartkids.example", "PORT": str(web_port),
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    tag = f"{db}-w{workers}"
    try:
        argv = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{web_port}"]
        if args.web_workers:
            argv += ["-w", str(args.web_workers)]
        if args.web_threads:
            argv += ["--threads", str(args.web_threads)]
        procs.start(f"web-{tag}", argv + ["bot:create_app()"], env)
        wait_for(lambda: http_ok(web_port, "/healthz"), 120, "gunicorn")  # slow to import on a busy machine
        logs = [procs.start(f"worker-{tag}-{k}", [sys.executable, "-m", "bot.worker"], env)[1]
                for k in range(workers)]
        wait_for(lambda: all(b"worker started" in p.read_bytes() for p in logs), 120, "workers")
        warm = [platform.webhook_body() for _ in range(2 * args.clients)]  # LINE's own "verify": no events
        burst(web_port, warm, args.clients, 10)
        reqs, per_chat = build_events(platform, args.events, args.users, args.photos, args.photo_share,
                                      args.photo_senders)
        result = burst(web_port, reqs, args.clients, args.burst_limit, args.rate)
        acked = result["statuses"].get(200, 0)
        finished, inbox, outbox = (drain(engine, acked, args.timeout) if workers
                                   else (False, *db_counts(engine)))
        time.sleep(0.2)
        bot = [e for e in platform.entries() if e["from"] == "bot"]
        got = Counter(e["chat_id"] for e in bot)
        lost = sum(max(0, n - got[c]) for c, n in per_chat.items())
        dupes = sum(max(0, got[c] - per_chat[c]) for c in got)
        last = max((e["at"] for e in bot), default=float("nan"))
        e2e = last - result["first_post"]
        return {"db": db, "workers": workers, "events": args.events, "lat": result["latencies"],
                "statuses": result["statuses"], "post_rate": len(result["latencies"]) / result["burst_seconds"],
                "e2e": e2e, "rate": len(bot) / e2e if bot and workers else float("nan"), "finished": finished,
                "inbox": inbox, "outbox": outbox, "bot": len(bot), "lost": lost if workers else 0,
                "dupes": dupes, "kinds": Counter(e["kind"] for e in bot)}
    finally:
        procs.stop()
        line.shutdown()
        engine.dispose()


# ---------------------------------------------------------------- report

COLUMNS = ("db", "workers", "ack p50", "p95", "p99", "max", "POST/s", "e2e s", "events/s", "answers",
           "lost", "dup", "inbox done", "ok")


def row(r: dict) -> list[str]:
    lat = r["lat"]
    refused = sum(n for s, n in r["statuses"].items() if s != 200)
    ok = (refused == 0 and r["lost"] == 0 and r["dupes"] == 0
          and (r["finished"] and r["inbox"]["done"] == r["events"] if r["workers"]
               else sum(r["inbox"].values()) == r["events"]))
    answers = "/".join(f"{r['kinds'][k]} {k}" for k in ("reply", "push") if r["kinds"][k]) or "0"
    return [r["db"], str(r["workers"]), f"{pct(lat, 50):.1f} ms", f"{pct(lat, 95):.1f}", f"{pct(lat, 99):.1f}",
            f"{pct(lat, 100):.1f}", f"{r['post_rate']:.0f}",
            f"{r['e2e']:.1f}" if r["workers"] else "-", f"{r['rate']:.0f}" if r["workers"] else "-", answers,
            str(r["lost"]), str(r["dupes"]),
            f"{r['inbox']['done']}/{r['events']}" if r["workers"] else f"({sum(r['inbox'].values())} stored)",
            "yes" if ok else "NO" + (f" (refused {refused})" if refused else "")]


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS))]
    line = "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths))
    print("\n" + line + "\n" + "-" * len(line))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python bench/webhook.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=2000, help="events in the burst (one per POST)")
    p.add_argument("--users", type=int, default=200, help="distinct LINE users sending them")
    p.add_argument("--clients", type=int, default=8, help="client threads posting concurrently")
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--workers", default="0,1,2",
                   help="worker process counts to run; 0 = web only (ack latency without worker contention)")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT),
                   help="PostgreSQL database to use (created if absent, its public schema is emptied)")
    p.add_argument("--rate", type=float, default=0, help="events per second (0 = as fast as answered)")
    p.add_argument("--photo-share", type=float, default=0.0, help="share of events that are card photos")
    p.add_argument("--photo-senders", type=int, default=5, help="registered teachers sending the photos")
    p.add_argument("--web-workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    p.add_argument("--web-threads", type=int, help="gunicorn threads per worker (default: gunicorn.conf.py)")
    p.add_argument("--burst-limit", type=float, default=120, help="seconds the burst may take at most")
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the workers to finish")
    p.add_argument("--logs", help="keep the gunicorn and worker logs (and SQLite files) in this folder")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    args.photos = card_photos(4) if args.photo_share > 0 else []
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = []
    with tempfile.TemporaryDirectory(prefix="smartkids-bench-") as tmp:
        workdir = Path(args.logs or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for db in dbs:
            if db == "postgresql":
                why = pg_ready(args.pg_url)
                if why:
                    print(f"note: PostgreSQL skipped, {args.pg_url} is not reachable ({why})")
                    continue
            for workers in counts:
                url = fresh_sqlite(workdir, f"w{workers}") if db == "sqlite" else fresh_pg(args.pg_url)
                pace = f" at {args.rate:.0f}/s" if args.rate else ""
                pics = f", {args.photo_share:.0%} card photos" if args.photos else ""
                print(f"{db}: {args.events} events{pace}{pics} from {args.users} users, {args.clients} clients, "
                      f"{workers} worker process(es) …", flush=True)
                try:
                    results.append(run(db, url, workers, args, workdir))
                except TimeoutError as exc:
                    print(f"  failed: {exc}; logs:")
                    for log in sorted(workdir.glob(f"*-{db}-w{workers}*.log")):
                        print(f"  --- {log.name}\n" + log.read_text(errors="replace")[-2000:])
                    return 1
                r = results[-1]
                print(f"  acks {dict(r['statuses'])}, inbox {dict(r['inbox'])}, outbox {dict(r['outbox'])}",
                      flush=True)
    if not results:
        print("nothing ran")
        return 1
    rows = [row(r) for r in results]
    print_table(rows)
    worst = max(pct(r["lat"], 99) for r in results)
    print(f"\ntarget ack p99 <= {TARGET_P99_MS:.0f} ms: " + ("met" if worst <= TARGET_P99_MS else
                                                           f"MISSED (worst p99 {worst:.1f} ms)"))
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
