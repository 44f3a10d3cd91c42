"""A month of the demo roster through the simulator: billable LINE messages per centre in in-group mode and in
1:1 mode, and the delay from a centre's cutoff to its teachers' alert.

    python bench/month.py [--month 2026-12] [--centres 3] [--children 30] [--seed 7] [--mode all|group|1to1|digest]

Everything runs in this process, on a simulated clock: a fresh SQLite file, the fake LINE (simulator.platform,
served on 127.0.0.1, billing every push per recipient and per group member), the bot's webhook (Flask test
client), the worker (`run_once`) and the clock's jobs called minute by minute around the cutoff and every five
minutes otherwise. The demo roster generator (`simulator.demo_roster`) makes the centres; each gets a teacher, a
head, a driver per van, a parent group (every guardian + the teacher and head) and a third of the guardians
linked in 1:1; the LAO gets an official.

Every school day (Thai public holidays and weekends skipped) and centre, seeded: guardians report sick leave in
1:1 (or the teacher records it); drivers board the van children by tapping the van list, say "ถึงศูนย์แล้ว" and
confirm "รถว่างแล้ว"; the teacher checks children in by name (a few late), records the health check, lunch (menu +
tray photo) and an activity (photo + caption) — in the parent group (in-group mode) or in 1:1 (1:1 mode) — and forgets lunch or the
activity now and then (reminders); unreported absences and late arrivals raise cutoff alerts, which the teacher
answers 3-20 minutes after the cutoff (after 15 they have escalated to guardians and the LAO); an urgent van alert
is answered within minutes.

Modes: "group" (teachers work in the parent group), "1to1" (in 1:1: the roll-up at the cutoff and the daily digest
reach the group), "digest" (in 1:1 with the head's "เวลาส่งสรุป ปิด": the digest alone).

Printed: per centre and mode, billable messages in the month by kind (group pushes, staff, guardians, officials),
and the delay from cutoff to the alert push (simulated clock, minute ticks) plus the wall time of the safety job.
Target: a 30-child centre in in-group mode fits LINE's free 300 messages a month.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

import models  # noqa: E402
from bot import create_app  # noqa: E402
from bot.db import transaction  # noqa: E402
from bot.worker import run_once  # noqa: E402
from domain.calendar import is_weekday_open  # noqa: E402
from domain.invites import create_invite  # noqa: E402
from domain.roster import import_roster  # noqa: E402
from models import (Absence, Activity, Alert, Attendance, Centre, Child, ChildGuardian, Guardian, Lao,  # noqa: E402
                    Lunch, VanTrip)
from scheduler import jobs  # noqa: E402
from simulator.demo_roster import generate  # noqa: E402
from simulator.platform import LinePlatform  # noqa: E402
from simulator.server import serve  # noqa: E402

SECRET, TOKEN = "bench-secret", "bench-token"
BANGKOK = ZoneInfo("Asia/Bangkok")
FREE_PLAN = 300


class Clock:
    """The simulated wall clock shared by the bot and the fake LINE."""

    def __init__(self, when: datetime):
        self.t = when.timestamp()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, timezone.utc)

    def time(self) -> float:
        return self.t

    def set(self, when: datetime) -> None:
        self.t = max(self.t, when.timestamp())


def tray_photo(seed: int) -> bytes:
    """A small JPEG standing in for a phone photo of lunch or an activity."""
    out = BytesIO()
    Image.new("RGB", (640, 480), (seed * 37 % 255, 120, 80)).save(out, "JPEG", quality=80)
    return out.getvalue()


def buttons(message: dict) -> list[dict]:
    """Every action of a bot message: its quick replies and its flex cards' footer buttons."""
    found = [i["action"] for i in message.get("quickReply", {}).get("items", [])]
    if message.get("type") == "flex":
        for card in message["contents"].get("contents", []):
            found += [b["action"] for b in card.get("footer", {}).get("contents", [])]
    return found


