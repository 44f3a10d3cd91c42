"""Parents: in 1:1 (after linking with a child's code) "did my child arrive?", today's lunch and activities,
for their own children only (siblings together); in the centre's parent group, "what did they eat today?".

Every answer is a free reply. A group answer also counts as sharing that lunch/activity with the group.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from bot.messages import say, text
from bot.router import Router
from domain.absences import late_time, notices_on
from domain.audit import audit
from domain.health import describe
from notify.parent_news import activity_messages, lunch_messages
from domain.thai import hhmm, thai_date
from handlers.actors import bound_centre_id, guardian
from models import Activity, Attendance, Centre, Child, ChildGuardian, Lunch

ARRIVED = r"(มาถึง|ถึงศูนย์|ถึงหรือยัง|มาเรียนไหม|มาเรียนหรือยัง)"
LUNCH = r"((กิน|ทาน)(ข้าว)?อะไร|อาหารกลางวัน|เมนูวันนี้|เมนูอาหาร|อาหารวันนี้)"
ACTIVITIES = r"(กิจกรรม|ทำอะไร(บ้าง)?(วันนี้)?$)"
MAX_MESSAGES = 5
ABSENCE = {"sick": "ลาป่วย", "personal": "ลากิจ", "late": "แจ้งว่าจะมาสาย"}
PARENT_QUICK = [say("ลูกมาถึงหรือยัง"), say("วันนี้กินอะไร"), say("กิจกรรมวันนี้"), say("ความยินยอม")]


def my_children(ctx) -> list[Child]:
    """The sender's own children (through their guardian record), siblings included; [] for anyone else."""
    person = guardian(ctx) if ctx.user_id else None
    if person is None:
        return []
    return list(ctx.session.scalars(select(Child).join(ChildGuardian).where(
        ChildGuardian.guardian_id == person.id, Child.active).order_by(Child.code)))


def is_parent_here(ctx) -> bool:
    """A linked guardian writing in 1:1."""
    return ctx.chat_type == "user" and bool(my_children(ctx))


def name_of(child: Child) -> str:
    """How the bot names a child to its parent."""
    return f"น้อง{child.nickname}" if child.nickname else child.first_name


def arrival_line(ctx, child: Child) -> str:
    """One child's day so far: arrival, health check, sent home, left; or not checked in (and any absence)."""
    row = ctx.session.scalar(select(Attendance).where(Attendance.child_id == child.id, Attendance.day == ctx.today))
    if row is None:
        absence = notices_on(ctx.session, [child.id], ctx.today).get(child.id)
        note = f" ({ABSENCE.get(absence.kind, 'แจ้งลา')}ไว้แล้ว)" if absence else ""
        if absence and late_time(absence):
            note = f" ({ABSENCE['late']} ประมาณ {late_time(absence)} น.)"
        return f"{name_of(child)}: ยังไม่ได้เช็คชื่อ{note}"
    local = lambda moment: hhmm(moment.astimezone(ctx.now.tzinfo))  # noqa: E731
    lines = [f"{name_of(child)}: มาถึงแล้ว {local(row.arrived_at)} น.{' (มาสาย)' if row.late else ''}"]
    if row.health == "ok":
        lines.append("  ตรวจสุขภาพ: ปกติ")
    elif row.health:
        lines.append("  ตรวจสุขภาพ: " + describe(row.health_items or [], row.temperature, row.health_note))
    if row.sent_home_at:
        lines.append(f"  ครูแจ้งส่งกลับบ้าน {local(row.sent_home_at)} น.")
    if row.left_at:
        by = f" (รับโดย {row.picked_up_by})" if row.picked_up_by else ""
        lines.append(f"  กลับบ้านแล้ว {local(row.left_at)} น.{by}")
    return "\n".join(lines)


def centres_of(ctx, children: list[Child]) -> list[Centre]:
    """The distinct centres of these children (siblings may attend different ones)."""
    ids = list(dict.fromkeys(c.centre_id for c in children))
    return [ctx.session.get(Centre, i) for i in ids]


def lunch_answer(ctx, centre: Centre) -> list[dict]:
    """Today's lunch of one centre as parents see it, or a note that it is not recorded yet."""
    lunch = ctx.session.scalar(select(Lunch).where(Lunch.centre_id == centre.id, Lunch.day == ctx.today))
    if lunch is None:
        return [text(f"{centre.name} ยังไม่ได้บันทึกอาหารกลางวันวันนี้ค่ะ")]
    return lunch_messages(ctx.session, ctx.rt.cfg, lunch, ctx.now)


