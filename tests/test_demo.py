"""The demo a newcomer starts: its clock plays a school morning, its logs stay quiet, its set-up is robust."""
from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import create_app
from bot.config import from_env
from bot.logs import configure
from simulator.demo import commands, demo_start

ROOT = Path(__file__).resolve().parent.parent
BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


@pytest.mark.parametrize("started, plays", [
    ("2026-12-02 07:10", "2026-12-02 07:10"),  # a school morning before the cutoff: the real clock
    ("2026-12-02 14:20", "2026-12-03 07:30"),  # the afternoon: the next school morning
    ("2026-12-02 05:50", "2026-12-02 07:30"),  # before dawn: this morning
    ("2026-12-05 10:00", "2026-12-08 07:30"),  # Saturday, 5 Dec: Tuesday (Monday is its substitute holiday)
    ("2026-12-09 20:00", "2026-12-11 07:30"),  # the eve of Constitution Day (10 Dec): the day after
])
def test_newcomer_who_starts_the_demo_at_any_hour_sees_a_school_morning(started, plays):
    assert demo_start(bangkok(started)) == bangkok(plays)


def test_the_bot_runs_on_the_demos_clock():
    app = create_app({"DATABASE_URL": "sqlite://", "CLOCK_OFFSET_SECONDS": 3600.0, "SECRET_KEY": "demo-test-key"})
    rt = app.extensions["smartkids"]
    ahead = (rt.now() - datetime.now(BANGKOK)).total_seconds()
    assert 3590 < ahead < 3610


def test_demo_logs_are_warnings_only_in_bangkok_time_without_colours():
    out = io.StringIO()
    configure(from_env({"LOG_LEVEL": "WARNING", "SECRET_KEY": "demo-test-key"}), "clock", out)
    logging.getLogger("apscheduler.executors.demo_check").info("Running job ...")
    logging.getLogger("bot.demo_check").info("reply 7 falls back to a push")
    logging.getLogger("bot.demo_check").warning("LINE is slow")
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0700 clock WARNING LINE is slow$", lines[0])
    assert "\x1b[" not in out.getvalue()
    # leave the root logger as the other tests expect
    configure(from_env({"LOG_LEVEL": "INFO", "SECRET_KEY": "demo-test-key"}), "test")


def test_demo_web_process_listens_on_loopback_only_without_a_control_socket():
    gunicorn = next(c for c in commands() if c[0].endswith("gunicorn"))
    assert gunicorn[gunicorn.index("--bind") + 1].startswith("127.0.0.1:") and "--no-control-socket" in gunicorn
    assert "--quiet" in next(c for c in commands() if "simulator" in c)


def test_setup_never_pipes_into_an_early_quitting_grep():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "set -euo pipefail" in setup and not re.search(r"\|\s*grep\s+-\w*q", setup), \
        "under pipefail, `… | grep -q` fails when the writer dies of SIGPIPE"
