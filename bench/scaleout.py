"""Scale-out on PostgreSQL: events/s with 1, 2 and 4 worker processes, the cost of one event, the national peak.

    python bench/scaleout.py [--events 300] [--workers 1,2,4] [--latency-ms 80] [--pg-url URL]

Part 1 — scale-out. For each worker count W, from scratch:
  1. a fresh schema in the PostgreSQL database `bench_scale` (created if absent; its public schema is dropped
     and recreated: never point --pg-url at a database you care about);
  2. a demo roster (simulator.demo_roster, imported with domain.roster) with two registered teachers per
     centre and one registered parent per child, written straight into the tables;
  3. the fake LINE (simulator) on 127.0.0.1, answering every API call after --latency-ms (80 ms);
  4. the bot's web process under gunicorn (production gunicorn.conf.py) storing the morning's events, posted
     signed as LINE posts them; the stored inbox rows are then moved aside to a holding table;
  5. W worker processes (`python -m bot.worker`) are started and left idle; then every held event is put
     back into the inbox in one transaction, and the clock runs until every event has its reply.
The workload is the same for every W: a morning mix from many distinct chats — teachers checking children
in by name ("มา <name>"), parents asking "ลูกมาถึงหรือยัง" / "วันนี้กินอะไร", teachers asking "ยังไม่มา",
and photos of 6 QR cards (--photo-share, default 15 of 295 as in the national peak). Printed: events/s =
events / (release → last reply received by the fake LINE), and the speed-up 1 → 4 (goal >= 3.2x).

Part 2 — cost per event (one worker process, counted in-process): the same roster and fake LINE, the text
events and the photo events released one kind at a time into a worker started through a small wrapper that
counts SQLAlchemy's `before_cursor_execute`, `commit` and `rollback` events and then runs `bot.worker` as
`python -m bot.worker` would. Printed per text and per photo: worker CPU ms (utime+stime from
/proc/<pid>/stat), wall ms per event on one worker, SQL statements, transactions, round trips
(statements + BEGIN + COMMIT per transaction), CPU ms of the PostgreSQL backends serving the worker; and
the web process's CPU ms per stored event. Then the national peak (--peak-texts 280, --peak-photos 15 per
second) is turned into worker processes, cores, statements/s and database CPU from those figures.

Depends only on `python -m bot.worker`, the web app and the tables (not on the worker's internals). Every
loop is bounded by a count and a deadline; everything listens on 127.0.0.1; the processes the script starts
are stopped by pid. Exit status 1 when an event was refused, lost (no reply), answered twice (a second reply
call or a replayed push for one event), failed in the worker, or a run did not finish in time.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, select, text as sql  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from webhook import Procs, burst, free_port, fresh_pg, http_ok, pg_ready, sa_url, wait_for  # noqa: E402
from domain.cards import CardInfo, card_image  # noqa: E402
from domain.qr import qr_payload  # noqa: E402
from domain.roster import import_roster  # noqa: E402
from models import Centre, Child, ChildGuardian, Guardian, InboxEvent, LineUser, OutboxMessage, Staff  # noqa: E402
from simulator.demo_roster import generate  # noqa: E402
from simulator.photos import PHONE_SIZES, phone_photo  # noqa: E402
from simulator.platform import LinePlatform  # noqa: E402
from simulator.server import serve  # noqa: E402

SECRET, TOKEN, QR_SECRET = "bench-channel-secret", "bench-access-token", "bench-qr-secret"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_scale"
APP_NAME = "smartkids-scaleout-bench"  # the bench's own PostgreSQL connections, left out of the backend CPU
CARDS_PER_PHOTO = 6
WARM_TEXTS = 5  # the cost run's worker first handles 5 texts and a photo, not counted
TICK = os.sysconf("SC_CLK_TCK")
GOAL_SPEEDUP = 3.2

# Run as `python -c COUNTING_WORKER FILE`: count the worker's SQL, then run bot.worker as `-m` would.
COUNTING_WORKER = """
import json, os, runpy, sys, threading, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
out, counts = sys.argv[1], {"statements": 0, "commits": 0, "rollbacks": 0}
def bump(key):
    def listener(*_args, **_kw):
        counts[key] += 1
    return listener
