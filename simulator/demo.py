"""The demo in one command: a SQLite database with the demo roster, the bot's web, worker and clock
processes, and the LINE simulator page — with demo people already registered through the real chat flows.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from domain.calendar import is_weekday_open
from domain.thai import WEEKDAYS, thai_date
from simulator.demo_roster import generate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "demo-data"
SIM_PORT, WEB_PORT = 8000, 5000
SIM = f"http://127.0.0.1:{SIM_PORT}"
TEACHER, HEAD, PARENT, LAO, NEWCOMER, DRIVER = (f"U{n:032x}" for n in range(1, 7))
GROUP = f"C{1:032x}"
BANGKOK = ZoneInfo("Asia/Bangkok")
MORNING_FROM, MORNING_UNTIL = "06:30", "08:30"  # a real clock in this window shows a school morning as it is
DEMO_MORNING = "07:30"  # otherwise the demo plays the next school morning from here, before the 09:00 cutoff


def demo_start(now: datetime) -> datetime:
    """The moment the demo's clock starts from: `now` on a school morning before the cutoff, else the next school
    day's 07:30 (a demo started at 14:00 or on a Saturday would open with every child "not arrived" and late)."""
    day, clock = now.date(), now.strftime("%H:%M")
    if is_weekday_open(day) and MORNING_FROM <= clock < MORNING_UNTIL:
        return now
    if not (is_weekday_open(day) and clock < MORNING_FROM):
        day = next_school_day(day)
    return datetime.combine(day, datetime.strptime(DEMO_MORNING, "%H:%M").time(), now.tzinfo)


def next_school_day(day: date) -> date:
    """The first weekday after `day` that is not a Thai public holiday."""
    day += timedelta(days=1)
    while not is_weekday_open(day):
        day += timedelta(days=1)
    return day


def clock_line(start: datetime, offset: float) -> str:
    """What the banner says of the demo's clock."""
    when = f"วัน{WEEKDAYS[start.weekday()]}ที่ {thai_date(start.date())} {start:%H:%M} น."
    if not offset:
        return f"เวลาในเดโม: เวลาจริง ({when})"
    return f"เวลาในเดโม: เริ่มที่ {when} แล้วเดินตามจริง (เช้าวันเรียน ก่อนตัดยอด 09:00; เปลี่ยนได้ด้วย --at หรือ --real-time)"


def personas(centre_name: str) -> dict:
    """Who appears on the simulator page."""
    return {"users": [
        {"id": TEACHER, "name": "ครูสมศรี ใจดี", "role_hint": "ครูผู้ดูแลเด็ก (teacher) K0001"},
        {"id": HEAD, "name": "ครูวิไล หัวหน้าศูนย์", "role_hint": "หัวหน้าศูนย์ (head) K0001"},
        {"id": PARENT, "name": "แม่ของน้องคนแรก", "role_hint": "ผู้ปกครอง (parent)"},
        {"id": LAO, "name": "ปลัด อบต.", "role_hint": "ผู้บริหาร อปท. (lao) L001"},
        {"id": DRIVER, "name": "ลุงสมชาย คนขับรถ", "role_hint": "พนักงานขับรถ (driver) K0001"},
        {"id": NEWCOMER, "name": "ผู้ใช้ใหม่", "role_hint": "ยังไม่ลงทะเบียน — ลองพิมพ์รหัสเชิญ", "following": False}],
        "groups": [{"id": GROUP, "name": f"ผู้ปกครอง {centre_name}", "members": [TEACHER, HEAD, PARENT],
                    "extra_members": 20}]}


