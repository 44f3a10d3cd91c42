"""Clock jobs: plain functions of (rt, now) that tests call with a fixed clock; each claims its run once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot import menu_links, outbox
from notify import alerting, quota, relay, reminders
from bot.db import transaction
from models.insert import insert_once
from bot.storage import Storage, discard, storage_for
from domain.alerts import staff_recipients
from domain.audit import audit
from domain.calendar import open_centres
from domain.retention import apply_policy
from domain.safety import cutoff_alerts
from domain.van import van_overdue
from models import Centre, JobRun, Media, PhotoScan

UNFILED_KEEP = timedelta(days=1)  # photos nobody said what they were (an abandoned flow or fallback)


def claim(session: Session, job: str, run_key: str, now: datetime) -> bool:
    """True for the first caller of (job, run_key); every later or concurrent caller gets False."""
    stmt = insert_once(session, JobRun, dict(job=job, run_key=run_key, started_at=now),
                       on=["job", "run_key"]).returning(JobRun.id)
    return session.execute(stmt).scalar() is not None


def apply_retention(rt, now: datetime) -> dict[str, int]:
    """Once a day: remove or clear what each table keeps past its time (domain.retention.POLICY)."""
    with transaction(rt.sessions) as session:
        if not claim(session, "retention", now.date().isoformat(), now):
            return {}
        done = apply_policy(session, now)
        audit(session, "clock", "retention.applied", now.date().isoformat(), at=now,
              **{table: n for table, n in done.items() if n})
        return done


def sweep_outbox(rt, now: datetime) -> int:
    """Every minute: release held pushes when the quota month turns, deliver anything due, retry menu links."""
    outbox.release_held(rt.sessions, rt.clock)
    menu_links.deliver_links(rt.sessions, rt.line)
    return outbox.deliver_due(rt.sessions, rt.line, rt.clock)


def parent_rollups(rt, now: datetime) -> int:
    """Every few minutes: at each centre's roll-up times, one push per parent group with what parents have not
    seen yet (work done in 1:1); a restart or a second clock never sends a window twice. While the quota guard
    defers roll-ups, their news waits for the daily digest."""
    covered = 0
    for centre_id in group_centre_ids(rt, now):
        with transaction(rt.sessions) as session:
            if not quota.allows(session, "rollup", group_cost(session, centre_id), now):
                continue
            centre = session.get(Centre, centre_id)
            for window in relay.due_windows(centre, now):
                if claim(session, "rollup", f"{centre.code}:{now.date()}:{window:%H%M}", now):
                    covered += relay.rollup(session, rt.cfg, centre, now, window)
    return covered


def group_centre_ids(rt, now: datetime) -> list[int]:
    """Centres open today that have a bound parent group."""
    with transaction(rt.sessions) as session:
        return sorted(open_centres(session, {g.centre_id for g in relay.bound_groups(session)}, now.date()))


def group_cost(session: Session, centre_id: int) -> int:
    """What one push to each of the centre's parent groups costs (LINE bills every member)."""
    return sum(g.member_count or 0 for g in relay.bound_groups(session, centre_id))


def open_centre_ids(rt, now: datetime) -> list[int]:
    """Every centre that expects children today (not a weekend, public holiday or closure day)."""
    with transaction(rt.sessions) as session:
        return sorted(open_centres(session, session.scalars(select(Centre.id)).all(), now.date()))


DETECTORS = [van_overdue, cutoff_alerts]  # fn(session, centre, now) -> new alerts


def safety_checks(rt, now: datetime) -> int:
    """Every minute: raise alerts (van overdue, missing at the cutoff), send new ones and repeat urgent ones to the
    teacher and head, escalate what nobody acknowledged; returns how many alerts went out."""
    sent = 0
    for centre_id in open_centre_ids(rt, now):
        with transaction(rt.sessions) as session:
            centre = session.get(Centre, centre_id)
            for detect in DETECTORS:
                detect(session, centre, now)
            staff = staff_recipients(session, centre.id)
            sent += alerting.send_due(session, centre, now, staff)
            alerting.escalate_due(session, centre, now, staff)
    return sent


def teacher_reminders(rt, now: datetime) -> int:
    """Every few minutes: remind teachers who have not recorded check-in, lunch or an activity by their centre's
    times (school days only; once per centre, kind and day); returns how many reminders were queued."""
    queued = 0
    for centre_id in open_centre_ids(rt, now):
        with transaction(rt.sessions) as session:
            centre = session.get(Centre, centre_id)
            for kind in reminders.due(session, centre, now):
                to = reminders.recipients(session, centre.id)
                if to and quota.allows(session, "reminder", len(to), now) and \
                        claim(session, "reminder", f"{centre.code}:{now.date()}:{kind}", now):
                    queued += reminders.remind(session, centre, kind, now, to)
    return queued


def daily_digests(rt, now: datetime) -> int:
    """Every few minutes: after each centre's digest time, one push per parent group with the day, for centres that
    worked in 1:1 (in-group work was seen already); once per centre and day, dropped by the quota guard."""
    covered = 0
    for centre_id in group_centre_ids(rt, now):
        with transaction(rt.sessions) as session:
            centre = session.get(Centre, centre_id)
            if not centre.digest_at <= now.time() < relay.DIGEST_UNTIL:
                continue
            if quota.allows(session, "digest", group_cost(session, centre.id), now) and \
                    claim(session, "digest", f"{centre.code}:{now.date()}", now):
                covered += relay.digest(session, rt.cfg, centre, now)
    return covered


def check_quota(rt, now: datetime) -> dict | None:
    """Every 15 minutes: read LINE's quota and consumption; when the guard starts holding messages back, tell the
    LAO officials (once per month and stage)."""
    found = rt.line.quota()
    with transaction(rt.sessions) as session:
        reading = quota.refresh(session, found, now)
        held = quota.held_back(session, now)
        if held and claim(session, "quota_notice", f"{now:%Y-%m}:{held[-1]}", now):
            quota.notice(session, now, held)
        return reading


STALE_SET = timedelta(seconds=60)


def answer_stale_photo_sets(rt, now: datetime) -> int:
    """Every minute: photo sets still missing a photo after a minute are answered with what arrived (a push)."""
    scan_summary = rt.router.answers["photo_set"]
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
