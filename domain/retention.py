"""How long each table keeps what it holds (PDPA: no longer than needed), as data the clock job applies.

README's "Privacy" section shows the same table. Photo files follow MEDIA_RETENTION_DAYS (the clock's
purge_old_media); everything else is one rule here, applied once a day by scheduler.jobs.apply_retention.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Date, delete, or_, update
from sqlalchemy.orm import Session

from models import (Absence, Alert, Attendance, AuditLog, Conversation, InboxEvent, InviteAttempt, JobRun, Media,
                    OutboxMessage, PhotoScan, VanTrip)

DAY = timedelta(days=1)
HISTORY = 3 * 365 * DAY  # officials compare years; after that only what reports already printed remains


@dataclass(frozen=True)
class Rule:
    """One table's policy: what is removed after how long, and why it is kept that long."""

    table: str
    keep: str  # as README states it
    why: str
    apply: Callable[[Session, datetime], int]  # returns rows removed or cleared


def _inbox(session: Session, now: datetime) -> int:
    done = delete(InboxEvent).where(InboxEvent.status == "done", InboxEvent.processed_at < now - 30 * DAY)
    failed = delete(InboxEvent).where(InboxEvent.status.not_in(("done", "pending")),
                                      InboxEvent.received_at < now - 90 * DAY)
    return session.execute(done).rowcount + session.execute(failed).rowcount


def _attendance(session: Session, now: datetime) -> int:
    gone = session.execute(delete(Attendance).where(Attendance.day < (now - HISTORY).date())).rowcount
    old_health = update(Attendance).where(Attendance.day < (now - 365 * DAY).date(), or_(  # the ok/concern flag stays
        Attendance.health_at.is_not(None), Attendance.temperature.is_not(None), Attendance.picked_up_by != "")).values(
        health_items=[], temperature=None, health_note="", health_by=None, health_at=None, picked_up_by="")
    return gone + session.execute(old_health).rowcount


def _before(model, column, span: timedelta, *extra) -> Callable[[Session, datetime], int]:
    def apply(session: Session, now: datetime) -> int:
        limit = now - span
        if isinstance(column.type, Date):  # a day column (the others are UTC moments)
            limit = limit.date()
        return session.execute(delete(model).where(column < limit, *extra)).rowcount
    return apply


POLICY: list[Rule] = [
    Rule("inbox_events", "processed 30 days; failed 90 days", "redelivery checks; investigating failures",
         _inbox),
    Rule("outbox_messages", "sent or dropped 30 days", "delivery checks (the text names children)",
         _before(OutboxMessage, OutboxMessage.created_at, 30 * DAY, OutboxMessage.status.in_(("sent", "dropped")))),
    Rule("invite_attempts", "30 days", "rate-limiting code guesses", _before(InviteAttempt, InviteAttempt.at, 30 * DAY)),
    Rule("photo_scans", "90 days", "answering photo sets, decoding statistics",
         _before(PhotoScan, PhotoScan.received_at, 90 * DAY)),
    Rule("conversations", "90 days after the last message", "half-done flows and their drafts",
         _before(Conversation, Conversation.updated_at, 90 * DAY)),
    Rule("attendance", "health details 1 year; the day's record 3 years",
         "this year's care; officials' attendance history", _attendance),
    Rule("absences", "3 years", "attendance history", _before(Absence, Absence.last_day, HISTORY)),
    Rule("alerts", "3 years", "safety history and its review", _before(Alert, Alert.day, HISTORY)),
    Rule("van_trips", "3 years (with their boardings)", "safety history", _before(VanTrip, VanTrip.day, HISTORY)),
    Rule("media", "photo files MEDIA_RETENTION_DAYS (365); the row 3 years",
         "parents look back over the school year", _before(Media, Media.created_at, HISTORY,
                                                              Media.purged_at.is_not(None))),
    Rule("audit_log", "3 years", "answering who saw or changed what (PDPA)",
         _before(AuditLog, AuditLog.at, HISTORY)),
    Rule("job_runs", "90 days", "a job never runs twice for one key", _before(JobRun, JobRun.started_at, 90 * DAY)),
]


def apply_policy(session: Session, now: datetime) -> dict[str, int]:
    """Apply every rule; rows removed or cleared per table."""
    return {rule.table: rule.apply(session, now) for rule in POLICY}
