"""Clock jobs: plain functions of (rt, now) that tests call with a fixed clock; each claims its run once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from bot import menu_links, outbox, relay
from bot.db import transaction, upsert_insert
from bot.storage import Storage, discard, storage_for
from models import Centre, InboxEvent, InviteAttempt, JobRun, Media, PhotoScan

INBOX_KEEP = timedelta(days=30)
UNFILED_KEEP = timedelta(days=1)  # photos nobody said what they were (an abandoned flow or fallback)


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
    """Every minute: release held pushes when the quota month turns, deliver anything due, retry menu links."""
    outbox.release_held(rt.sessions, rt.clock)
    menu_links.deliver_links(rt.sessions, rt.line)
    return outbox.deliver_due(rt.sessions, rt.line, rt.clock)


def parent_rollups(rt, now: datetime) -> int:
    """Every few minutes: at each centre's roll-up times, one push per parent group with what parents have not
    seen yet (work done in 1:1); a restart or a second clock never sends a window twice."""
    with transaction(rt.sessions) as session:
        centre_ids = sorted({g.centre_id for g in relay.bound_groups(session)})
    covered = 0
    for centre_id in centre_ids:
        with transaction(rt.sessions) as session:
            centre = session.get(Centre, centre_id)
            for window in relay.due_windows(centre, now):
                if claim(session, "rollup", f"{centre.code}:{now.date()}:{window:%H%M}", now):
                    covered += relay.rollup(session, rt.cfg, centre, now, window)
    return covered


STALE_SET = timedelta(seconds=60)


def answer_stale_photo_sets(rt, now: datetime) -> int:
    """Every minute: photo sets still missing a photo after a minute are answered with what arrived (a push)."""
    from handlers.checkin import scan_summary

    answered = 0
    with transaction(rt.sessions) as session:
        stale = session.scalars(select(PhotoScan).where(
            PhotoScan.answered_at.is_(None), PhotoScan.received_at < now - STALE_SET)).all()
        sets: dict[tuple, list[PhotoScan]] = {}
        for scan in stale:
            sets.setdefault((scan.chat_id, scan.image_set_id or scan.message_id), []).append(scan)
        for (chat_id, set_id), scans in sets.items():
            for scan in scans:
                scan.answered_at = now
            centre = session.get(Centre, scans[0].centre_id) if scans[0].centre_id else None
            if centre is None:
                continue
            outbox.queue_push(session, chat_id, [scan_summary(session, now, centre, scans)],
                              key=f"photoset:{chat_id}:{set_id}", now=now)
            answered += 1
    return answered


def purge_media(session: Session, storage: Storage, now: datetime, days: int) -> int:
    """Delete photo files older than `days` (and unfiled ones after a day); their rows keep purged_at."""
    stale = select(Media).where(Media.purged_at.is_(None), or_(
        Media.created_at < now - timedelta(days=days),
        and_(Media.lunch_id.is_(None), Media.activity_id.is_(None), Media.van_trip_id.is_(None),
             Media.created_at < now - UNFILED_KEEP)))
    gone = 0
    for media in session.scalars(stale):
        discard(storage, media, now)
        gone += 1
    return gone


def purge_old_media(rt, now: datetime) -> int:
    """Once a day: purge media past MEDIA_RETENTION_DAYS (views then say the photo expired)."""
    with transaction(rt.sessions) as session:
        if not claim(session, "purge_media", now.date().isoformat(), now):
            return 0
        return purge_media(session, storage_for(rt.cfg), now, rt.cfg.MEDIA_RETENTION_DAYS)