def flask(*args: str, env: dict) -> str:
    """Run an operator command and return its output (stop the demo if it fails)."""
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "bot", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def wait_http(url: str, seconds: float = 180) -> None:
    """Wait until a server answers (a loaded 2-core machine may take a minute to boot them all)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.3)
    sys.exit(f"{url} did not start")


def act(**body) -> None:
    """Do something as a person on the simulator."""
    requests.post(f"{SIM}/sim/api/act", json=body, timeout=10).raise_for_status()


def last_bot_text(chat_id: str, after: int, seconds: float = 120) -> tuple[str, int]:
    """Wait for the bot's next message in a chat; returns its text and the log position."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        entries = requests.get(f"{SIM}/sim/api/state", params={"after": after}, timeout=5).json()["entries"]
        for e in entries:
            if e["chat_id"] == chat_id and e["from"] == "bot":
                return "\n".join(m.get("text", "") for m in e["messages"]), e["seq"]
        time.sleep(0.3)
    sys.exit(f"the bot did not answer in {chat_id}")


def code_in(message: str) -> str:
    """The ABCD-EFGH code in a bot message."""
    return re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", message).group(0)


def onboard(env: dict) -> str:
    """Register the demo people the way real ones do; returns a spare teacher invite for the newcomer."""
    seq = 0
    for user, role, scope in [(TEACHER, "teacher", "K0001"), (HEAD, "head", "K0001"), (LAO, "lao", "L001"),
                              (DRIVER, "driver", "K0001")]:
        code = flask("invite", "create", "--role", role, "--scope", scope, env=env).strip().splitlines()[-1]
        act(action="text", user=user, text=code)
        _, seq = last_bot_text(user, seq)
    act(action="join", group=GROUP)
    _, seq = last_bot_text(GROUP, seq)
    act(action="text", user=TEACHER, text="เชื่อมกลุ่มผู้ปกครอง")
    reply, seq = last_bot_text(TEACHER, seq)
    act(action="text", user=TEACHER, group=GROUP, text=code_in(reply))
    _, seq = last_bot_text(GROUP, seq)
    first_child = json.loads(flask("children", "export", "--centre", "K0001", env=env))[0]
    act(action="text", user=TEACHER, text=f"รหัสผู้ปกครอง {first_child['nickname']}")
    reply, seq = last_bot_text(TEACHER, seq)
    act(action="text", user=PARENT, text=code_in(reply))
    last_bot_text(PARENT, seq)
    return flask("invite", "create", "--role", "teacher", "--scope", "K0001", env=env).strip().splitlines()[-1]


def card_photos(env: dict, centre: str = "K0001", per_photo: int = 8) -> Path:
    """Printable cards (PDF) and phone-like photos of them, for trying check-in from the simulator page."""
    from domain.cards import CardInfo, card_image
    from simulator.photos import phone_photo

    folder = DATA / "photos"
    folder.mkdir(exist_ok=True)
    flask("cards", "--centre", centre, "--out", str(DATA / f"cards-{centre}.pdf"), env=env)
    children = json.loads(flask("children", "export", "--centre", centre, "--format", "json", env=env))
    for n in range(0, len(children), per_photo):
        cards = [card_image(CardInfo(code=c["child_code"], name=f"{c['first_name']} {c['last_name']}",
                                     nickname=c["nickname"], centre_name=c["centre_name"], payload=c["qr_payload"]))
                 for c in children[n:n + per_photo]]
        photo = phone_photo(cards, seed=n, size=(2448, 1836))
        (folder / f"{centre}-cards-{n // per_photo + 1}.jpg").write_bytes(photo)
    return folder


def commands() -> list[list[str]]:
    """The demo's processes: the simulator (quiet), gunicorn on 127.0.0.1 only (no control socket under the home
    directory, warnings only), the worker and the clock."""
    bin_dir = Path(sys.executable).parent
    return [[sys.executable, "-m", "simulator", "--port", str(SIM_PORT), "--personas", str(DATA / "personas.json"),
             "--webhook-url", f"http://127.0.0.1:{WEB_PORT}/callback", "--quiet"],
            [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{WEB_PORT}",
             "--no-control-socket", "--access-logfile", "/dev/null", "--log-level", "warning", "bot:create_app()"],
            [sys.executable, "-m", "bot.worker"],
            [sys.executable, "-m", "scheduler"]]


