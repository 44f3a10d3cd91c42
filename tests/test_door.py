"""The door and the worker under bad input: malformed envelopes, poison pills, oversized bodies, odd headers."""
import io
import json

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.worker import run_once
from models import InboxEvent
from simulator import events
from tests.support import SECRET, texts


def _post(app, body: bytes, **headers):
    headers.setdefault("x-line-signature", events.signature(SECRET, body))
    return app.test_client().post("/callback", data=body, headers=headers)


def _text_event(user: str, body: str, **changes) -> dict:
    ev = events.event("message", events.source(user), 1_790_000_000.0, events.new_token(),
                      message=events.text_message(body))
    ev.update(changes)
    return ev


@pytest.mark.parametrize("stamp", [None, "", "123", [], {}, 9e15, True, -5, 9 * 10**15])
def test_line_poison_pill_timestamp_gets_400_and_nothing_is_stored(app, line, session, stamp):
    body = json.dumps({"destination": "U" + "0" * 32, "events": [_text_event("U1", "hi", timestamp=stamp)]}).encode()
    assert _post(app, body).status_code == 400
    assert session.scalars(select(InboxEvent)).all() == []


@pytest.mark.parametrize("bad", [{"source": "U1"}, {"source": {"type": 7}}, {"type": 5}, {"type": ""},
                                 {"source": {"type": "user", "userId": ["U1"]}}, {"message": "hi"},
                                 {"replyToken": 12}, {"webhookEventId": {"a": 1}}])
def test_line_malformed_envelope_gets_400(app, line, bad):
    body = json.dumps({"events": [_text_event("U1", "hi", **bad)]}).encode()
    assert _post(app, body).status_code == 400


def test_line_deeply_nested_body_gets_400_not_500(app, line):
    assert _post(app, b'{"events": ' + b"[" * 6000 + b"]" * 6000 + b"}").status_code == 400


def test_line_non_ascii_signature_gets_400(app, line):
    body, _ = line.webhook_body()
    assert _post(app, body, **{"x-line-signature": "ลายเซ็น"}).status_code == 400


def test_line_oversized_body_gets_413_before_it_is_read(app, line):
    huge = b'{"events": []' + b" " * (1024 * 1024) + b"}"
    assert _post(app, huge).status_code == 413
    chunked = app.test_client().post("/callback", input_stream=io.BytesIO(huge),
                                     environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets it
                                     headers={"Transfer-Encoding": "chunked",
                                              "x-line-signature": events.signature(SECRET, huge)})
    assert chunked.status_code == 413


def test_line_unknown_event_kind_is_acknowledged_and_ignored(app, rt, line, session):
    strange = events.event("hologramShared", events.source("U1"), 1_790_000_000.0, events.new_token())
    body, headers = line.webhook_body(strange)
    assert app.test_client().post("/callback", data=body, headers=headers).status_code == 200
    run_once(rt)
    row = session.scalars(select(InboxEvent)).one()
    assert row.status == "done" and row.attempts == 1 and line.bot_messages() == []


def test_poison_pills_already_stored_never_block_the_chats_behind_them(app, line, org, rt, session, clock):
    """Rows stored before the door checked envelopes: each is dead-lettered, and every normal chat is answered."""
    pills = [_text_event("Upill", "x", timestamp=stamp, webhookEventId=f"pill{n}")
             for n, stamp in enumerate(["123", None, 9e15, [], {}])]
    pills.append({**_text_event("Upill", "x", webhookEventId="pill-msg"), "message": {"type": "text", "id": "1"}})
    with transaction(rt.sessions) as s:
        for n, pill in enumerate(pills):
            s.add(InboxEvent(webhook_event_id=pill["webhookEventId"], chat_id="Upill", event_type="message",
                             event_ts=n, payload=pill, status="pending", attempts=0, received_at=rt.now(),
                             available_at=rt.now()))
    for n in range(3):
        line.add_user(f"Unormal{n}", f"ผู้ใช้ {n}")
        line.text(f"Unormal{n}", "ช่วยเหลือ")
    for _ in range(4):
        run_once(rt)
        clock.advance(seconds=10)
    for n in range(3):
        assert "วิธีลงทะเบียน" in texts(line.bot_messages(f"Unormal{n}"))
    statuses = {r.webhook_event_id: r.status for r in session.scalars(select(InboxEvent))}
    assert {statuses[p["webhookEventId"]] for p in pills} == {"failed"}
    result = app.test_cli_runner().invoke(args=["inbox", "failed"])
    assert "pill-msg" in result.output and f"{len(pills)} failed event(s)" in result.output



def test_teacher_sending_10000_character_texts_gets_answers(chat, people, org, session, clock):
    """Texts built to make backtracking regexes take seconds; bench/regex.py times every pattern on them."""
    from tests.support import at_local

    at_local(clock, "07:30")
    arrived = texts(chat.text("Uteacher", "ภูผา" + " " * 10_000 + "มาแล้ว"))
    assert "✅ ภูผา มาแล้ว" in arrived
    for body in ("ก" + " " * 10_000 + "ก", "น้อง" + "ภ" * 5_000 + "3" * 5_000 + "x", "1" * 10_000 + "x",
                 "ส่ง" + " " * 10_000 + "x"):
        assert "ไม่เข้าใจ" in texts(chat.text("Uteacher", body))


def test_bot_answers_are_cut_in_utf16_units_as_line_counts_them():
    from bot.messages import text
    from simulator.schema import request_errors

    thai = text("ก" * 5_000)
    assert thai["text"] == "ก" * 5_000, "5,000 Thai characters are 5,000 units: nothing is cut"
    emoji = text("ก" * 4_999 + "😀" * 3)
    assert emoji["text"] == "ก" * 4_999, "a half emoji is not sent"
    for message in (thai, emoji):
        assert request_errors("POST", "/v2/bot/message/push", {"to": "U1", "messages": [message]}) == []


def test_operator_logs_never_hold_a_signed_link():
    """gunicorn's access line (gunicorn.conf.py) and werkzeug's request line (`flask run`) drop the signature."""
    import logging
    import runpy
    from datetime import timedelta
    from pathlib import Path
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from bot.redact import RedactSignatures

    link = "/media/k3y/original?e=1790000000&s=0123456789abcdef0123"
    fmt = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))["access_log_format"]
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": link, "PATH_INFO": link.split("?")[0], "QUERY_STRING":
               link.split("?")[1], "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": "https://x.example" + link}
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    line = fmt % Logger(Config()).atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    assert "/media/k3y/original" in line and "0123456789abcdef" not in line
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"%s" %s', (f"GET {link} HTTP/1.1", 200), None)
    RedactSignatures().filter(record)
    logged = record.getMessage()
    assert "0123456789abcdef" not in logged and "/media/k3y/original?e=1790000000&s=" in logged


def test_person_whose_text_holds_a_nul_character_is_answered(app, rt, line, org):
    """PostgreSQL's JSONB cannot store NUL: the door replaces it, so the event is kept and answered."""
    line.add_user("Unul", "ผู้ใช้")
    body, headers = line.webhook_body(_text_event("Unul", "ช่วย\x00เหลือ"))
    assert app.test_client().post("/callback", data=body, headers=headers).status_code == 200
    run_once(rt)
    assert "ไม่เข้าใจ" in texts(line.bot_messages("Unul"))
