"""Several worker processes share the inbox: a flow started on one continues on another, in order."""
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support import SECRET, TOKEN, texts, wait_until

ROOT = Path(__file__).resolve().parent.parent


def _wait_bot_messages(line, chat_id, count):
    wait_until(lambda: len(line.bot_messages(chat_id)) >= count, f"{count} answers in {chat_id}")
    return line.bot_messages(chat_id)


def test_two_worker_processes_continue_one_conversation(db_url, line, people, clock):
    env = {**os.environ, "DATABASE_URL": db_url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "LINE_API_BASE_URL": line.url}
    workers = [subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    try:
        clock.t = time.time()  # the workers run on the real clock
        seen = len(line.bot_messages("Uteacher"))
        for round_ in range(4):
            line.text("Uteacher", "รหัสผู้ปกครอง")
            line.text("Uteacher", "ภูผา")
            line.text("Uteacher", "ข้าวหอม")
            seen += 3
            answers = _wait_bot_messages(line, "Uteacher", seen)[-3:]
            assert "เด็กคนไหน" in texts(answers[:1])
            assert "รหัสผู้ปกครองของน้องภูผา" in texts(answers[1:2]), "the second step found the flow's state"
            assert "ไม่เข้าใจ" in texts(answers[2:]), "the flow ended after the code was given"
            clock.t = time.time()
    finally:
        for w in workers:
            w.terminate()
        errors = [w.communicate(timeout=10)[1].decode() for w in workers]
    assert all("Traceback" not in e for e in errors), errors