event.listen(Engine, "before_cursor_execute", bump("statements"))
event.listen(Engine, "commit", bump("commits"))
event.listen(Engine, "rollback", bump("rollbacks"))
def dump():
    while True:
        with open(out + ".tmp", "w") as f:
            json.dump(dict(counts, at=time.time()), f)
        os.replace(out + ".tmp", out)
        time.sleep(0.05)
threading.Thread(target=dump, daemon=True).start()
sys.argv = [sys.argv[0]]
runpy.run_module("bot.worker", run_name="__main__", alter_sys=True)
"""


def uid(kind: str, n: int) -> str:
    """A LINE-like user id (U + 32 hex), stable for (kind, n)."""
    return "U" + hashlib.md5(f"{kind}:{n}".encode()).hexdigest()


# ---------------------------------------------------------------- the people and the morning

@dataclass
class Cast:
    """The registered people of the roster: teachers per centre, their children, parents of children."""

    teachers: dict[str, list[str]] = field(default_factory=dict)        # centre code -> teacher LINE ids
    children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # centre -> [(code, full name)]
    parents: list[str] = field(default_factory=list)                    # parent LINE ids
    names: dict[str, str] = field(default_factory=dict)                 # LINE id -> display name


def seed(url: str, roster: Path, today: date) -> Cast:
    """Import the roster and register two teachers per centre and one guardian per child, in the tables."""
    engine = create_engine(sa_url(url))
    cast = Cast()
    with Session(engine) as session, session.begin():
        report = import_roster(session, roster, today=today)
        if report.errors:
            raise RuntimeError(f"roster refused: {report.errors[:3]}")
    with Session(engine) as session, session.begin():
        for centre in session.scalars(select(Centre).order_by(Centre.code)):
            kids = session.scalars(select(Child).where(Child.centre_id == centre.id, Child.active)
                                   .order_by(Child.code)).all()
            cast.children[centre.code] = [(k.code, f"{k.first_name} {k.last_name}") for k in kids]
            cast.teachers[centre.code] = []
            for k in range(2):
                user = uid(f"teacher-{centre.code}", k)
                name = f"ครู{'ABCD'[k]} {centre.code}"
                session.add(Staff(centre_id=centre.id, role="teacher", name=name, line_user_id=user))
                session.add(LineUser(line_user_id=user, display_name=name, role="teacher", scope_code=centre.code))
                cast.teachers[centre.code].append(user)
                cast.names[user] = name
        seen = set()
        for link, guardian, child in session.execute(
                select(ChildGuardian, Guardian, Child).join(Guardian, Guardian.id == ChildGuardian.guardian_id)
                .join(Child, Child.id == ChildGuardian.child_id).order_by(Child.code, Guardian.id)):
            if guardian.id in seen:
                continue
            seen.add(guardian.id)
            user = uid("parent", guardian.id)
            guardian.line_user_id = user
            session.add(LineUser(line_user_id=user, display_name=guardian.name, role="parent", scope_code=child.code))
            cast.parents.append(user)
            cast.names[user] = guardian.name
    engine.dispose()
    return cast


@dataclass
class Move:
    """One thing a person does: a text, or a photo of QR cards (index into the photo list)."""

    user: str
    text: str | None = None
    photo: int | None = None


def morning(cast: Cast, texts: int, photos: int, seed_: int) -> tuple[list[Move], list[list[str]]]:
    """The morning mix: moves in arrival order, and for each photo the child codes on its cards.

    Texts: 55 % a teacher checking one child in by name, 30 % a parent asking whether the child arrived,
    10 % a parent asking about lunch, 5 % a teacher asking who is missing. Photos: a teacher's photo of
    6 cards of her centre's children (children checked in by name are never on a card).
    """
    rng = random.Random(seed_)
    free = {code: list(kids) for code, kids in cast.children.items()}
    for kids in free.values():
        rng.shuffle(kids)
    centres = sorted(free)
    cards: list[list[str]] = []
    moves: list[Move] = []
    for i in range(photos):
        code = centres[i % len(centres)]
        cards.append([free[code].pop()[0] for _ in range(min(CARDS_PER_PHOTO, len(free[code])))])
        moves.append(Move(rng.choice(cast.teachers[code]), photo=i))
    parents = list(cast.parents)
    rng.shuffle(parents)
    for _ in range(texts):
        roll = rng.random()
        if roll < 0.55 or not parents:
            code = next((c for c in rng.sample(centres, len(centres)) if free[c]), None)
            if code is None:
                raise ValueError("roster too small for this many check-ins; raise --children or --centres")
            moves.append(Move(rng.choice(cast.teachers[code]), text="มา " + free[code].pop()[1]))
        elif roll < 0.95:
            moves.append(Move(parents.pop(), text="ลูกมาถึงหรือยัง" if roll < 0.85 else "วันนี้กินอะไร"))
        else:
            moves.append(Move(rng.choice(cast.teachers[rng.choice(centres)]), text="ยังไม่มา"))
    rng.shuffle(moves)
    return moves, cards


def photo_bytes(cards: list[str], n: int, cache: Path) -> bytes:
    """A phone photo (JPEG) of the cards, sizes cycling through phones' sizes; cached on disk by content."""
    size = PHONE_SIZES[n % len(PHONE_SIZES)]
    payloads = [qr_payload(code, 1, QR_SECRET.encode()) for code in cards]
    key = hashlib.sha256(json.dumps([payloads, size, n]).encode()).hexdigest()[:24]
    path = cache / f"scaleout-{key}.jpg"
    if not path.exists():
        images = [card_image(CardInfo(code=code, name=f"เด็ก {code}", nickname="", centre_name="ศูนย์พัฒนาเด็กเล็ก",
                                      payload=p)) for code, p in zip(cards, payloads)]
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(phone_photo(images, seed=1000 + n, perspective=0.08, blur=0.8, noise=3.0, size=size))
    return path.read_bytes()


