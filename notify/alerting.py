"""Sending safety alerts: new ones to the centre's teachers and head at once, urgent ones again every few minutes
until somebody acknowledges, and what nobody acknowledged in time to the child's guardians and the LAO.

Every send is a safety-priority push (it goes even when the quota guard holds routine messages back). A second
clock cannot send twice: the due alerts are read FOR UPDATE and marked sent in the same transaction that queues
the pushes, and each push's retry key names the alerts and their send count.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.actions import ALERT_ACK, ALERT_LEAVE, ALERT_LIST
from bot.messages import bubble, carousel, postback, say, text, txt
from domain.alerts import KINDS, RESOLUTIONS, log_step
from domain.dashboards import person_name
from domain.names import label
from domain.thai import hhmm, thai_date
from models import Alert, Centre, Child, ChildGuardian, Guardian, Lao, LineUser, Official

REPEAT = timedelta(minutes=5)  # urgent alerts come back this often until acknowledged
RED, ORANGE = "#C62828", "#EF6C00"
PAGE = 10  # alert bubbles per carousel (+ a header bubble and a "more" bubble ≤ 12)


def following(line_user_id_column):
    """Only LINE users who still follow the OA (an unfollow is a block: pushes to them are wasted)."""
    return ~exists().where(LineUser.line_user_id == line_user_id_column, LineUser.followed.is_(False))


def lao_recipients(session: Session, centre: Centre) -> list[str]:
    """LINE ids of the active officials of the LAO that runs the centre."""
    code = session.scalar(select(Lao.code).where(Lao.id == centre.lao_id))
    return sorted(set(session.scalars(select(Official.line_user_id).where(
        Official.role == "lao", Official.scope_code == code, Official.active, Official.line_user_id.is_not(None),
        following(Official.line_user_id)))))


def guardian_recipients(session: Session, child_id: int) -> list[str]:
    """LINE ids of the child's guardians who linked their LINE account."""
    return sorted(set(session.scalars(select(Guardian.line_user_id).join(
        ChildGuardian, ChildGuardian.guardian_id == Guardian.id).where(
        ChildGuardian.child_id == child_id, Guardian.line_user_id.is_not(None), following(Guardian.line_user_id)))))


def headline(alert: Alert, child: Child | None) -> str:
    """What the alert is about, in a few words."""
    if alert.kind == "van_empty":
        return f"รถ {alert.van_code}: {KINDS['van_empty']}"
    return f"{child.display_name if child else '-'}"


def actions(alert: Alert) -> list[dict]:
    """The acknowledgement buttons of one alert."""
    if alert.kind == "van_empty":
        return [postback("ตรวจรถแล้ว ไม่มีเด็ก", ALERT_ACK, "ตรวจรถแล้ว ไม่มีเด็กค้าง", id=alert.id, r="van_checked")]
    buttons = [postback("มาแล้ว", ALERT_ACK, "มาถึงศูนย์แล้ว", id=alert.id, r="arrived")]
    if alert.kind == "missing":
        buttons.append(postback("ลา", ALERT_LEAVE, "บันทึกการลา", id=alert.id))
    buttons.append(postback("ติดต่อผู้ปกครองแล้ว", ALERT_ACK, "ติดต่อผู้ปกครองแล้ว", id=alert.id, r="contacted"))
    return buttons


def alert_bubble(session: Session, alert: Alert, tz) -> dict:
    """One alert as a card: who, what, since when; its buttons (or who acknowledged it)."""
    child = session.get(Child, alert.child_id) if alert.child_id else None
    urgent = alert.level == "urgent"
    lines = [txt(("🚨 ด่วน: " if urgent else "⚠️ ") + KINDS.get(alert.kind, alert.kind), weight="bold",
                 color=RED if urgent else ORANGE)]
    if alert.detail:
        lines.append(txt(alert.detail))
    lines.append(txt(f"แจ้งเมื่อ {hhmm(alert.raised_at.astimezone(tz))} น.", size="xs"))
    if alert.acknowledged_at:
        who = person_name(session, alert.acknowledged_by) or "-"
        lines.append(txt(f"✅ {RESOLUTIONS.get(alert.resolution, alert.resolution)} โดย {who} "
                         f"{hhmm(alert.acknowledged_at.astimezone(tz))}"))
    buttons = [] if alert.acknowledged_at else actions(alert)
    return bubble(headline(alert, child), label(child) if child else "", lines, buttons)


