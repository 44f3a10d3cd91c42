"""The webhook: signatures, storage before the 200, redelivery, and per-chat order."""
import json

from sqlalchemy import func, select

from models import InboxEvent, OutboxMessage
from simulator import events
from tests.support import SECRET, texts


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_line_without_a_signature_gets_400_and_nothing_is_stored(app, line, session):
    body, _ = line.webhook_body(events.event("follow", events.source("U1"), 1.0, "tok"))
    assert app.test_client().post("/callback", data=body).status_code == 400
    assert _count(session, InboxEvent) == 0


def test_forged_signature_gets_400_and_nothing_is_sent(app, line, session):
    body, headers = line.webhook_body(events.event("follow", events.source("U1"), 1.0, "tok"))
    forged = body.replace(b"U1", b"U2")
    assert app.test_client().post("/callback", data=forged, headers=headers).status_code == 400
    assert _count(session, InboxEvent) == 0 and line.calls == []


def test_signed_garbage_gets_400(app, line, session):
    from simulator.events import signature
    body = b'{"events": "nope"}'
    assert app.test_client().post("/callback", data=body,
                                  headers={"x-line-signature": signature(SECRET, body)}).status_code == 400


def test_console_verification_with_no_events_gets_200(app, line):
    body, headers = line.webhook_body()
    assert app.test_client().post("/callback", data=body, headers=headers).status_code == 200


def test_redelivered_event_is_processed_once(chat, line, org, session):
    from bot.worker import run_once
    line.add_user("Unew", "คนใหม่")
    sent = line.text("Unew", "ช่วยเหลือ")
    assert line.redeliver(sent) == 200 and line.redeliver(sent) == 200
    run_once(chat.rt)
    assert _count(session, InboxEvent) == 1
    assert len(line.bot_messages("Unew")) == 1 and "วิธีลงทะเบียน" in texts(line.bot_messages("Unew"))


def test_events_of_one_chat_are_handled_in_timestamp_order(app, rt, line, org, session):
    """An event that arrives late but happened first is handled first."""
    from bot.worker import run_once
    line.add_user("Ut", "ครู")
    src = events.source("Ut")
    later = events.event("message", src, 2000.0, "t2", message=events.text_message("ภูผา"))
    earlier = events.event("message", src, 1000.0, "t1", message=events.text_message("ช่วยเหลือ"))
    client = app.test_client()
    for ev in (later, earlier):
        body, headers = line.webhook_body(ev)
        assert client.post("/callback", data=body, headers=headers).status_code == 200
    run_once(rt)
    answers = [json.dumps(r.messages, ensure_ascii=False)
               for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert len(answers) == 2 and "วิธีลงทะเบียน" in answers[0] and "ไม่เข้าใจ" in answers[1]