def build(platform: LinePlatform, moves: list[Move], photos: list[bytes]) -> list[tuple[bytes, dict, str]]:
    """The signed one-event webhook requests for the moves, with each event's kind (text / photo)."""
    built: list[tuple[bytes, dict]] = []
    platform.deliver = lambda body, headers: built.append((body, headers)) or 200
    for move in moves:
        if move.photo is None:
            platform.text(move.user, move.text)
        else:
            platform.image(move.user, photos[move.photo])
    platform.deliver = None
    return [(body, headers, "text" if move.photo is None else "photo")
            for (body, headers), move in zip(built, moves)]


# ---------------------------------------------------------------- processes and measurements

def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (gunicorn's master and its workers)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    return cpu_seconds(pid) + sum(cpu_seconds(int(k)) for k in kids)


def backend_cpu(engine) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bot (the bench's own connections left out)."""
    query = sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = "
                "'client backend' AND application_name <> :me AND pid <> pg_backend_pid()")
    with engine.connect() as conn:
        pids = conn.scalars(query, {"me": APP_NAME}).all()
    return {pid: cpu_seconds(pid) for pid in pids}


def backend_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the backends used between two samples (a backend born in between counts in full)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class Stage:
    """One fresh database, roster, fake LINE and web process; events are stored and held, workers released."""

    def __init__(self, args, workdir: Path, tag: str):
        self.args, self.workdir, self.tag = args, workdir, tag
        fresh_pg(args.pg_url)
        self.cast = seed(args.pg_url, args.roster, args.today)
        self.platform = LinePlatform(SECRET, TOKEN, spec=None, monthly_limit=None, reply_token_ttl=3600,
                                     latency=args.latency_ms / 1000)
        for user, name in self.cast.names.items():
            self.platform.add_user(user, name)
        self.line = serve(self.platform)
        self.procs = Procs(workdir)
        self.engine = create_engine(sa_url(args.pg_url), connect_args={"application_name": APP_NAME})
        self.env = {**os.environ, "DATABASE_URL": args.pg_url, "LINE_CHANNEL_SECRET": SECRET,
                    "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": self.line.url, "SECRET_KEY": QR_SECRET,
                    "PUBLIC_BASE_URL": "https://smartkids.example", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
                    "REPLY_TOKEN_MAX_AGE_SECONDS": "3600", "MEDIA_DIR": str(workdir / f"media-{tag}")}
        self.kinds: dict[str, str] = {}   # reply token -> "text" / "photo"
        self.workers: list = []

    def store(self, groups: list[tuple[list[tuple[bytes, dict, str]], str]]) -> float:
        """POST each group's events through gunicorn and move them to its holding table; the web CPU seconds."""
        port = free_port()
        web, _ = self.procs.start(f"web-{self.tag}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                                      "-b", f"127.0.0.1:{port}", "bot:create_app()"],
                                  {**self.env, "PORT": str(port)})
        web_cpu = 0.0
        try:
            wait_for(lambda: http_ok(port, "/healthz"), 60, "gunicorn")
            burst(port, [self.platform.webhook_body() for _ in range(16)], 8, 10)  # warm: LINE's empty "verify"
            for requests_, hold in groups:
                cpu0 = tree_cpu(web.pid)
                result = burst(port, [(b, h) for b, h, _ in requests_], self.args.clients, 120)
                web_cpu += tree_cpu(web.pid) - cpu0
                self._hold(requests_, result, hold)
        finally:
            self.procs.stop()
        return web_cpu

    def _hold(self, requests_: list[tuple[bytes, dict, str]], result: dict, hold: str) -> None:
        """Check every event was stored, then move the inbox rows to table `hold`."""
        refused = sum(n for status, n in result["statuses"].items() if status != 200)
        if refused:
            raise RuntimeError(f"the webhook refused {refused} events: {dict(result['statuses'])}")
        for body, _, kind in requests_:
            self.kinds[json.loads(body)["events"][0]["replyToken"]] = kind
        inbox = InboxEvent.__tablename__
        with self.engine.begin() as conn:
            stored = conn.scalar(sql(f"SELECT count(*) FROM {inbox}"))
            if stored != len(requests_):
                raise RuntimeError(f"{stored} inbox rows for {len(requests_)} events")
            conn.execute(sql(f"CREATE TABLE {hold} AS SELECT * FROM {inbox}"))
            conn.execute(sql(f"DELETE FROM {inbox}"))

    def start_workers(self, n: int, counting: Path | None = None) -> None:
        """Start n `python -m bot.worker` processes (or one counting wrapper) and wait until they idle."""
        logs = []
        for k in range(n):
            argv = ([sys.executable, "-c", COUNTING_WORKER, str(counting)] if counting
                    else [sys.executable, "-m", "bot.worker"])
            proc, log = self.procs.start(f"worker-{self.tag}-{k}", argv, self.env)
            self.workers.append(proc)
            logs.append(log)
        wait_for(lambda: all(b"worker started" in p.read_bytes() for p in logs), 90, "workers")
        time.sleep(1.0)  # past start-up: each worker has polled the empty inbox at least once

    def release(self, hold: str) -> float:
        """Put the held events back into the inbox in one transaction; the time it committed."""
        with self.engine.begin() as conn:
            conn.execute(sql(f"INSERT INTO {InboxEvent.__tablename__} SELECT * FROM {hold}"))
            conn.execute(sql(f"DROP TABLE {hold}"))
        return time.time()

    def answered(self) -> int:
        """Reply tokens of this stage answered with a successful reply call."""
        with self.platform.lock:
            return len({c["body"]["replyToken"] for c in self.platform.calls
                        if c["path"] == "/v2/bot/message/reply" and c["status"] == 200})

    def wait_answers(self, expected: int, limit: float) -> bool:
        """Poll (every 50 ms, at most `limit` s) until `expected` events have their reply."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.answered() >= expected:
                return True
            time.sleep(0.05)
        return False

    def settle(self, limit: float = 20) -> tuple[Counter, Counter]:
        """Wait (bounded) until no inbox or outbox row is pending; the inbox and outbox status counts."""
        deadline = time.monotonic() + limit
        while True:
            with self.engine.connect() as conn:
                inbox = Counter(dict(conn.execute(sql(
                    f"SELECT status, count(*) FROM {InboxEvent.__tablename__} GROUP BY status")).all()))
                outbox = Counter(dict(conn.execute(sql(
                    f"SELECT status, count(*) FROM {OutboxMessage.__tablename__} GROUP BY status")).all()))
            if (inbox["pending"] == 0 and outbox["pending"] == 0) or time.monotonic() > deadline:
                return inbox, outbox
            time.sleep(0.1)

    def verdict(self) -> dict:
        """Per event: lost (no successful reply), answered twice (a second reply call, a replayed push)."""
        with self.platform.lock:
            calls = list(self.platform.calls)
        entries = [e for e in self.platform.entries() if e["from"] == "bot"]
        tries = Counter(c["body"]["replyToken"] for c in calls if c["path"] == "/v2/bot/message/reply")
        ok = {c["body"]["replyToken"] for c in calls if c["path"] == "/v2/bot/message/reply" and c["status"] == 200}
        return {"lost": sum(1 for t in self.kinds if t not in ok),
                "dupes": sum(n - 1 for n in tries.values() if n > 1)
                + sum(1 for c in calls if c["path"].endswith("/push") and c["status"] == 409),
                "pushes": sum(1 for e in entries if e["kind"] == "push"),
                "last": max((e["at"] for e in entries if e["kind"] == "reply"), default=float("nan")),
                "calls": Counter(c["path"].rsplit("/", 1)[-1] if "/content" not in c["path"] else "content"
                                 for c in calls)}

    def close(self) -> None:
        """Stop the workers (by pid), the fake LINE, and the bench's connections; keep the answers with --logs."""
        self.procs.stop()
        if self.args.logs:
            with open(self.workdir / f"answers-{self.tag}.txt", "w", encoding="utf-8") as out:
                for e in self.platform.entries():
                    shown = [m.get("text") or m.get("altText") or m.get("type") for m in e["messages"]]
                    out.write(f"{e['from']}\t{e['chat_id']}\t{e['kind']}\t{json.dumps(shown, ensure_ascii=False)}\n")
        self.line.shutdown()
        self.engine.dispose()


# ---------------------------------------------------------------- part 1: 1, 2, 4 workers

def scale_run(args, workdir: Path, workers: int, moves: list[Move], photos: list[bytes]) -> dict:
    """Events/s of W worker processes draining the held morning."""
    stage = Stage(args, workdir, f"w{workers}")
    try:
        requests_ = build(stage.platform, moves, photos)
        stage.store([(requests_, "bench_hold")])
        stage.start_workers(workers)
        t0 = stage.release("bench_hold")
        finished = stage.wait_answers(len(requests_), args.timeout)
        inbox, outbox = stage.settle()
        v = stage.verdict()
        elapsed = v["last"] - t0
        return {"workers": workers, "events": len(requests_), "photos": sum(m.photo is not None for m in moves),
                "seconds": elapsed, "rate": len(requests_) / elapsed if finished else float("nan"),
                "finished": finished, "inbox": inbox, "outbox": outbox, **v}
    finally:
        stage.close()


def print_scale(results: list[dict]) -> None:
    """The table of part 1 and the speed-up."""
    print("\n| workers | events (photos) | drain s | events/s | lost | answered twice | failed | pushes | ok |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['workers']} | {r['events']} ({r['photos']}) | {r['seconds']:.1f} | {r['rate']:.1f} | "
              f"{r['lost']} | {r['dupes']} | {r['inbox']['failed']} | {r['pushes']} | {'yes' if ok(r) else 'NO'} |")
    by = {r["workers"]: r["rate"] for r in results}
    lo, hi = min(by), max(by)
    if hi > lo:
        gain = by[hi] / by[lo]
        goal = f" (goal >= {GOAL_SPEEDUP}x for 1 -> 4: {'met' if gain >= GOAL_SPEEDUP else 'MISSED'})" \
            if (lo, hi) == (1, 4) else ""
        print(f"\nspeed-up {lo} -> {hi} workers: {gain:.2f}x{goal}")


def ok(r: dict) -> bool:
    """Whether a run finished with every event answered exactly once and none failed."""
    return r["finished"] and r["lost"] == 0 and r["dupes"] == 0 and r["inbox"]["failed"] == 0


# ---------------------------------------------------------------- part 2: cost per event

def counters(path: Path) -> dict:
    """The counting worker's last dump (statements, commits, rollbacks)."""
    for _ in range(20):
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            time.sleep(0.05)
    raise RuntimeError(f"no counts from the counting worker in {path}")


def cost_run(args, workdir: Path, moves: list[Move], photos: list[bytes]) -> dict:
    """CPU, SQL and wall time per text and per photo event on one counted worker process."""
    stage = Stage(args, workdir, "cost")
    counts = workdir / "counts.json"
    out = {"ok": True}
    try:
        texts = [m for m in moves if m.photo is None]
        shots = [m for m in moves if m.photo is not None]
        warm = build(stage.platform, texts[-WARM_TEXTS:] + shots[-1:], photos)  # not among the measured
        text_reqs = build(stage.platform, texts[:args.cost_texts], photos)
        photo_reqs = build(stage.platform, shots[:args.cost_photos], photos)
        web = stage.store([(text_reqs, "bench_hold_text"), (photo_reqs, "bench_hold_photo"), (warm, "bench_hold_warm")])
        out["web_ms"] = 1000 * web / (len(text_reqs) + len(photo_reqs) + len(warm))
        stage.start_workers(1, counting=counts)
        pid = stage.workers[0].pid
        stage.release("bench_hold_warm")  # first calls import and cache (decoders, routes): not an event's cost
        done = len(warm)
        if not stage.wait_answers(done, args.timeout):
            raise RuntimeError("the warm-up events were not answered in time")
        stage.settle()
        idle0, cpu_idle0, t_idle0 = counters(counts), cpu_seconds(pid), time.time()
        time.sleep(2.0)
        idle1, cpu_idle1, t_idle1 = counters(counts), cpu_seconds(pid), time.time()
        idle_sql = (idle1["statements"] - idle0["statements"]) / (t_idle1 - t_idle0)
        idle_cpu = (cpu_idle1 - cpu_idle0) / (t_idle1 - t_idle0)
        out["idle"] = (idle_sql, idle_cpu * 1000)
        for kind, reqs, hold in (("text", text_reqs, "bench_hold_text"), ("photo", photo_reqs, "bench_hold_photo")):
            if not reqs:
                continue
            c0, cpu0, db0 = counters(counts), cpu_seconds(pid), backend_cpu(stage.engine)
            t0 = stage.release(hold)
            done += len(reqs)
            if not stage.wait_answers(done, args.timeout):
                out["ok"] = False
                print(f"  cost: the {kind} events did not finish within {args.timeout:.0f} s")
                break
            stage.settle()
            c1, cpu1, db1, t1 = counters(counts), cpu_seconds(pid), backend_cpu(stage.engine), time.time()
            last = stage.verdict()["last"]
            tail = max(0.0, t1 - last)  # idle polling after the last answer, taken out again
            n = len(reqs)
            tx = (c1["commits"] - c0["commits"]) + (c1["rollbacks"] - c0["rollbacks"])
            statements = (c1["statements"] - c0["statements"]) - idle_sql * tail
            out[kind] = {"n": n, "cpu_ms": 1000 * ((cpu1 - cpu0) - idle_cpu * tail) / n,
                         "wall_ms": 1000 * (last - t0) / n, "statements": statements / n, "tx": tx / n,
                         "round_trips": (statements + 2 * tx) / n, "db_ms": 1000 * backend_delta(db0, db1) / n}
        v = stage.verdict()
        inbox, _ = stage.settle()
        out["ok"] = out["ok"] and v["lost"] == 0 and v["dupes"] == 0 and inbox["failed"] == 0
        out["verdict"] = v
    finally:
        stage.close()
    return out


def print_cost(cost: dict, args) -> None:
    """The cost table of part 2 and the national arithmetic."""
    print(f"\ncost per event, one worker process, LINE answering in {args.latency_ms:.0f} ms "
          f"(idle worker: {cost['idle'][0]:.1f} statements/s, {cost['idle'][1]:.1f} ms CPU/s, taken out):")
    print("\n| event | n | worker CPU ms | wall ms on 1 worker | SQL statements | transactions | round trips "
          "| DB backend CPU ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("text", "photo"):
        c = cost.get(kind)
        if c:
            print(f"| {kind} | {c['n']} | {c['cpu_ms']:.1f} | {c['wall_ms']:.0f} | {c['statements']:.1f} | "
                  f"{c['tx']:.1f} | {c['round_trips']:.1f} | {c['db_ms']:.1f} |")
    print(f"\nweb (gunicorn) CPU per stored event: {cost['web_ms']:.1f} ms; "
          f"LINE calls: {dict(cost['verdict']['calls'])}")
    if "text" in cost and "photo" in cost:
        national(cost, args)


def national(cost: dict, args) -> None:
    """The national morning peak, sized from the measured per-event figures."""
    t, p, c_t, c_p = args.peak_texts, args.peak_photos, cost["text"], cost["photo"]
    per_s = lambda key: t * c_t[key] + p * c_p[key]  # noqa: E731
    busy = per_s("wall_ms") / 1000          # Little's law: events in flight = rate x time per event
    worker_cores = per_s("cpu_ms") / 1000
    web_cores = (t + p) * cost["web_ms"] / 1000
    db_cores = per_s("db_ms") / 1000
    print(f"\nnational morning peak: {t:.0f} text + {p:.0f} photo events/s for 90 min "
          f"({(t + p) * 5400 / 1e6:.2f} M events); a province (1/100) is {(t + p) / 100:.1f} events/s")
    print(f"  worker processes busy at once (rate x wall time per event): {busy:.0f} "
          f"-> run {max(2, round(busy * 1.5))} (50 % headroom)")
    print(f"  worker CPU: {worker_cores:.1f} cores; web CPU: {web_cores:.1f} cores; "
          f"PostgreSQL backend CPU: {db_cores:.1f} cores")
    print(f"  database: {per_s('statements'):.0f} statements/s, {per_s('tx'):.0f} transactions/s, "
          f"{per_s('round_trips'):.0f} round trips/s")
    print(f"  a province: {busy / 100:.1f} busy workers, {worker_cores * 10:.0f} ms worker CPU/s, "
          f"{per_s('statements') / 100:.0f} statements/s")


# ---------------------------------------------------------------- main

def parse_args(argv=None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(prog="python bench/scaleout.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=300, help="events in the morning workload (each W run)")
    p.add_argument("--workers", default="1,2,4", help="worker process counts, in one run")
    p.add_argument("--photo-share", type=float, default=15 / 295, help="share of photo events (national: 15/295)")
    p.add_argument("--latency-ms", type=float, default=80.0, help="fake LINE's answer time for every API call")
    p.add_argument("--centres", type=int, help="centres in the roster (default: events / 20, at least 4)")
    p.add_argument("--children", type=int, default=30, help="children per centre")
    p.add_argument("--cost-texts", type=int, default=150, help="text events in the cost run (0: no cost run)")
    p.add_argument("--cost-photos", type=int, default=15, help="photo events in the cost run")
    p.add_argument("--peak-texts", type=float, default=280.0, help="national peak text events/s")
    p.add_argument("--peak-photos", type=float, default=15.0, help="national peak photo events/s")
    p.add_argument("--clients", type=int, default=8, help="client threads posting the webhooks")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--timeout", type=float, default=240, help="seconds a drain may take at most")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_SCALE_DATABASE_URL", PG_DEFAULT),
                   help="PostgreSQL database to use (created if absent, its public schema is emptied)")
    p.add_argument("--photo-cache", default=os.environ.get("QR_BENCH_CACHE", "/tmp/smartkids-qr-bench"),
                   help="folder caching the generated phone photos")
    p.add_argument("--logs", help="keep the gunicorn and worker logs in this folder")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Part 1, part 2, the verdict."""
    args = parse_args(argv)
    why = pg_ready(args.pg_url)
    if why:
        print(f"PostgreSQL at {args.pg_url} is not reachable ({why}); nothing measured")
        return 1
    args.today = date.today()
    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    scale_photos = round(args.events * args.photo_share)
    scale_texts = args.events - scale_photos
    cost_texts, cost_photos = (args.cost_texts + WARM_TEXTS, args.cost_photos + 1) if args.cost_texts else (0, 0)
    n_texts, n_photos = max(scale_texts, cost_texts), max(scale_photos, cost_photos)
    kids_needed = n_texts + n_photos * CARDS_PER_PHOTO  # at most: every text a check-in by name
    centres = args.centres or max(4, -(-kids_needed // int(args.children * 0.9)))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="smartkids-scaleout-") as tmp:
        workdir = Path(args.logs or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        args.roster = generate(workdir / "roster.csv", centres=centres, children_per_centre=args.children,
                               seed=args.seed, today=args.today)
        cast = seed_preview(args)
        # one morning serves both parts: part 1 takes its share of it, part 2 its texts and photos
        moves, cards = morning(cast, n_texts, n_photos, args.seed)
        print(f"{centres} centres x {args.children} children; {len(cards)} photos of {CARDS_PER_PHOTO} cards to "
              f"make or load from {args.photo_cache} …", flush=True)
        photos = [photo_bytes(c, i, Path(args.photo_cache)) for i, c in enumerate(cards)]
        scale_moves = pick(moves, scale_texts, scale_photos)
        results, cost = [], None
        try:
            for w in counts:
                print(f"{w} worker process(es): {len(scale_moves)} events, LINE answering in "
                      f"{args.latency_ms:.0f} ms …", flush=True)
                results.append(scale_run(args, workdir, w, scale_moves, photos))
                r = results[-1]
                print(f"  {r['rate']:.1f} events/s; inbox {dict(r['inbox'])}, LINE calls {dict(r['calls'])}",
                      flush=True)
            print_scale(results)
            if args.cost_texts:
                print(f"\ncost run: {args.cost_texts} texts, then {args.cost_photos} photos, one counted worker …",
                      flush=True)
                cost = cost_run(args, workdir, moves, photos)
                print_cost(cost, args)
        except (RuntimeError, TimeoutError) as exc:
            print(f"failed: {exc}; the last lines of each log:")
            for log in sorted(workdir.glob("*.log")):
                print(f"--- {log.name}\n" + log.read_text(errors="replace")[-1500:])
            return 1
    print(f"\n(total {time.monotonic() - started:.0f} s)")
    return 0 if all(ok(r) for r in results) and (cost is None or cost["ok"]) else 1


def seed_preview(args) -> Cast:
    """Seed the roster once to learn the cast (ids are the same in every fresh schema)."""
    fresh_pg(args.pg_url)
    return seed(args.pg_url, args.roster, args.today)


def pick(moves: list[Move], texts: int, photos: int) -> list[Move]:
    """The first `texts` text moves and the first `photos` photo moves, in their order."""
    out = []
    for move in moves:
        wanted = texts if move.photo is None else photos
        if wanted > 0:
            out.append(move)
            texts, photos = (texts - 1, photos) if move.photo is None else (texts, photos - 1)
    return out

if __name__ == "__main__":
    sys.exit(main())
