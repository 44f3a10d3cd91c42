"""The worker: takes stored events one at a time (per chat, in order), runs the router, delivers the outbox."""
from __future__ import annotations

import logging
import signal
import threading
import traceback

from linebot.v3.webhooks import Event
from sqlalchemy import select

from bot import menu_links, outbox
from bot.ctx import Ctx
from bot.inbox import claim_next, retry_later
from bot.messages import text
from bot.runtime import Runtime
from models import Conversation, InboxEvent, LineUser

log = logging.getLogger(__name__)
SORRY = "ขออภัยค่ะ ระบบขัดข้องชั่วคราว ข้อความนี้ยังไม่ได้บันทึก กรุณาส่งใหม่อีกครั้งนะคะ"


def process_one(rt: Runtime) -> bool:
    """Handle the next event in its own transaction; False when there is nothing to do."""
    with rt.sessions() as session, session.begin():
        now = rt.now()
        row = claim_next(session, now)
        if row is None:
            return False
        try:
            with session.begin_nested():
                _handle(rt, session, row, now)
            row.status, row.processed_at = "done", now
        except Exception:  # a handler bug must not lose the event nor leave the user in silence
            log.exception("event %s failed", row.webhook_event_id)
            if retry_later(row, traceback.format_exc(), now) and row.payload.get("replyToken"):
                outbox.queue_reply(session, row.payload["replyToken"], row.chat_id, [text(SORRY)],
                                   key=f"{row.webhook_event_id}:sorry",
                                   deadline=outbox.reply_deadline(row.payload, rt.cfg.REPLY_TOKEN_MAX_AGE_SECONDS), now=now)
    return True


def _handle(rt: Runtime, session, row: InboxEvent, now) -> None:
    event = Event.from_dict(row.payload)
    user_id = (row.payload.get("source") or {}).get("userId")
    user = None
    if user_id:
        user = session.scalar(select(LineUser).where(LineUser.line_user_id == user_id))
        if user is None:
            user = LineUser(line_user_id=user_id)
            session.add(user)
    conv = session.scalar(select(Conversation).where(
        Conversation.chat_id == row.chat_id, Conversation.user_id == (user_id or "-")).with_for_update())
    if conv is None:
        conv = Conversation(chat_id=row.chat_id, user_id=user_id or "-", draft={})
        session.add(conv)
    ctx = Ctx(rt, session, event, row.payload, conv, user, now, row.webhook_event_id)
    rt.router.dispatch(ctx)
    ctx.flush()


def run_once(rt: Runtime, max_events: int = 10_000) -> int:
    """Process every ready event, then deliver what is due (messages, and rich menu links after events)."""
    handled = 0
    while handled < max_events and process_one(rt):
        handled += 1
        outbox.deliver_due(rt.sessions, rt.line, rt.clock)
    outbox.release_held(rt.sessions, rt.clock)
    outbox.deliver_due(rt.sessions, rt.line, rt.clock)
    if handled:
        menu_links.deliver_links(rt.sessions, rt.line)
    return handled


def run_forever(rt: Runtime, stop: threading.Event, idle_seconds: float = 0.2) -> None:
    """Loop until `stop` is set; sleeps briefly when idle."""
    while not stop.is_set():
        try:
            if run_once(rt) == 0:
                stop.wait(idle_seconds)
        except Exception:  # the database or LINE may be down for a while; keep trying
            log.exception("worker loop error")
            stop.wait(2.0)


def main() -> None:
    """Entry point of the Procfile `worker` process."""
    from bot import create_app
    from bot.logs import configure

    rt = create_app().extensions["smartkids"]
    configure(rt.cfg, "worker")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("worker started")
    run_forever(rt, stop)


if __name__ == "__main__":
    main()
