"""The head's centre settings in chat: check-out on/off, pushes to the parent group and their cost, the cutoff."""
from __future__ import annotations

import re
from datetime import date, time

from sqlalchemy.orm import object_session

from bot.actions import SETTING_CHECKOUT, SETTING_DIGEST
from bot.messages import postback, say, text
from bot.router import Router
from domain.audit import audit
from domain.calendar import closure_wording, next_closures
from handlers.actors import staff_rows, work_centre
from notify.relay import DIGEST_UNTIL, NO_ROLLUP, bound_groups, windows

SCHOOL_DAYS = 22  # a month's school days, for the cost a head is shown
TIMES = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")


def is_head(ctx) -> bool:
    """Whether the sender is the head of a centre (in 1:1)."""
    return ctx.chat_type == "user" and any(s.role == "head" for s in staff_rows(ctx))


def settings_message(centre, today: date) -> dict:
    """The centre's settings and the buttons that change them."""
    shown = ", ".join(f"{w:%H:%M}" for w in windows(centre))
    rollups = f"{shown} น." if shown else "ไม่ส่ง"
    session = object_session(centre)
    members = sum(g.member_count or 0 for g in bound_groups(session, centre.id))
    digest = (f"ส่ง {centre.digest_at:%H:%M} น. (เมื่อผู้ปกครองยังไม่เห็นงานของวันในกลุ่ม)" if centre.push_digest
              else "ไม่ส่ง")
    closed = next_closures(session, centre.id, today, 1)
    body = (f"ตั้งค่า{centre.name}\n• เวลาตัดยอดเช็คชื่อ: {centre.cutoff:%H:%M} น. (มาหลังจากนี้ = มาสาย)\n"
            f"• ส่งสรุปการมาเรียนเข้ากลุ่มผู้ปกครอง (เมื่อครูเช็คชื่อในแชตส่วนตัว): {rollups}\n"
            f"• เช็คชื่อกลับบ้าน: {'เปิด' if centre.checkout_enabled else 'ปิด'}\n"
            f"• เตือนครูที่ยังไม่บันทึก: เช็คชื่อ {centre.remind_checkin:%H:%M} อาหาร {centre.remind_lunch:%H:%M} "
            f"กิจกรรม {centre.remind_activity:%H:%M} น.\n"
            f"• สรุปประจำวันเข้ากลุ่มผู้ปกครอง: {digest}\n"
            f"  ผู้ปกครองพิมพ์ \"วันนี้\" ในกลุ่มเพื่อดูสรุปได้ฟรีเสมอ ส่วนการส่งเข้ากลุ่มคิดค่าข้อความครั้งละ "
            f"{members or 'จำนวนสมาชิก'} ข้อความ (ราว {members * SCHOOL_DAYS if members else '-'} ข้อความต่อเดือน "
            f"จากโควตาฟรี 300)\n"
            f"• แจ้งเตือนเด็กไม่มาที่ไม่มีผู้รับทราบ ส่งต่อผู้ปกครองและ อปท. หลัง {centre.escalate_minutes} นาที\n"
            f"• เด็กที่ขึ้นรถต้องเช็คชื่อภายใน {centre.van_grace_minutes} นาทีหลังรถถึงศูนย์\n"
            f"• วันปิดศูนย์ถัดไป: {closure_wording(closed[0]) if closed else 'ยังไม่ได้กำหนด'}\n"
            "เปลี่ยน พิมพ์ เช่น \"เวลาตัดยอด 09:00\", \"เวลาส่งสรุป 08:30 10:00\" (หรือ ปิด), "
            "\"เวลาเตือน 09:30 12:30 15:00\", "
            "\"เวลาสรุปประจำวัน 15:30\" (หรือ ปิด), \"ส่งต่อแจ้งเตือน 15 นาที\", \"เด็กรถเช็คชื่อภายใน 15 นาที\"")
    toggle = (postback("ปิดเช็คชื่อกลับบ้าน", SETTING_CHECKOUT, "ปิดเช็คชื่อกลับบ้าน", v=0) if centre.checkout_enabled
              else postback("เปิดเช็คชื่อกลับบ้าน", SETTING_CHECKOUT, "เปิดเช็คชื่อกลับบ้าน", v=1))
    push = (postback("หยุดส่งสรุปเข้ากลุ่ม", SETTING_DIGEST, "หยุดส่งสรุปประจำวันเข้ากลุ่ม", v=0) if centre.push_digest
            else postback("ส่งสรุปเข้ากลุ่ม", SETTING_DIGEST, "ส่งสรุปประจำวันเข้ากลุ่ม", v=1))
    return text(body, [toggle, push, say("เวลาตัดยอด"), say("เวลาส่งสรุป"), say("เวลาเตือน"),
                       say("เวลาสรุปประจำวัน"), say("วันปิดศูนย์")])


def typed_times(ctx) -> list[time]:
    """Every HH:MM (or HH.MM) the head typed, in order."""
    return [time(int(h), int(m)) for h, m in TIMES.findall(ctx.text)]


