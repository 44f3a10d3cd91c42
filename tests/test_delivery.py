"""The outbox: LINE down then back, timeouts, expired reply tokens, the monthly limit, handler crashes."""

from sqlalchemy import select

from bot import outbox
from bot.db import transaction
from bot.worker import run_once
from models import InboxEvent, OutboxMessage
from tests.support import texts, wait_until


def _wait_for(condition):
    wait_until(condition, "the delivery condition")


def _rows(session):
    return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_teacher_is_answered_once_after_line_was_down(chat, line, org, clock, session):
    line.add_user("Ut", "ครู")
    line.set_down(503)
    assert chat.text("Ut", "ช่วยเหลือ") == []
    assert _rows(session)[0].status == "pending" and "503" in _rows(session)[0].last_error
    line.set_down(None)
    run_once(chat.rt)
    assert line.bot_messages("Ut") == [], "backoff: not retried before its time"
    clock.advance(seconds=3)
    run_once(chat.rt)
    run_once(chat.rt)
    assert len(line.bot_messages("Ut")) == 1 and "วิธีลงทะเบียน" in texts(line.bot_messages("Ut"))
    assert _rows(session)[0].status == "sent"


def test_push_that_timed_out_but_arrived_is_not_sent_twice(rt, line, org, clock, session):
    line.add_user("Up", "ผู้ปกครอง")
    with transaction(rt.sessions) as s:
        outbox.queue_push(s, "Up", [{"type": "text", "text": "แจ้งเตือน"}], key="alert:1", now=rt.now())
    line.set_down("timeout")  # LINE accepts the push but answers after the bot gave up
    run_once(rt)
    assert _rows(session)[0].status == "pending"
    _wait_for(lambda: any(c["path"] == "/v2/bot/message/push" for c in line.calls))  # LINE finished it late
    line.set_down(None)
    clock.advance(seconds=5)
    run_once(rt)
    pushes = [c for c in line.calls if c["path"] == "/v2/bot/message/push"]
    assert [c["status"] for c in pushes] == [200, 409]
    assert pushes[0]["headers"]["X-Line-Retry-Key"] == pushes[1]["headers"]["X-Line-Retry-Key"]
    assert len(line.bot_messages("Up")) == 1 and line.billable["Up"] == 1
    assert _rows(session)[0].status == "sent"


def test_answer_after_the_reply_token_expired_arrives_as_a_push(chat, line, org, session):
    line.add_user("Ut", "ครู")
    line.set_down(503)
    chat.text("Ut", "ช่วยเหลือ")
    line.set_down(None)
    line.expire_reply_tokens()
    from datetime import timedelta
    with transaction(chat.rt.sessions) as s:
        for row in s.scalars(select(OutboxMessage)):
            row.next_attempt_at -= timedelta(minutes=1)
    run_once(chat.rt)
    kinds = [c["path"] for c in line.calls if c["path"].startswith("/v2/bot/message/")]
    assert kinds[-2:] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert "วิธีลงทะเบียน" in texts(line.bot_messages("Ut")) and line.billable["Ut"] == 1


def test_monthly_limit_holds_routine_pushes_but_not_safety_alerts(rt, line, org, session):
    line.add_user("Ua", "ก")
    line.add_user("Ub", "ข")
    line.monthly_limit = 0
    with transaction(rt.sessions) as s:
        outbox.queue_push(s, "Ua", [{"type": "text", "text": "สรุปประจำวัน"}], key="digest", now=rt.now())
        outbox.queue_push(s, "Ub", [{"type": "text", "text": "เด็กยังไม่มาถึง"}], key="alert", now=rt.now(),
                          priority="safety")
    run_once(rt)
    digest, alert = _rows(session)
    assert digest.status in ("held", "pending") and digest.sent_at is None and alert.status == "pending"
    line.monthly_limit = 100  # e.g. the centre upgraded its plan: safety alerts get through at once
    with transaction(rt.sessions) as s:
        s.get(OutboxMessage, alert.id).next_attempt_at = rt.now()
    run_once(rt)
    session.expire_all()
    assert session.get(OutboxMessage, alert.id).status == "sent"
    assert session.get(OutboxMessage, digest.id).sent_at is None, "routine waits for the next month"
    assert line.bot_messages("Ua") == []


def test_a_handler_crash_loses_nothing_and_the_user_hears_back(chat, line, org, rt, session, clock):
    line.add_user("Ux", "ผู้ใช้")

    @rt.router.on(text=r"^ระเบิด$")
    def explode(ctx):
        raise RuntimeError("bug")

    rt.router.routes.insert(0, rt.router.routes.pop())
    chat.text("Ux", "ระเบิด")
    for _ in range(2):
        clock.advance(seconds=10)
        run_once(rt)
    event = session.scalars(select(InboxEvent)).one()
    assert event.status == "failed" and event.attempts == 3 and "RuntimeError" in event.error
    assert "ขออภัย" in texts(line.bot_messages("Ux"))