def alerts_message(session: Session, centre: Centre, alerts: list[Alert], tz, page: int = 0, lead: str = "") -> dict:
    """A carousel of alerts (a page of them), headed by the centre and what to do."""
    urgent = any(a.level == "urgent" for a in alerts)
    shown = alerts[page * PAGE:(page + 1) * PAGE]
    day = alerts[0].day if alerts else date.today()
    head_lines = [txt(lead or ("มีเด็กที่ต้องตามด่วน กรุณาตรวจสอบทันที" if urgent else
                                "เด็กต่อไปนี้ยังไม่มาและไม่ได้แจ้งลา กรุณาตรวจสอบ")),
                  txt(f"ทั้งหมด {len(alerts)} รายการ แตะปุ่มเมื่อทราบผลแล้ว", size="xs")]
    bubbles = [bubble("🚨 แจ้งเตือนด่วน" if urgent else "⚠️ แจ้งเตือน", f"{centre.name}\n{thai_date(day)}",
                      head_lines)]
    bubbles += [alert_bubble(session, a, tz) for a in shown]
    if (page + 1) * PAGE < len(alerts):
        more = postback("ดูต่อ", ALERT_LIST, "ดูแจ้งเตือนต่อ", p=page + 1)
        bubbles.append(bubble("ยังมีต่อ", f"อีก {len(alerts) - (page + 1) * PAGE} รายการ", [], [more]))
    names = ", ".join(headline(a, session.get(Child, a.child_id) if a.child_id else None) for a in shown[:5])
    alt = f"{'🚨 แจ้งเตือนด่วน' if urgent else '⚠️ แจ้งเตือน'} {centre.name}: {names}"
    return carousel(alt, bubbles, [say("แจ้งเตือนที่ค้าง")])


def names_message(session: Session, centre: Centre, alerts: list[Alert], tz, repeat: bool = False) -> dict:
    """Every alert of a send in plain text, one line each, so the teacher reads all names without paging the
    carousel (which holds 10 per page, and its alt text only a few)."""
    urgent = [a for a in alerts if a.level == "urgent"]
    head = "🚨 แจ้งเตือนด่วน" if urgent else "⚠️ แจ้งเตือน"
    lines = [f"{head} {centre.name} {thai_date(alerts[0].day)}",
             ("ยังไม่มีผู้รับทราบ " if repeat else "") + f"ทั้งหมด {len(alerts)} รายการ:"]
    for n, alert in enumerate(alerts, 1):
        child = session.get(Child, alert.child_id) if alert.child_id else None
        kind = "" if alert.kind == "missing" else f" — {KINDS.get(alert.kind, alert.kind)}"
        lines.append(f"{n}. {headline(alert, child)}{kind}")
    lines.append("แตะปุ่มในการ์ดด้านล่างเมื่อทราบผลแล้ว หรือพิมพ์ \"แจ้งเตือนที่ค้าง\"")
    return text("\n".join(lines))


def send_due(session: Session, centre: Centre, now: datetime, recipients: list[str]) -> int:
    """Send the centre's new alerts, and its urgent unacknowledged ones whose last send is REPEAT old, to
    `recipients` (its teachers and head: `staff_recipients`); returns how many alerts went out."""
    utc_now = now.astimezone(timezone.utc)
    due = list(session.scalars(select(Alert).where(
        Alert.centre_id == centre.id, Alert.day == now.date(), Alert.acknowledged_at.is_(None),
        or_(Alert.sends == 0, (Alert.level == "urgent") & (Alert.last_sent_at <= utc_now - REPEAT)))
        .order_by(Alert.level.desc(), Alert.raised_at, Alert.id).with_for_update()))
    if not due:
        return 0
    repeat = all(a.sends for a in due)
    lead = "ยังไม่มีผู้รับทราบ กรุณาตรวจสอบทันที" if repeat else ""
    messages = [names_message(session, centre, due, now.tzinfo, repeat),
                alerts_message(session, centre, due, now.tzinfo, lead=lead)]
    stamp = ",".join(f"{a.id}.{a.sends}" for a in due)
    for uid in recipients:
        outbox.queue_push(session, uid, messages, key=f"alert:{uid}:{stamp}", now=now, priority="safety")
    for alert in due:
        alert.sends += 1
        alert.last_sent_at = utc_now
        log_step(alert, now, "sent" if alert.sends == 1 else "repeated", to=len(recipients))
    return len(due)


