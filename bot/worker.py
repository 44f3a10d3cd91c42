"""The worker: takes stored events one at a time (per chat, in order), runs the router, delivers the outbox.

Each event goes in two phases so no lock is held while something slow happens:
  claim   a short transaction leases the chat's oldest event (attempts + 1) and reads the sender's role;
  phase 1 no transaction: download the photo and decode its QR codes (bot/prefetch.py);
  phase 2 one short transaction: the router's handler applies the decision and writes the outbox.
Delivery to LINE runs after the commit (bot/outbox.py). An event that fails MAX_ATTEMPTS times — a handler
bug, or a worker that died on it — is dead-lettered (status 'failed', logged, `flask --app bot inbox failed`)
and its chat moves on; an event kind the SDK does not know is acknowledged and ignored.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass

from linebot.v3.webhooks import Event
from pydantic.v1 import ValidationError
from sqlalchemy import select

from bot import menu_links, outbox
from bot.ctx import Ctx
from bot.db import checkpoint, reading, transaction
from bot.inbox import MAX_ATTEMPTS, claim_next, lease, ready_heads, settle_failure
from bot.messages import text
from bot.prefetch import Prefetched, prefetch
from bot.runtime import Runtime, freeze_heap
from models import Conversation, InboxEvent, LineUser

log = logging.getLogger(__name__)
SORRY = "ขออภัยค่ะ ระบบขัดข้องชั่วคราว ข้อความนี้ยังไม่ได้บันทึก กรุณาส่งใหม่อีกครั้งนะคะ"
ANSWERED_KINDS = ("message", "postback")  # the events a person waits for an answer to
NICENESS = 5  # on a shared machine the webhook's acks come first (LINE waits 2 s for them; people wait longer)


@dataclass
class Claimed:
    """An event leased for one attempt (a snapshot: no session is kept open across phase 1)."""

    id: int
    attempts: int
    chat_id: str
    key: str
    payload: dict
    sender_role: str | None
    given_up: bool = False


class Malformed(Exception):
    """The event cannot be parsed; retrying will not help."""


def process_one(rt: Runtime) -> bool:
    """Handle the next ready event; False when there is nothing to do."""
    claimed = claim(rt)
    if claimed is None:
        return False
    if claimed.given_up:
        return True
    try:
        event = parse_event(claimed.payload)
        if event is None:
            finish(rt, claimed, note="ignored: an event kind this bot does not know")
            return True
        apply(rt, claimed, event, prefetch(rt.line, claimed.payload, claimed.sender_role))
    except Exception as exc:  # a handler bug must not lose the event nor leave the user in silence
        log.exception("event %s failed (attempt %s)", claimed.key, claimed.attempts)
        fail(rt, claimed, traceback.format_exc(), final=isinstance(exc, Malformed))
    return True


def claim(rt: Runtime) -> Claimed | None:
    """Lease the oldest ready event that heads its chat; dead-letter one that already used up its attempts."""
    with reading(rt.sessions) as session:
        heads = ready_heads(session, rt.now())
    if not heads:
        return None
    with transaction(rt.sessions) as session:
        now = rt.now()
        row = claim_next(session, now, heads)
        if row is None:
            return None
        if row.attempts >= MAX_ATTEMPTS:  # its earlier attempts died with their worker
            settle_failure(row, (row.error or "") + "\nno attempt finished (the worker stopped)", now)
            log.error("event %s dead-lettered: no attempt finished", row.webhook_event_id)
            return Claimed(row.id, row.attempts, row.chat_id, row.webhook_event_id, row.payload, None, True)
        lease(row, now)
        user_id = (row.payload.get("source") or {}).get("userId")
        role = session.scalar(select(LineUser.role).where(LineUser.line_user_id == user_id)) if user_id else None
        return Claimed(row.id, row.attempts, row.chat_id, row.webhook_event_id, row.payload, role)


def parse_event(payload: dict) -> Event | None:
    """The SDK's event; None for a kind it does not know (LINE adds kinds); Malformed when it cannot be read."""
    try:
        return Event.from_dict(payload)
    except ValidationError as exc:
        raise Malformed(str(exc)) from None
    except ValueError as exc:
        if "discriminator" in str(exc):
            return None
        raise Malformed(str(exc)) from None


def _leased(session, claimed: Claimed) -> InboxEvent | None:
    """The event row, locked, if this attempt still holds it (a lease that ran out may have passed it on)."""
    row = session.get(InboxEvent, claimed.id, with_for_update=True)
    return row if row is not None and row.status == "pending" and row.attempts == claimed.attempts else None


def apply(rt: Runtime, claimed: Claimed, event: Event, prefetched: Prefetched) -> None:
    """Phase 2: one transaction runs the handler, writes the outbox and marks the event done."""
    with transaction(rt.sessions) as session:
        row = _leased(session, claimed)
        if row is None:
            return
        now = rt.now()
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
        ctx = Ctx(rt, session, event, row.payload, conv, user, now, row.webhook_event_id, prefetched)
        rt.router.dispatch(ctx)
        ctx.flush()
        row.status, row.processed_at = "done", now


def finish(rt: Runtime, claimed: Claimed, note: str) -> None:
    """Mark an event done without handling it."""
    with transaction(rt.sessions) as session:
        row = _leased(session, claimed)
        if row is not None:
            row.status, row.processed_at, row.error = "done", rt.now(), note


def fail(rt: Runtime, claimed: Claimed, error: str, final: bool = False) -> None:
    """Record a failed attempt in its own transaction; the last one dead-letters the event and says sorry."""
    with transaction(rt.sessions) as session:
        row = _leased(session, claimed)
        if row is None:
            return
        now = rt.now()
        if not settle_failure(row, error, now, max_attempts=1 if final else MAX_ATTEMPTS):
            return
        log.error("event %s dead-lettered after %s attempt(s)", row.webhook_event_id, row.attempts)
        token = row.payload.get("replyToken")
        if token and row.payload.get("type") in ANSWERED_KINDS and not final:
            try:
                with session.begin_nested():  # the apology is best effort: the dead letter is kept whatever happens
                    outbox.queue_reply(session, token, row.chat_id, [text(SORRY)], key=f"{row.webhook_event_id}:sorry",
                                       deadline=outbox.reply_deadline(row.payload, rt.cfg.REPLY_TOKEN_MAX_AGE_SECONDS),
                                       now=now)
            except Exception:
                log.exception("no apology for %s", row.webhook_event_id)


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


def run_forever(rt: Runtime, stop: threading.Event, idle_seconds: float = 0.2, checkpoint_seconds: float = 1.0,
                batch: int = 50) -> None:
    """Loop until `stop` is set, `batch` events at a time; sleeps briefly when idle and checkpoints SQLite's
    log about every second (so no commit on the webhook's path has to)."""
    checkpointed = time.monotonic()
    while not stop.is_set():
        try:
            handled = run_once(rt, max_events=batch)
            if time.monotonic() - checkpointed >= checkpoint_seconds:
                checkpoint(rt.engine)
                checkpointed = time.monotonic()
            if handled == 0:
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
    freeze_heap()
    os.nice(NICENESS)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("worker started")
    run_forever(rt, stop)


if __name__ == "__main__":
    main()
