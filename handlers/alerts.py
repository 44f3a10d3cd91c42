"""The teacher's and head's answers to safety alerts: มาแล้ว, ลา, ติดต่อผู้ปกครองแล้ว, ตรวจรถแล้ว; open alerts."""
from __future__ import annotations

from notify.alerting import alerts_message
from bot.actions import ALERT_ABSENT, ALERT_ACK, ALERT_LEAVE, ALERT_LIST
from bot.messages import postback, say, text
from bot.router import Router
from domain.absences import record_absence
from domain.alerts import RESOLUTIONS, acknowledge, open_alerts
from domain.attendance import record_arrival
from domain.dashboards import person_name
from domain.names import label
from domain.thai import hhmm
from handlers.actors import shares_to_parents, staff_at, work_centre
from handlers.checkin import number
from models import Alert, Centre, Child


STALE = "ปุ่มนี้ใช้ไม่ได้แล้วค่ะ พิมพ์ \"แจ้งเตือนที่ค้าง\" เพื่อดูรายการล่าสุด"


def alert_of(ctx) -> Alert | None:
    """The alert a button names, if the sender is a teacher or head of its centre (else a refusal is replied)."""
    alert = ctx.session.get(Alert, number(ctx, "id"))
    if alert is None or staff_at(ctx, alert.centre_id) is None:
        ctx.reply(text("ปุ่มนี้ใช้ได้เฉพาะครูและหัวหน้าของศูนย์นี้ค่ะ"))
        return None
    return alert


def open_alert_of(ctx) -> Alert | None:
    """The alert a button names if it is still open; otherwise the sender is told why not (None)."""
    alert = alert_of(ctx)
    if alert is not None and alert.acknowledged_at is not None:
        already_handled(ctx, alert)
        return None
    return alert


def already_handled(ctx, alert: Alert) -> None:
    """Say who handled the alert and how."""
    ctx.reply(text(f"รายการนี้{RESOLUTIONS.get(alert.resolution, 'บันทึก')}แล้ว โดย "
                   f"{person_name(ctx.session, alert.acknowledged_by) or '-'} เมื่อ "
                   f"{hhmm(alert.acknowledged_at.astimezone(ctx.now.tzinfo))} น. ค่ะ", still_open(ctx, alert)[1]))


def still_open(ctx, alert: Alert) -> tuple[int, list[dict] | None]:
    """How many of the centre's alerts of that day are still open, and a button to them when there are any."""
    left = len(open_alerts(ctx.session, alert.centre_id, alert.day))
    return left, ([say(f"แจ้งเตือนที่ค้าง ({left})", "แจ้งเตือนที่ค้าง")] if left else None)


def done(ctx, alert: Alert, line: str) -> None:
    """Confirm what was recorded and point to what is still open."""
    left, quick = still_open(ctx, alert)
    tail = f"\nยังมีแจ้งเตือนที่ค้างอีก {left} รายการ" if left else "\nไม่มีแจ้งเตือนค้างแล้วค่ะ"
    ctx.reply(text(line + tail, quick))


def register(router: Router) -> None:
    """Alert buttons and the open-alerts list (teachers and heads)."""

    @router.on(postback=ALERT_ACK)
    def acknowledged_alert(ctx):
        """A teacher answered an alert: arrived (checks the child in), guardian contacted, or van checked."""
        alert = open_alert_of(ctx)
        if alert is None:
            return
        resolution = ctx.postback.get("r", "")
        child = ctx.session.get(Child, alert.child_id) if alert.child_id else None
        if resolution == "arrived" and child is not None:
            centre = ctx.session.get(Centre, alert.centre_id)
            record_arrival(ctx.session, child, centre, ctx.user_id, "alert", ctx.now,
                           shared=shares_to_parents(ctx, centre.id))
            acknowledge(ctx.session, alert, ctx.user_id, "arrived", ctx.now)  # when she was already checked in
            return done(ctx, alert, f"✅ บันทึกแล้ว: {label(child)} มาถึงศูนย์แล้ว")
        if resolution in ("contacted", "van_checked") and (resolution == "van_checked") == (child is None):
            acknowledge(ctx.session, alert, ctx.user_id, resolution, ctx.now)
            what = label(child) if child else f"รถ {alert.van_code}"
            return done(ctx, alert, f"✅ บันทึกแล้ว: {what} — {RESOLUTIONS[resolution]}")
        ctx.reply(text(STALE))

    @router.on(postback=ALERT_LEAVE)
    def chose_leave(ctx):
        """A teacher tapped ลา on an alert: sick or personal leave for today?"""
        alert = open_alert_of(ctx)
        if alert is None:
            return
        child = ctx.session.get(Child, alert.child_id) if alert.child_id else None
        if child is None:
            return ctx.reply(text(STALE))
        ctx.reply(text(f"{label(child)} ลาแบบไหนคะ (บันทึกเฉพาะวันนี้)", [
            postback("ลาป่วย", ALERT_ABSENT, f"{label(child)} ลาป่วย", id=alert.id, k="sick"),
            postback("ลากิจ", ALERT_ABSENT, f"{label(child)} ลากิจ", id=alert.id, k="personal")]))

    @router.on(postback=ALERT_ABSENT)
    def recorded_leave(ctx):
        """The teacher chose the kind of leave: record today's absence (this settles the alert)."""
        alert, kind = open_alert_of(ctx), ctx.postback.get("k")
        if alert is None:
            return
        child = ctx.session.get(Child, alert.child_id) if alert.child_id else None
        if child is None or kind not in ("sick", "personal"):
            return ctx.reply(text(STALE))
        record_absence(ctx.session, child, kind, ctx.today, ctx.today, by=ctx.user_id, now=ctx.now,
                       note="บันทึกจากการแจ้งเตือน")
        done(ctx, alert, f"✅ บันทึกแล้ว: {label(child)} {RESOLUTIONS[kind]}วันนี้")

    @router.on(text=r"^(แจ้งเตือนที่ค้าง|แจ้งเตือน)$")
    def asked_open_alerts(ctx):
        """The teacher asked which alerts of today are still open."""
        centre = work_centre(ctx)
        if centre is None:
            return ctx.reply(text("รายการแจ้งเตือนดูได้เฉพาะครูและหัวหน้าศูนย์ค่ะ"))
        show_open(ctx, centre, 0)

    @router.on(postback=ALERT_LIST)
    def paged_open_alerts(ctx):
        """The next page of open alerts."""
        centre = work_centre(ctx)
        if centre is None:
            return ctx.reply(text("รายการแจ้งเตือนดูได้เฉพาะครูและหัวหน้าศูนย์ค่ะ"))
        show_open(ctx, centre, number(ctx, "p"))


def show_open(ctx, centre: Centre, page: int) -> None:
    """Today's open alerts of the centre as cards (private: 1:1 only), or that there are none."""
    if ctx.chat_type != "user":
        return ctx.reply(text("แจ้งเตือนเป็นข้อมูลส่วนตัวของเด็ก ดูได้ในแชตส่วนตัวกับบอทค่ะ"))
    alerts = open_alerts(ctx.session, centre.id, ctx.today)
    if not alerts:
        return ctx.reply(text("วันนี้ไม่มีแจ้งเตือนที่ค้างค่ะ"))
    page = min(page, (len(alerts) - 1) // 10)
    ctx.reply(alerts_message(ctx.session, centre, alerts, ctx.now.tzinfo, page,
                             lead="แจ้งเตือนที่ยังไม่มีผู้รับทราบ"))
