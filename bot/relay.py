"""What parents see without burning the quota: work done in the group is already seen (a free reply);
work done in 1:1 is rolled up into at most one push per group per window (default: the centre's cutoff)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox, parent_news
from bot.config import Config
from bot.messages import text
from domain.attendance import unshared_arrivals
from domain.thai import WEEKDAYS, hhmm, thai_date
from models import Attendance, Centre, Child, LineGroup

MAX_MESSAGES = 5


def windows(centre: Centre) -> list[time]:
    """The centre's roll-up times: its setting 'HH:MM,HH:MM', or just the cutoff."""
    found = []
    for part in (centre.rollup_times or "").replace(" ", ",").split(","):
        try:
            found.append(time.fromisoformat(part.strip()))
        except ValueError:
            continue
    return sorted(set(found)) or [centre.cutoff]


def bound_groups(session: Session, centre_id: int | None = None) -> list[LineGroup]:
    """Parent groups the bot is in and that are bound to a centre (to this centre, when given)."""
    bound = LineGroup.centre_id.is_not(None) if centre_id is None else LineGroup.centre_id == centre_id
    return list(session.scalars(select(LineGroup).where(bound, LineGroup.left_at.is_(None))))


def arrivals_message(session: Session, centre: Centre, day: date, rows: list[Attendance], tz) -> dict:
    """The arrivals roll-up for the parent group: names and times, counts; nothing about health."""
    total = session.scalar(select(func.count()).select_from(Child).where(Child.centre_id == centre.id, Child.active))
    arrived = session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.centre_id == centre.id, Attendance.day == day))
    lines = [f"📋 การมาเรียน {centre.name}", f"วัน{WEEKDAYS[day.weekday()]}ที่ {thai_date(day)}",
             f"มาแล้ว {arrived} จาก {total} คน"]
    for row in rows:
        child = row.child
        late = " (มาสาย)" if row.late else ""
        lines.append(f"• {child.short_name} {hhmm(row.arrived_at.astimezone(tz))}{late}")
    return text("\n".join(lines))


def rollup(session: Session, cfg: Config, centre: Centre, now: datetime, window: time) -> int:
    """Push what parents have not seen today (arrivals, then lunch and activities) as one push to each of the
    centre's parent groups; returns how many records it covered (0 = nothing sent)."""
    groups = bound_groups(session, centre.id)
    day = now.date()
    rows = unshared_arrivals(session, centre.id, day)
    messages = [arrivals_message(session, centre, day, rows, now.tzinfo)] if rows else []
    covered = list(rows)
    for part in NEWS:
        news, records = part(session, cfg, centre, day, now)
        if news and len(messages) + len(news) <= MAX_MESSAGES:
            messages += news
            covered += records
    if not messages or not groups:
        return 0
    for group in groups:
        outbox.queue_push(session, group.group_id, messages, key=f"rollup:{group.group_id}:{day}:{window:%H%M}",
                          now=now)
    for record in covered:
        record.shared_at = now.astimezone(timezone.utc)
    return len(covered)


NEWS = [parent_news.unshared_lunch, parent_news.unshared_activities]  # fn(session, cfg, centre, day, now) -> (messages, records)


def due_windows(centre: Centre, now: datetime) -> list[time]:
    """Today's roll-up times that have passed."""
    return [w for w in windows(centre) if w <= now.time()]
