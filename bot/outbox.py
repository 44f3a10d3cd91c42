"""Outbox: handlers and jobs queue messages here; delivery runs after commit, replies first."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import transaction
from bot.line_api import LineApi, LineResult
from models import OutboxMessage, Setting
from models.insert import insert_once
from models.base import utcnow

log = logging.getLogger(__name__)
RETRY_NAMESPACE = uuid.UUID("0f7c3c1e-5a8e-4c39-9d6f-2b1c7e9a4d10")
MAX_BACKOFF = timedelta(minutes=10)
LEASE = timedelta(seconds=60)
QUOTA_KEY = "line_quota"


def retry_key(stable_key: str) -> str:
    """A deterministic X-Line-Retry-Key: the same logical message always gets the same UUID."""
    return str(uuid.uuid5(RETRY_NAMESPACE, stable_key))


def reply_deadline(event: dict, max_age_seconds: float) -> datetime:
    """When an event's reply token should be treated as expired (LINE: about a minute)."""
    try:
        sent_at = datetime.fromtimestamp(event.get("timestamp", 0) / 1000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):  # not a time LINE would send: treat the token as spent
        sent_at = datetime.fromtimestamp(0, timezone.utc)
    return sent_at + timedelta(seconds=max_age_seconds)


def queue_reply(session: Session, reply_token: str, chat_id: str, messages: list[dict], *,
                key: str, deadline: datetime, now: datetime) -> OutboxMessage:
    """Queue a free reply; after `deadline` (or if LINE refuses the token) it goes as a push to the chat."""
    return _queue(session, OutboxMessage(kind="reply", to=chat_id, reply_token=reply_token,
                                         reply_deadline=deadline, messages=messages, retry_key=retry_key(key)), now)


def queue_push(session: Session, to: str, messages: list[dict], *, key: str, now: datetime,
               priority: str = "routine") -> OutboxMessage:
    """Queue a billed push; `key` names the logical message so a re-run never sends it twice."""
    return _queue(session, OutboxMessage(kind="push", to=to, messages=messages, retry_key=retry_key(key),
                                         priority=priority), now)


def _queue(session: Session, row: OutboxMessage, now: datetime) -> OutboxMessage:
    """Insert once per retry key (ON CONFLICT DO NOTHING: two writers racing on one key both get one row)."""
    values = {column.key: getattr(row, column.key) for column in OutboxMessage.__table__.columns
              if getattr(row, column.key) is not None}
    values.update(created_at=now, next_attempt_at=now)
    session.execute(insert_once(session, OutboxMessage, values, on=["retry_key"]))
    return session.scalars(select(OutboxMessage).where(OutboxMessage.retry_key == row.retry_key)).one()


def quota_exhausted(session: Session, now: datetime) -> bool:
    """Whether LINE said this month's quota is used up (routine pushes are held until next month)."""
    state = session.get(Setting, QUOTA_KEY)
    return bool(state and state.value.get("exhausted_month") == now.strftime("%Y-%m"))


def _mark_quota_exhausted(session: Session, now: datetime) -> None:
    state = session.get(Setting, QUOTA_KEY) or Setting(key=QUOTA_KEY, value={})
    state.value = {**state.value, "exhausted_month": now.strftime("%Y-%m"), "at": now.isoformat()}
    session.add(state)


def _claim_next(session: Session, now: datetime, skip_routine_push: bool) -> OutboxMessage | None:
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
             .order_by(case((OutboxMessage.kind == "reply", 0), else_=1),
                       case((OutboxMessage.priority == "safety", 0), else_=1), OutboxMessage.id)
             .limit(1).with_for_update(skip_locked=True))
    if skip_routine_push:
        query = query.where((OutboxMessage.kind == "reply") | (OutboxMessage.priority == "safety"))
    return session.scalar(query)


def deliver_due(factory: sessionmaker, line: LineApi, now_fn=utcnow, limit: int = 100) -> int:
    """Send what is due; returns how many rows were settled.

    Each row is leased in a short transaction, sent with no transaction open (so SQLite's write lock is
    never held across a call to LINE), and settled in a second one. A process that dies mid-call leaves
    the lease to expire and the row is sent again with the same retry key.
    """
    settled = 0
    for _ in range(limit):
        with transaction(factory) as session:
            now = now_fn()
            row = _claim_next(session, now, skip_routine_push=quota_exhausted(session, now))
            if row is None:
                return settled
            row.attempts += 1
            row.next_attempt_at = now + LEASE
            if row.kind == "reply" and not (row.reply_deadline and now < row.reply_deadline):
                row.kind = "push"  # too old for its token: the answer goes as a push
            row_id, kind, messages = row.id, row.kind, row.messages
            target, key = (row.reply_token if kind == "reply" else row.to), row.retry_key
        result = line.reply(target, messages) if kind == "reply" else line.push(target, messages, key)
        with transaction(factory) as session:
            row = session.get(OutboxMessage, row_id, with_for_update=True)
            _settle(session, row, kind, result, now_fn())
            settled += row.status != "pending"
    return settled


def _settle(session: Session, row: OutboxMessage, kind: str, result: LineResult, now: datetime) -> None:
    if result.ok or (kind == "push" and result.status == 409):
        return _sent(row, now)
    if kind == "reply" and result.status == 400 and "reply token" in result.message.lower():
        row.kind, row.next_attempt_at = "push", now  # the token expired or was used: push it right away
        log.info("reply %s falls back to a push", row.id)
        return None
    if result.monthly_limit:
        _mark_quota_exhausted(session, now)
        if row.priority != "safety":
            row.status, row.last_error = "held", result.message
            return None
    _failed(row, result, now)


def _sent(row: OutboxMessage, now: datetime) -> None:
    row.status, row.sent_at, row.last_error = "sent", now, None


def _failed(row: OutboxMessage, result: LineResult, now: datetime) -> None:
    row.last_error = f"{result.status} {result.message}"[:2000]
    if result.retryable or result.monthly_limit:
        row.next_attempt_at = now + min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
    else:
        row.status = "rejected"  # LINE will never accept this body; kept for the operator to see
        log.error("LINE rejected outbox %s: %s", row.id, row.last_error)


def release_held(factory: sessionmaker, now_fn=utcnow) -> int:
    """Once the quota month has turned, put held routine pushes back in the queue."""
    with transaction(factory) as session:
        now = now_fn()
        if quota_exhausted(session, now):
            return 0
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "held")).all()
        for row in rows:
            row.status, row.next_attempt_at = "pending", now
        return len(rows)
