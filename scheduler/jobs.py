"""Clock jobs: plain functions of (rt, now) that tests call with a fixed clock; each claims its run once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot import outbox
from bot.db import transaction, upsert_insert
from models import InboxEvent, InviteAttempt, JobRun

INBOX_KEEP = timedelta(days=30)


def claim(session: Session, job: str, run_key: str, now: datetime) -> bool:
    """True for the first caller of (job, run_key); every later or concurrent caller gets False."""
    stmt = upsert_insert(session, JobRun).values(job=job, run_key=run_key, started_at=now).on_conflict_do_nothing(
        index_elements=["job", "run_key"]).returning(JobRun.id)
    return session.execute(stmt).scalar() is not None


def purge_inbox(rt, now: datetime) -> int:
    """Once a day: drop processed webhook events and old code attempts after 30 days."""
    with transaction(rt.sessions) as session:
        if not claim(session, "purge_inbox", now.date().isoformat(), now):
            return 0
        cutoff = now - INBOX_KEEP
        gone = session.execute(delete(InboxEvent).where(
            InboxEvent.status == "done", InboxEvent.processed_at < cutoff)).rowcount
        session.execute(delete(InviteAttempt).where(InviteAttempt.at < cutoff))
        return gone


def sweep_outbox(rt, now: datetime) -> int:
    """Every minute: release held pushes when the quota month turns and deliver anything due."""
    outbox.release_held(rt.sessions, rt.clock)
    return outbox.deliver_due(rt.sessions, rt.line, rt.clock)
