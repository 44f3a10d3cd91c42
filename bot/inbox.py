"""Inbox: every webhook event is stored once (unique webhookEventId) before LINE gets its 200."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, aliased

from models.insert import insert_once

from models import InboxEvent

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=2)  # longer than a download (20 s timeout) plus a decode (CPU budget 200 ms)


def chat_id_of(event: dict) -> str:
    """The chat an event belongs to: the group, the room, or the user's 1:1 chat."""
    source = event.get("source") or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId") or "-"


def event_id_of(event: dict) -> str:
    """LINE's webhookEventId, or a content hash for the rare event without one."""
    return event.get("webhookEventId") or "h:" + hashlib.sha256(
        json.dumps(event, sort_keys=True).encode()).hexdigest()[:40]


def store_events(session: Session, events: list[dict], now: datetime) -> int:
    """Insert events, ignoring ones already stored (redeliveries); returns how many were new."""
    if not events:
        return 0
    rows = [{"webhook_event_id": event_id_of(e), "chat_id": chat_id_of(e), "event_type": e.get("type", "?"),
             "event_ts": e["timestamp"], "payload": e, "status": "pending",
             "attempts": 0, "received_at": now, "available_at": now} for e in events]
    stmt = insert_once(session, InboxEvent, on=["webhook_event_id"])
    return session.connection().execute(stmt, rows).rowcount or 0


def ready_heads(session: Session, now: datetime, candidates: int = 64) -> list[int]:
    """The oldest ready events that head their chat's queue (read outside the claim, so no lock waits on it).

    Heads come from a window over the pending rows: one sort, cheap whatever the planner's statistics
    say (an anti-join or GROUP BY form degraded to a nested loop on an unanalysed PostgreSQL table).
    A head that is leased or backing off is not ready, and its chat's later events are never candidates.
    """
    rank = func.row_number().over(partition_by=InboxEvent.chat_id, order_by=(InboxEvent.event_ts, InboxEvent.id))
    pending = (select(InboxEvent.id, InboxEvent.event_ts, InboxEvent.available_at, rank.label("n"))
               .where(InboxEvent.status == "pending").subquery())
    heads = (select(pending.c.id).where(pending.c.n == 1, pending.c.available_at <= now)
             .order_by(pending.c.event_ts, pending.c.id).limit(candidates))
    return list(session.scalars(heads))


def claim_next(session: Session, now: datetime, heads: list[int]) -> InboxEvent | None:
    """Lock the oldest of `heads` that is still ready and still first in its chat (another worker may have
    taken it since they were read: its row is locked and skipped, or no longer pending)."""
    if not heads:
        return None
    earlier = aliased(InboxEvent)
    before = (select(earlier.id).where(earlier.chat_id == InboxEvent.chat_id, earlier.status == "pending",
                                       tuple_(earlier.event_ts, earlier.id) < tuple_(InboxEvent.event_ts, InboxEvent.id)))
    query = (select(InboxEvent).where(InboxEvent.id.in_(heads), InboxEvent.status == "pending",
                                      InboxEvent.available_at <= now, ~before.exists())
             .order_by(InboxEvent.event_ts, InboxEvent.id).limit(1).with_for_update(skip_locked=True))
    return session.scalar(query)


def lease(row: InboxEvent, now: datetime, hold: timedelta = LEASE) -> None:
    """Take a claimed event for one attempt: the chat waits behind it until it is settled or the lease ends."""
    row.attempts += 1
    row.available_at = now + hold


def settle_failure(row: InboxEvent, error: str, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Record a failed attempt; returns True when the event is dead-lettered (status 'failed', never retried)."""
    row.error = error[-4000:]
    if row.attempts >= max_attempts:
        row.status, row.processed_at = "failed", now
        return True
    row.available_at = now + timedelta(seconds=2 ** row.attempts)
    return False


def dead_letters(session: Session, limit: int = 50) -> list[InboxEvent]:
    """The newest events given up on, for the operator (`flask --app bot inbox failed`)."""
    return list(session.scalars(select(InboxEvent).where(InboxEvent.status == "failed")
                                .order_by(InboxEvent.processed_at.desc(), InboxEvent.id.desc()).limit(limit)))