def todays_activities(ctx, centre: Centre, classrooms: set | None = None) -> list[Activity]:
    """Today's activities of a centre, newest first (only whole-centre ones and those of `classrooms`)."""
    query = select(Activity).where(Activity.centre_id == centre.id, Activity.day == ctx.today)
    if classrooms is not None:
        query = query.where(or_(Activity.classroom_id.is_(None), Activity.classroom_id.in_(classrooms)))
    return list(ctx.session.scalars(query.order_by(Activity.posted_at.desc(), Activity.id.desc())))


def activities_answer(ctx, centre: Centre, classrooms: set | None, budget: int) -> tuple[list[dict], list[Activity]]:
    """Today's activities within `budget` messages (newest first; a note counts what did not fit), and those shown."""
    found = todays_activities(ctx, centre, classrooms)
    if not found:
        return [text(f"{centre.name} ยังไม่มีกิจกรรมที่บันทึกวันนี้ค่ะ")], []
    out, shown = [], []
    for activity in found:
        news = activity_messages(ctx.session, ctx.rt.cfg, activity, ctx.now)
        if len(out) + len(news) > budget - (1 if len(shown) + 1 < len(found) else 0):
            break
        out, shown = out + news, shown + [activity]
    if len(shown) < len(found):
        out.append(text(f"วันนี้มีอีก {len(found) - len(shown)} กิจกรรม ผู้ปกครองจะเห็นในสรุปประจำวันค่ะ"))
    return out, shown


def register(router: Router) -> None:
    """Parent questions in 1:1 and in the centre's group."""

    @router.on(chat="user", text=ARRIVED, when=is_parent_here)
    def asked_arrival(ctx):
        """A parent asked whether their child(ren) arrived: each own child's day so far (private, 1:1 only)."""
        children = my_children(ctx)
        audit(ctx.session, ctx.user_id, "parent.view_arrival", ",".join(c.code for c in children), at=ctx.now)
        lines = [arrival_line(ctx, c) for c in children]
        ctx.reply(text(f"วันนี้ {thai_date(ctx.today)}\n" + "\n".join(lines), PARENT_QUICK))

    @router.on(chat="user", text=LUNCH, when=is_parent_here)
    def asked_lunch(ctx):
        """A parent asked what the children eat today."""
        out = [m for centre in centres_of(ctx, my_children(ctx)) for m in lunch_answer(ctx, centre)]
        ctx.reply(*out[:MAX_MESSAGES])

    @router.on(chat="user", text=ACTIVITIES, when=is_parent_here)
    def asked_activities(ctx):
        """A parent asked what the children did today."""
        children = my_children(ctx)
        centres = centres_of(ctx, children)
        rooms = {c.classroom_id for c in children if c.classroom_id}
        budget = MAX_MESSAGES // len(centres)
        ctx.reply(*[m for centre in centres for m in activities_answer(ctx, centre, rooms, budget)[0]])

    @router.on(chat="group", text=LUNCH, when=lambda ctx: bound_centre_id(ctx) is not None)
    def group_asked_lunch(ctx):
        """Someone in the centre's parent group asked what the children eat today: everyone sees the reply."""
        centre = ctx.session.get(Centre, bound_centre_id(ctx))
        lunch = ctx.session.scalar(select(Lunch).where(Lunch.centre_id == centre.id, Lunch.day == ctx.today))
        if lunch is not None and lunch.shared_at is None:
            lunch.shared_at = ctx.now
        ctx.reply(*lunch_answer(ctx, centre))

    @router.on(chat="group", text=r"(กิจกรรมวันนี้|วันนี้ทำกิจกรรม|ทำกิจกรรมอะไร)",
               when=lambda ctx: bound_centre_id(ctx) is not None)
    def group_asked_activities(ctx):
        """Someone in the parent group asked about today's activities."""
        centre = ctx.session.get(Centre, bound_centre_id(ctx))
        answer, shown = activities_answer(ctx, centre, None, MAX_MESSAGES)
        for activity in shown:
            activity.shared_at = activity.shared_at or ctx.now
        ctx.reply(*answer)
