"""What parents see without burning the quota: work done in the group is already seen (a free reply);
work done in 1:1 is rolled up into at most one push per group per window (default: the centre's cutoff)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from notify import parent_news
from bot.config import Config
from bot.messages import text
from domain.attendance import unshared_arrivals
from domain.expected import expected_counts
from domain.thai import WEEKDAYS, hhmm, thai_date
from models import Activity, Attendance, Centre, Child, LineGroup, Lunch

MAX_MESSAGES = 5
DIGEST_UNTIL = time(20, 0)  # after this a missed digest is not sent any more (parents can still ask in 1:1)


NO_ROLLUP = "off"  # the head chose no roll-up during the day: parents see the day in the daily digest only


def windows(centre: Centre) -> list[time]:
    """The centre's roll-up times: its setting 'HH:MM,HH:MM', none when it is "off", or just the cutoff."""
    if centre.rollup_times == NO_ROLLUP:
        return []
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
    def lead(rows):
        return arrivals_message(session, centre, now.date(), rows, now.tzinfo) if rows else None

    return share_unseen(session, cfg, centre, now, f"{now.date()}:{window:%H%M}", lead)


def digest(session: Session, cfg: Config, centre: Centre, now: datetime) -> int:
    """The daily digest of a centre that worked in 1:1 today: one push per parent group with the day's counts,
    lunch and activities (nothing private); nothing when parents have already seen everything in the group."""
    return share_unseen(session, cfg, centre, now, f"{now.date()}:digest",
                        lambda rows: digest_summary(session, centre, now.date()))


def share_unseen(session: Session, cfg: Config, centre: Centre, now: datetime, key: str, lead) -> int:
    """One push per parent group: `lead(unseen arrivals)` (a message or None), then unseen lunch and activities
    (≤ MAX_MESSAGES); marks what it covered as shared; returns how many records it covered (0 = nothing sent)."""
    groups = bound_groups(session, centre.id)
    day = now.date()
    rows = unshared_arrivals(session, centre.id, day)
    first = lead(rows)
    messages = [first] if first else []
    covered = list(rows)
    for part in NEWS:
        news, records = part(session, cfg, centre, day, now)
        if news and len(messages) + len(news) <= MAX_MESSAGES:
            messages += news
            covered += records
    if not covered or not groups:
        return 0
    for group in groups:
        outbox.queue_push(session, group.group_id, messages, key=f"rollup:{group.group_id}:{key}", now=now)
    for record in covered:
        record.shared_at = now.astimezone(timezone.utc)
    return len(covered)


def digest_summary(session: Session, centre: Centre, day: date) -> dict:
    """The digest's first message: arrivals and leave as counts, the lunch dishes, how many activities."""
    counts = expected_counts(session, [centre.id], day)[centre.id]
    late = session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.centre_id == centre.id, Attendance.day == day, Attendance.late))
    lines = [f"🌇 สรุปประจำวัน {centre.name}", f"วัน{WEEKDAYS[day.weekday()]}ที่ {thai_date(day)}",
             f"มาเรียน {counts.arrived} จาก {counts.expected or counts.active} คน"
             + (f" · ลา {counts.on_leave} คน" if counts.on_leave else "") + (f" · มาสาย {late} คน" if late else "")]
    lunch = session.scalar(select(Lunch).where(Lunch.centre_id == centre.id, Lunch.day == day))
    if lunch and lunch.dishes:
        lines.append("อาหารกลางวัน: " + ", ".join(lunch.dishes))
    activities = session.scalar(select(func.count()).select_from(Activity).where(
        Activity.centre_id == centre.id, Activity.day == day))
    if activities:
        lines.append(f"กิจกรรมวันนี้ {activities} รายการ")
    return text("\n".join(lines))


NEWS = [parent_news.unshared_lunch, parent_news.unshared_activities]  # fn(session, cfg, centre, day, now) -> (messages, records)


def due_windows(centre: Centre, now: datetime) -> list[time]:
    """Today's roll-up times that have passed."""
    return [w for w in windows(centre) if w <= now.time()]