def child_tap(messages: list[dict], action: str, child_id: int) -> dict | None:
    """The postback button `action` for one child (`c=<id>`) among the messages' buttons, if shown."""
    return next((a for m in messages for a in buttons(m) if a["type"] == "postback"
                 and a["data"].startswith(f"a={action}&") and f"c={child_id}&" in a["data"] + "&"), None)


class Month:
    """One simulated month of one mode: the bot, the fake LINE, the people, and the day script."""

    def __init__(self, args, mode: str, workdir: Path):
        self.args, self.mode, self.rng = args, mode, random.Random(f"{args.seed}:{mode}")
        first = date.fromisoformat(args.month + "-01")
        self.clock = Clock(datetime.combine(first, datetime.min.time(), BANGKOK).replace(hour=6))
        url = f"sqlite:///{workdir / f'month-{mode}.db'}"
        engine = create_engine(url)
        models.Base.metadata.create_all(engine)
        engine.dispose()
        self.line = LinePlatform(SECRET, TOKEN, clock=self.clock.time, monthly_limit=None, timeout_delay=1.5)
        self.server = serve(self.line)
        self.line.url = self.server.url
        app = create_app({"DATABASE_URL": url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                          "LINE_API_BASE_URL": self.server.url, "PUBLIC_BASE_URL": "https://smartkids.example",
                          "MEDIA_DIR": str(workdir / f"media-{mode}")})
        self.rt = app.extensions["smartkids"]
        self.rt.clock = self.clock.now
        client = app.test_client()
        self.line.deliver = lambda body, headers: client.post("/callback", data=body, headers=headers).status_code
        roster = generate(workdir / "roster.csv", centres=args.centres, children_per_centre=args.children,
                          seed=args.seed, today=first)
        with transaction(self.rt.sessions) as session:
            import_roster(session, roster, today=first)
        self.owner: dict[str, str] = {}  # chat id → centre code ("LAO" for officials)
        self.delays: list[float] = []
        self.tick_ms: list[float] = []
        self.setup_people()

    # ── moves ─────────────────────────────────────────────────────────────────────────────────────────────

    def run(self, act) -> None:
        """One platform move, then the worker handles it."""
        act()
        run_once(self.rt)

    def say(self, user: str, body: str, group: str | None = None) -> list[dict]:
        """Send text as `user` (in `group` if given); returns the bot's new messages in that chat."""
        chat = group or user
        before = len(self.line.bot_messages(chat))
        self.run(lambda: self.line.text(user, body, group_id=group))
        return self.line.bot_messages(chat)[before:]

    def tap(self, user: str, message: dict, label: str, group: str | None = None) -> list[dict]:
        """Tap a button (quick reply or flex footer) labelled `label` in a bot message."""
        action = next((a for a in buttons(message) if a["label"] == label), None)
        if action is None:
            return []
        chat = group or user
        before = len(self.line.bot_messages(chat))
        if action["type"] == "postback":
            self.run(lambda: self.line.postback(user, action["data"], group_id=group))
        else:
            self.run(lambda: self.line.text(user, action["text"], group_id=group))
        return self.line.bot_messages(chat)[before:]

    def photo(self, user: str, data: bytes, group: str | None = None) -> list[dict]:
        chat = group or user
        before = len(self.line.bot_messages(chat))
        self.run(lambda: self.line.image(user, data, group_id=group))
        return self.line.bot_messages(chat)[before:]

    def register(self, user: str, name: str, role: str, scope: str, owner: str) -> None:
        self.line.add_user(user, name)
        self.run(lambda: self.line.follow(user))
        with transaction(self.rt.sessions) as session:
            code = create_invite(session, role, scope, self.rt.cfg.secret, self.rt.now())
        self.say(user, code)
        self.owner[user] = owner

    # ── people ────────────────────────────────────────────────────────────────────────────────────────────

    def setup_people(self) -> None:
        """Staff, drivers, officials, parent groups and linked guardians, registered the way real ones are."""
        with transaction(self.rt.sessions) as s:
            centres = [(c.code, s.scalar(select(Lao.code).where(Lao.id == c.lao_id)))
                       for c in s.scalars(select(Centre).order_by(Centre.code))]
            kids = {code: [(k.id, k.first_name, k.last_name, k.van_code if k.rides_van else "")
                           for k in s.scalars(select(Child).join(Centre).where(Centre.code == code, Child.active)
                                              .order_by(Child.code))] for code, _ in centres}
            guardians = {code: sorted({(g.id, cg.child_id) for cg, g in s.execute(
                select(ChildGuardian, Guardian).join(Guardian, Guardian.id == ChildGuardian.guardian_id).join(
                    Child, Child.id == ChildGuardian.child_id).join(Centre).where(Centre.code == code))})
                for code, _ in centres}
        self.centres, self.kids, self.parents_of = [code for code, _ in centres], kids, defaultdict(list)
        for lao in sorted({lao for _, lao in centres}):
            self.register(f"Ulao{lao}", f"ปลัด {lao}", "lao", lao, "LAO")
        for code, _ in centres:
            self.register(f"Ut{code}", f"ครู {code}", "teacher", code, code)
            self.register(f"Uh{code}", f"หัวหน้า {code}", "head", code, code)
            for van in sorted({v for *_, v in kids[code] if v}):
                self.register(f"Ud{code}{van}", f"คนขับ {van}", "driver", code, code)
            seen = {}
            for guardian_id, child_id in guardians[code]:
                seen.setdefault(guardian_id, child_id)
            members = [f"Ut{code}", f"Uh{code}"] + [f"Ug{gid}" for gid in seen]
            group = f"G{code}"
            self.line.add_group(group, f"ผู้ปกครอง {code}", members)
            self.owner[group] = code
            self.run(lambda: self.line.join(group))
            bind_code = self.say(f"Ut{code}", "เชื่อมกลุ่มผู้ปกครอง")[-1]["text"].split("\n\n")[1]
            self.say(f"Ut{code}", bind_code, group=group)
            if self.mode == "digest":
                self.say(f"Uh{code}", "เวลาส่งสรุป ปิด")
            names = {kid_id: f"{first} {last}" for kid_id, first, last, _ in kids[code]}
            for n, (guardian_id, child_id) in enumerate(sorted(seen.items())):
                if n % 3:
                    continue  # two guardians in three stay in the group only
                user = f"Ug{guardian_id}"
                self.line.add_user(user, f"ผู้ปกครอง {guardian_id}")
                self.run(lambda: self.line.follow(user))
                parts = self.say(f"Ut{code}", f"รหัสผู้ปกครอง {names[child_id]}")[-1]["text"].split("\n\n")
                self.say(f"Ut{code}", "ยกเลิก")
                if len(parts) < 2:
                    continue  # two children share the full name: this guardian stays in the group only
                self.say(user, parts[1])
                self.owner[user] = code
                self.parents_of[child_id].append(user)
        self.line.billable.clear()  # the month's bill starts now (registration replies are free anyway)

    # ── the clock ─────────────────────────────────────────────────────────────────────────────────────────

    def tick(self, when: datetime) -> None:
        """Move the clock to `when` and run every job that would have fired."""
        self.clock.set(when)
        now = self.rt.now()
        started = time.perf_counter()
        jobs.safety_checks(self.rt, now)
        self.tick_ms.append((time.perf_counter() - started) * 1000)
        if now.minute % 5 == 0:
            jobs.teacher_reminders(self.rt, now)
            jobs.parent_rollups(self.rt, now)
            jobs.daily_digests(self.rt, now)
        jobs.sweep_outbox(self.rt, now)

    def at(self, day: date, hhmm: str) -> datetime:
        return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), BANGKOK)

    # ── a day ─────────────────────────────────────────────────────────────────────────────────────────────

    def day(self, day: date) -> None:
        """One day: the script of every centre interleaved with the clock's ticks."""
        events = []  # (when, order, callable)
        ticks = [self.at(day, "06:30") + timedelta(minutes=5 * n) for n in range(0, 130)]
        ticks += [self.at(day, "08:50") + timedelta(minutes=n) for n in range(0, 60)]
        for when in sorted(set(ticks)):
            events.append((when, 1, lambda w=when: self.tick(w)))
        if is_weekday_open(day):
            for code in self.centres:
                events += self.centre_day(code, day)
        for when, _, act in sorted(events, key=lambda e: (e[0], e[1])):
            self.clock.set(when)
            act()

    def centre_day(self, code: str, day: date) -> list[tuple]:
        """The moves of one centre's school day, each at its time."""
        rng, teacher, group = self.rng, f"Ut{code}", f"G{code}"
        where = group if self.mode == "group" else None
        fates = {}
        for kid_id, *_ in self.kids[code]:
            roll = rng.random()
            fates[kid_id] = ("sick" if roll < 0.04 else "unreported" if roll < 0.07 else "late" if roll < 0.12
                             else "on_time")
        name = {kid_id: f"{first} {last}" for kid_id, first, last, _ in self.kids[code]}
        events = []

        def leave(kid_id):
            parents = self.parents_of.get(kid_id)
            if parents:
                asked = self.say(parents[0], "ลาป่วย วันนี้")
                if asked:
                    self.tap(parents[0], asked[-1], "ยืนยัน")
            else:
                asked = self.say(teacher, f"ลาป่วย {name[kid_id]}")
                if asked:
                    self.tap(teacher, asked[-1], "ยืนยัน")

        for kid_id, fate in fates.items():
            if fate == "sick":
                events.append((self.at(day, "06:40") + timedelta(minutes=rng.randint(0, 60)), 0,
                               lambda k=kid_id: leave(k)))
        vans = defaultdict(list)
        for kid_id, _, _, van in self.kids[code]:
            if van and fates[kid_id] == "on_time":
                vans[van].append(kid_id)
        for van, riders in vans.items():
            driver = f"Ud{code}{van}"
            events.append((self.at(day, "07:00"), 2, lambda d=driver, r=riders: self.board(d, r)))
            events.append((self.at(day, "07:35"), 2, lambda d=driver: self.say(d, "ถึงศูนย์แล้ว")))
            events.append((self.at(day, "07:38"), 2, lambda r=riders: self.checkin(teacher, r, name, where)))
            events.append((self.at(day, "07:45"), 2, lambda d=driver: self.empty(d)))
        on_time = [k for k, f in fates.items() if f == "on_time" and not any(k in r for r in vans.values())]
        rng.shuffle(on_time)
        for n in range(0, len(on_time), 6):
            events.append((self.at(day, "07:30") + timedelta(minutes=10 * (n // 6)), 2,
                           lambda b=on_time[n:n + 6]: self.checkin(teacher, b, name, where)))
        events.append((self.at(day, "08:40"), 2, lambda: self.say(teacher, "สุขภาพปกติทุกคน", where)))
        for kid_id, fate in fates.items():
            if fate == "late":
                events.append((self.at(day, "09:05") + timedelta(minutes=rng.randint(0, 35)), 2,
                               lambda k=kid_id: self.checkin(teacher, [k], name, where)))
        ack_at = self.at(day, "09:00") + timedelta(minutes=rng.randint(3, 20))  # > 15 min: escalated
        events.append((ack_at, 2, lambda: self.acknowledge(code, teacher)))
        events.append((self.at(day, "07:55"), 2, lambda: self.acknowledge(code, teacher)))  # urgent: at once
        if rng.random() > 0.1:
            events.append((self.at(day, "10:45"), 2, lambda: self.lunch(teacher, where, day)))
        if rng.random() > 0.1:
            events.append((self.at(day, "14:00"), 2, lambda: self.activity(teacher, where, day)))
        return events

    def checkin(self, teacher: str, kids: list[int], names: dict, where: str | None) -> None:
        """The teacher types "มา <names>"; where two children share a name she taps the right one."""
        replies = self.say(teacher, "มา " + " ".join(names[k] for k in kids), where)
        for kid_id in kids:
            mine = child_tap(replies, "ci.arrive", kid_id)
            if mine:
                self.run(lambda a=mine: self.line.postback(teacher, a["data"], group_id=where))

    def board(self, driver: str, riders: list[int]) -> None:
        """The driver opens the van list and taps each child who gets on."""
        shown = self.say(driver, "ขึ้นรถ")
        for kid_id in riders:
            if not shown:
                return
            mine = child_tap(shown[-1:], "van.board", kid_id)
            if mine is None:
                shown = self.say(driver, "ขึ้นรถ")  # the child is on another page: open the list again
                continue
            before = len(self.line.bot_messages(driver))
            self.run(lambda: self.line.postback(driver, mine["data"]))
            shown = self.line.bot_messages(driver)[before:]

    def empty(self, driver: str) -> None:
        """After the trip the driver confirms the van is empty (checking again when warned), without a photo."""
        replies = self.say(driver, "รถว่างแล้ว")
        if replies and self.tap(driver, replies[-1], "ตรวจแล้ว ว่างจริง"):
            replies = self.line.bot_messages(driver)[-1:]
        if replies:
            self.tap(driver, replies[-1], "ไม่ส่งรูป")

    def acknowledge(self, code: str, teacher: str) -> None:
        """The teacher answers each open alert: the parent was phoned."""
        with transaction(self.rt.sessions) as s:
            open_ = s.scalars(select(Alert.id).join(Centre, Centre.id == Alert.centre_id).where(
                Centre.code == code, Alert.day == self.rt.now().date(), Alert.acknowledged_at.is_(None))).all()
        if not open_:
            return
        cards = [m for m in self.line.bot_messages(teacher) if m.get("type") == "flex"]
        if not cards:
            return
        for card in cards[-1]["contents"]["contents"]:
            actions = {b["action"]["label"]: b["action"] for b in card.get("footer", {}).get("contents", [])}
            urgent = "ด่วน" in str(card.get("body", ""))
            action = actions.get("มาแล้ว" if urgent else "ติดต่อผู้ปกครองแล้ว") or actions.get("ตรวจรถแล้ว ไม่มีเด็ก")
            if action:
                self.run(lambda a=action: self.line.postback(teacher, a["data"]))

    def lunch(self, teacher: str, where: str | None, day: date) -> None:
        self.say(teacher, "อาหารกลางวัน", where)
        self.say(teacher, "ข้าวสวย\nต้มจืดเต้าหู้หมูสับ\nกล้วยน้ำว้า", where)
        self.cleared(teacher, self.photo(teacher, tray_photo(day.day), where), where)

    def activity(self, teacher: str, where: str | None, day: date) -> None:
        self.say(teacher, "กิจกรรม", where)
        self.say(teacher, "เล่นน้ำกลางแจ้ง", where)
        replies = self.photo(teacher, tray_photo(day.day + 50), where)
        if replies:
            self.cleared(teacher, self.tap(teacher, replies[-1], "ไม่ระบุ", where), where)

    def cleared(self, teacher: str, replies: list[dict], where: str | None) -> None:
        """Children without photo consent: the teacher confirms none of them is in the photo."""
        if replies:
            self.tap(teacher, replies[-1], "ยืนยัน ไม่มีในรูป", where)

    # ── the month ─────────────────────────────────────────────────────────────────────────────────────────

    def simulate(self, days: int | None) -> None:
        first = date.fromisoformat(self.args.month + "-01")
        day = first
        while day.month == first.month and (days is None or (day - first).days < days):
            self.day(day)
            day += timedelta(days=1)
        with transaction(self.rt.sessions) as s:
            for alert in s.scalars(select(Alert)):
                sent = next((step for step in alert.steps if step["step"] == "sent"), None)
                centre = s.get(Centre, alert.centre_id)
                if sent and alert.kind == "missing":
                    at = datetime.fromisoformat(sent["at"])
                    cutoff = datetime.combine(alert.day, centre.cutoff, BANGKOK)
                    self.delays.append((at - cutoff).total_seconds())
            self.alerts = len(s.scalars(select(Alert.id)).all())
            count = lambda model: len(s.scalars(select(model.id)).all())  # noqa: E731
            kinds = defaultdict(int)
            for kind in s.scalars(select(Alert.kind)):
                kinds[kind] += 1
            self.records = {"arrivals": count(Attendance), "leave": count(Absence), "lunches": count(Lunch),
                            "activities": count(Activity), "van trips": count(VanTrip),
                            "alerts (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")": self.alerts,
                            "escalated": len(s.scalars(select(Alert.id).where(Alert.escalated_at.is_not(None))).all())}

    def bill(self) -> dict[str, dict[str, int]]:
        """Billable messages per centre (officials under "LAO"), split by who received them."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for chat, n in self.line.billable.items():
            owner = self.owner.get(chat, "?")
            kind = ("group" if chat.startswith("G") else "officials" if chat.startswith("Ulao") else
                    "guardians" if chat.startswith("Ug") else "staff")
            out[owner][kind] += n
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.rt.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--centres", type=int, default=3)
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=None, help="simulate only the first N days (quick runs)")
    parser.add_argument("--mode", choices=("all", "group", "1to1", "digest"), default="all",
                        help="digest = 1:1 with the intraday roll-up off (the head's 'เวลาส่งสรุป ปิด')")
    args = parser.parse_args()
    modes = ["group", "1to1", "digest"] if args.mode == "all" else [args.mode]
    first = date.fromisoformat(args.month + "-01")
    days = [first + timedelta(n) for n in range(31) if (first + timedelta(n)).month == first.month]
    school = sum(is_weekday_open(day) for day in days)
    print(f"{args.month}: {school} school days, {args.centres} centres × {args.children} children, seed {args.seed}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            started = time.perf_counter()
            month = Month(args, mode, Path(tmp))
            try:
                month.simulate(args.days)
                results[mode] = month
                print(f"  {mode} mode simulated in {time.perf_counter() - started:.0f} s: "
                      + ", ".join(f"{n} {what}" for what, n in month.records.items()))
            finally:
                month.close()
    print()
    print("| centre | mode | group pushes | staff | guardians | total | fits 300? |")
    print("|---|---|---:|---:|---:|---:|---|")
    for mode, month in results.items():
        bill = month.bill()
        for code in month.centres:
            b = bill.get(code, {})
            total = sum(b.values())
            print(f"| {code} | {mode} | {b.get('group', 0)} | {b.get('staff', 0)} | {b.get('guardians', 0)} | "
                  f"{total} | {'yes' if total <= FREE_PLAN else 'no'} |")
        print(f"| officials (LAO) | {mode} | | | | {bill.get('LAO', {}).get('officials', 0)} | |")
    print()
    for mode, month in results.items():
        if month.delays:
            d = sorted(month.delays)
            ms = sorted(month.tick_ms)
            print(f"{mode}: cutoff → alert push (simulated clock, 1-minute ticks): median {statistics.median(d):.0f} s,"
                  f" max {d[-1]:.0f} s over {len(d)} alerts; safety job wall time per tick: median "
                  f"{statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * len(ms))]:.1f} ms")


if __name__ == "__main__":
    main()