def parse_args(argv=None) -> argparse.Namespace:
    """The demo's command line: which moment its clock starts from."""
    parser = argparse.ArgumentParser(prog="./scripts/demo.sh", description="Smart Kids with the LINE simulator")
    parser.add_argument("--at", help='start the clock at this Bangkok time, e.g. "2026-12-02 08:55"')
    parser.add_argument("--real-time", action="store_true", help="use the real clock, whatever the hour")
    return parser.parse_args(argv)


def post_notes(title: str, lines: list[str], offset: float) -> None:
    """Show the demo's facts on the simulator page (they stay there, however much the terminal scrolls)."""
    requests.post(f"{SIM}/sim/api/notes", json={"title": title, "lines": lines, "clockOffset": offset},
                  timeout=5).raise_for_status()


def main(argv=None) -> None:
    """Set up the demo database, start every process, register the demo people, wait for Ctrl-C."""
    args = parse_args(argv)
    now = datetime.now(BANGKOK)
    start = (now if args.real_time else
             datetime.fromisoformat(args.at).replace(tzinfo=BANGKOK) if args.at else demo_start(now))
    offset = round((start - now).total_seconds())
    DATA.mkdir(exist_ok=True)
    db = DATA / "demo.db"
    for stale in DATA.glob("demo.db*"):
        stale.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "LINE_CHANNEL_SECRET": "demo-channel-secret",
           "LINE_CHANNEL_ACCESS_TOKEN": "demo-access-token", "LINE_API_BASE_URL": SIM,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{WEB_PORT}", "PORT": str(WEB_PORT), "WEB_CONCURRENCY": "1",
           "CLOCK_OFFSET_SECONDS": str(offset), "LOG_LEVEL": "WARNING"}
    roster = generate(DATA / "roster.csv")
    flask("db", "upgrade", env=env)
    print(flask("roster", "import", str(roster), env=env).strip().splitlines()[-1])
    with open(roster, encoding="utf-8") as f:
        centre_name = f.readlines()[1].split(",")[7]
    (DATA / "personas.json").write_text(json.dumps(personas(centre_name), ensure_ascii=False), encoding="utf-8")
    procs = [subprocess.Popen(cmd, env=env, cwd=ROOT) for cmd in commands()]
    try:
        wait_http(f"{SIM}/")
        wait_http(f"http://127.0.0.1:{WEB_PORT}/healthz")
        print(flask("richmenu", "sync", env=env).strip().splitlines()[0])  # before onboarding: people get menus
        spare = onboard(env)
        photos = card_photos(env)
        post_notes("เดโม Smart Kids", [
            clock_line(start, offset),
            f"ผู้ใช้ใหม่ยังไม่ลงทะเบียน: กดเพิ่มเพื่อน แล้วพิมพ์ \"สวัสดี\" หรือรหัสเชิญ {spare}",
            f"เช็คชื่อ: เป็นครูสมศรี ส่งรูปจาก {photos}/ (บัตรพิมพ์ได้: {DATA}/cards-K0001.pdf)",
            "ผู้ปกครองในกลุ่มพิมพ์ \"วันนี้\" เพื่อดูสรุปของวัน (ตอบกลับฟรี)"], offset)
        print(f"\n  Smart Kids demo is running.\n  Open the LINE simulator: {SIM}/  (these facts are shown there too)\n"
              f"  Clock: {start:%a %Y-%m-%d %H:%M} Bangkok" + (" (a school morning before the 09:00 cutoff; "
                                                              "--real-time or --at to change)" if offset else "")
              + "\n  Registered: a teacher, a head, a parent, an LAO official, a van driver and the parent group.\n"
              f"  'ผู้ใช้ใหม่' is not registered: follow, then say สวัสดี or type the invite code {spare}\n"
              f"  Check-in: as the teacher, send a photo from {photos}/ (printable cards: {DATA}/cards-K0001.pdf)\n"
              f"  Logs: warnings only. Stop with Ctrl-C.\n", flush=True)
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # after starting the children, so they keep default handlers
        signal.sigwait(stop)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