def save(ctx, action: str, **changes) -> None:
    """Apply the head's change to her centre, audit it, and answer with the settings as they are now."""
    centre = work_centre(ctx)
    for field, value in changes.items():
        setattr(centre, field, value)
    audit(ctx.session, ctx.user_id, action, centre.code, at=ctx.now,
          **{f: f"{v:%H:%M}" if isinstance(v, time) else v for f, v in changes.items()})
    ctx.reply(settings_message(centre, ctx.today))


def register(router: Router) -> None:
    """ตั้งค่าศูนย์ and its changes (heads only)."""

    @router.on(text=r"^ตั้งค่า(ศูนย์)?$")
    def asked_settings(ctx):
        """Show the centre's settings (heads can change them)."""
        if not is_head(ctx):
            return ctx.reply(text("การตั้งค่าศูนย์ทำได้เฉพาะหัวหน้าศูนย์ในแชตส่วนตัวกับบอทค่ะ"))
        ctx.reply(settings_message(work_centre(ctx), ctx.today))

    @router.on(postback=SETTING_CHECKOUT, when=is_head)
    def toggled_checkout(ctx):
        """Turn check-out on or off."""
        save(ctx, "centre.checkout", checkout_enabled=ctx.postback.get("v") == "1")

    @router.on(postback=SETTING_DIGEST, when=is_head)
    def toggled_digest_push(ctx):
        """Push the daily digest to the parent group, or stop (parents can always pull it with "วันนี้")."""
        save(ctx, "centre.push_digest", push_digest=ctx.postback.get("v") == "1")

    @router.on(text=r"^เวลาตัดยอด", when=is_head)
    def typed_cutoff(ctx):
        """'เวลาตัดยอด 09:00': the time after which arrivals are late and missing children are alerted."""
        found = typed_times(ctx)
        if len(found) != 1:
            return ctx.reply(text("พิมพ์เวลาเดียว เช่น \"เวลาตัดยอด 09:00\" ค่ะ"))
        save(ctx, "centre.cutoff", cutoff=found[0])

    @router.on(text=r"^เวลาส่งสรุป", when=is_head)
    def typed_rollup_times(ctx):
        """'เวลาส่งสรุป 08:30 10:00': when arrivals recorded in 1:1 are pushed to the parent group (each costs
        one message per group member)."""
        if re.search(r"(ปิด|ไม่ส่ง)$", ctx.text):
            return save(ctx, "centre.rollup_times", rollup_times=NO_ROLLUP)
        found = sorted(set(typed_times(ctx)))
        if not found or len(found) > 4:
            return ctx.reply(text("พิมพ์เวลา 1-4 เวลา เช่น \"เวลาส่งสรุป 09:00\" หรือ \"เวลาส่งสรุป ปิด\" (ไม่ส่ง"
                                  "ระหว่างวัน) ค่ะ ส่งแต่ละครั้งคิดค่าข้อความตามจำนวนสมาชิกในกลุ่ม"))
        save(ctx, "centre.rollup_times", rollup_times=",".join(f"{t:%H:%M}" for t in found))

    @router.on(text=r"^เวลาเตือน", when=is_head)
    def typed_reminder_times(ctx):
        """'เวลาเตือน 09:30 12:30 15:00': when teachers who have not recorded check-in, lunch, an activity are
        reminded."""
        found = typed_times(ctx)
        if len(found) != 3 or found != sorted(found):
            return ctx.reply(text("พิมพ์ 3 เวลาเรียงกัน (เช็คชื่อ อาหาร กิจกรรม) เช่น \"เวลาเตือน 09:30 12:30 15:00\" ค่ะ"))
        save(ctx, "centre.reminders", remind_checkin=found[0], remind_lunch=found[1], remind_activity=found[2])

    @router.on(text=r"^เวลาสรุปประจำวัน", when=is_head)
    def typed_digest_time(ctx):
        """'เวลาสรุปประจำวัน 15:30': push the day's digest to the parent group at that time ("ปิด": stop)."""
        if re.search(r"(ปิด|ไม่ส่ง)$", ctx.text):
            return save(ctx, "centre.push_digest", push_digest=False)
        found = typed_times(ctx)
        if len(found) != 1 or not time(12, 0) <= found[0] < DIGEST_UNTIL:
            return ctx.reply(text(f"พิมพ์เวลาเดียวระหว่าง 12:00 ถึง {DIGEST_UNTIL:%H:%M} เช่น "
                                  "\"เวลาสรุปประจำวัน 15:30\" ค่ะ"))
        save(ctx, "centre.digest_at", digest_at=found[0], push_digest=True)

    @router.on(text=r"^(ส่งต่อแจ้งเตือน|เด็กรถเช็คชื่อภายใน)", when=is_head)
    def typed_safety_minutes(ctx):
        """'ส่งต่อแจ้งเตือน 15 นาที' or 'เด็กรถเช็คชื่อภายใน 15 นาที': the safety loop's waiting times (5-60 min)."""
        found = re.findall(r"\d+", ctx.text)
        if len(found) != 1 or not 5 <= int(found[0]) <= 60:
            return ctx.reply(text("พิมพ์จำนวนนาที 5-60 เช่น \"ส่งต่อแจ้งเตือน 15 นาที\" ค่ะ"))
        field = "escalate_minutes" if ctx.text.startswith("ส่งต่อ") else "van_grace_minutes"
        save(ctx, f"centre.{field}", **{field: int(found[0])})