def escalate_due(session: Session, centre: Centre, now: datetime, recipients: list[str]) -> int:
    """Alerts nobody acknowledged within the centre's escalation time (or at once when no staff member is among
    `recipients` to receive them) go to the child's guardians privately and to the LAO officials; returns how many
    were escalated."""
    utc_now = now.astimezone(timezone.utc)
    no_staff = not recipients
    limit = utc_now - timedelta(minutes=0 if no_staff else centre.escalate_minutes)
    overdue = list(session.scalars(select(Alert).where(
        Alert.centre_id == centre.id, Alert.day == now.date(), Alert.acknowledged_at.is_(None),
        Alert.escalated_at.is_(None), Alert.raised_at <= limit).order_by(Alert.raised_at, Alert.id)
        .with_for_update()))
    if not overdue:
        return 0
    officials = lao_recipients(session, centre)
    told = {}
    for alert in overdue:
        guardians = guardian_recipients(session, alert.child_id) if alert.child_id else []
        for uid in guardians:
            outbox.queue_push(session, uid, [guardian_message(session, centre, alert)],
                              key=f"escalate:{alert.id}:{uid}", now=now, priority="safety")
        alert.escalated_at = utc_now
        told[alert.id] = len(guardians)
    summary = escalation_message(session, centre, overdue, now.tzinfo, no_staff)
    for uid in officials:
        outbox.queue_push(session, uid, [summary], key=f"escalate:{uid}:{','.join(str(a.id) for a in overdue)}",
                          now=now, priority="safety")
    for alert in overdue:
        log_step(alert, now, "escalated", guardians=told[alert.id], officials=len(officials), no_staff=no_staff)
    return len(overdue)


def guardian_message(session: Session, centre: Centre, alert: Alert) -> dict:
    """To a guardian: the centre has not seen their child today; contact the centre or report leave."""
    child = session.get(Child, alert.child_id)
    if alert.kind == "van":
        body = (f"🚨 {centre.name} แจ้งด่วน: {child.display_name} ขึ้นรถรับส่งแล้วแต่ยังไม่ได้เช็คชื่อที่ศูนย์ "
                "ครูกำลังตรวจสอบ หากทราบข้อมูลกรุณาติดต่อศูนย์ทันทีค่ะ")
        return text(body)
    body = (f"⚠️ {centre.name}: วันนี้ {child.display_name} ยังไม่มาถึงศูนย์และยังไม่ได้แจ้งลา "
            "หากวันนี้ไม่มาเรียน กรุณาแจ้งลาได้ที่นี่ หรือติดต่อครูที่ศูนย์ค่ะ")
    return text(body, [say("ลาป่วยวันนี้", "ลาป่วย วันนี้"), say("ลากิจวันนี้", "ลากิจ วันนี้"),
                       say("มาสาย", "มาสาย วันนี้")])


def escalation_message(session: Session, centre: Centre, alerts: list[Alert], tz, no_staff: bool) -> dict:
    """To the LAO officials: which alerts of a centre nobody acknowledged, since when."""
    why = ("ศูนย์นี้ไม่มีครูที่เชื่อม LINE ไว้รับแจ้งเตือน" if no_staff else
           f"ไม่มีผู้รับทราบภายใน {centre.escalate_minutes} นาที")
    lines = [f"🚨 แจ้งเตือนส่งต่อ: {centre.name}", f"{thai_date(alerts[0].day)} — {why}"]
    for alert in alerts[:20]:
        child = session.get(Child, alert.child_id) if alert.child_id else None
        lines.append(f"• {headline(alert, child)} — {KINDS.get(alert.kind, alert.kind)} "
                     f"(ตั้งแต่ {hhmm(alert.raised_at.astimezone(tz))} น.)")
    if len(alerts) > 20:
        lines.append(f"และอีก {len(alerts) - 20} รายการ")
    lines.append("ผู้ปกครองที่เชื่อม LINE ได้รับแจ้งแล้ว กรุณาประสานศูนย์ค่ะ")
    return text("\n".join(lines), [say("การแจ้งเตือนวันนี้")])
