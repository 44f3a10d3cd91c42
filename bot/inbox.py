"""Inbox: every webhook event is stored once (unique webhookEventId) before LINE gets its 200."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.insert import insert_once

from models import InboxEvent


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
             "event_ts": int(e.get("timestamp") or 0), "payload": e, "status": "pending",
             "attempts": 0, "received_at": now, "available_at": now} for e in events]
    stmt = insert_once(session, InboxEvent, rows, on=["webhook_event_id"])
    return session.execute(stmt).rowcount or 0


def claim_next(session: Session, now: datetime, candidates: int = 20) -> InboxEvent | None:
    """Lock the oldest ready event that heads its chat's queue, so each chat runs in timestamp order.

    Heads come from a window over the pending rows: one sort, cheap whatever the planner's statistics
    say (an anti-join or GROUP BY form degraded to a nested loop on an unanalysed PostgreSQL table).
    A head another worker holds is skipped, and that chat's later events are never candidates.
    """
    rank = func.row_number().over(partition_by=InboxEvent.chat_id, order_by=(InboxEvent.event_ts, InboxEvent.id))
    pending = (select(InboxEvent.id, InboxEvent.event_ts, InboxEvent.available_at, rank.label("n"))
               .where(InboxEvent.status == "pending").subquery())
    heads = (select(pending.c.id).where(pending.c.n == 1, pending.c.available_at <= now)
             .order_by(pending.c.event_ts, pending.c.id).limit(candidates))
    ids = session.scalars(heads).all()
    if not ids:
        return None
    query = (select(InboxEvent).where(InboxEvent.id.in_(ids), InboxEvent.status == "pending")
             .order_by(InboxEvent.event_ts, InboxEvent.id).limit(1).with_for_update(skip_locked=True))
    return session.scalar(query)


def retry_later(row: InboxEvent, error: str, now: datetime, max_attempts: int = 3) -> bool:
    """Record a failed attempt; returns True when the event is given up (status 'failed')."""
    row.attempts += 1
    row.error = error[-4000:]
    if row.attempts >= max_attempts:
        row.status, row.processed_at = "failed", now
        return True
    row.available_at = now + timedelta(seconds=2 ** row.attempts)
    return False
