"""Inbox: every webhook event is stored once (unique webhookEventId) before LINE gets its 200."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

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
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(InboxEvent).values(rows).on_conflict_do_nothing(index_elements=["webhook_event_id"])
    return session.execute(stmt).rowcount or 0


def claim_next(session: Session, now: datetime) -> InboxEvent | None:
    """Lock the oldest pending event that heads its chat's queue, so each chat runs in timestamp order."""
    earlier = aliased(InboxEvent)
    blocked = exists().where(and_(
        earlier.chat_id == InboxEvent.chat_id, earlier.status == "pending",
        tuple_(earlier.event_ts, earlier.id) < tuple_(InboxEvent.event_ts, InboxEvent.id)))
    query = (select(InboxEvent)
             .where(InboxEvent.status == "pending", InboxEvent.available_at <= now, ~blocked)
             .order_by(InboxEvent.event_ts, InboxEvent.id).limit(1)
             .with_for_update(skip_locked=True, of=InboxEvent))
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
