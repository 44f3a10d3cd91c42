"""Closure days, set by the head in 1:1: "ปิดศูนย์ 25 พ.ย. อบรมครู", "ยกเลิกปิดศูนย์ 25 พ.ย.", "วันปิดศูนย์".

On a closure day nobody is expected (domain.calendar.closed_centres reads these rows for every caller).
Only days that would otherwise be school days are stored; each change is confirmed first and audited.
"""
from __future__ import annotations

import re
from datetime import date

from bot.actions import CLOSURE_OK
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.audit import audit
from domain.calendar import closure_wording, closures_between, next_closures, school_days, upcoming_holidays
from domain.thai import day_list, thai_date
from domain.thaidates import DateProblem, find_days, span_text
from handlers.absences import words_of
from handlers.actors import is_staff, work_centre
from handlers.centre_settings import is_head
from models import Closure

CLOSE = re.compile(r"^ปิดศูนย์(?P<rest>.*)$")
REOPEN = re.compile(r"^ยกเลิก(?:วัน)?ปิดศูนย์(?P<rest>.*)$")
HOW = "พิมพ์วันที่ด้วยค่ะ เช่น \"ปิดศูนย์ 25 พ.ย. อบรมครู\" หรือ \"ปิดศูนย์ 25-27 พ.ย.\""
HEADS_ONLY = "การกำหนดวันปิดศูนย์ทำได้เฉพาะหัวหน้าศูนย์ในแชตส่วนตัวกับบอทค่ะ"

flow = Flow("closure", label="วันปิดศูนย์")


def days_in(ctx, typed: str) -> tuple[date, date] | None:
    """The span typed after the command, or None after telling the head what is wrong."""
    try:
        span, _ = find_days(typed, ctx.today)
    except DateProblem as problem:
        ctx.reply(text(problem.reason + "\n" + HOW))
        return None
    if span is None:
        ctx.reply(text(HOW))
    return span


CONFIRM = [postback("ยืนยัน", CLOSURE_OK), say("ยกเลิก")]


@flow.entry(text=CLOSE, when=is_head)
def typed_closure(ctx):
    """'ปิดศูนย์ 25-27 พ.ย. อบรมครู': the school days of the span, to confirm."""
    found = CLOSE.match(ctx.text)
    span = days_in(ctx, found.group("rest"))
    if span is None:
        return END
    days = school_days(*span)
    if not days:
        ctx.reply(text(f"{span_text(*span)} เป็นวันหยุดอยู่แล้วค่ะ ไม่ต้องปิดศูนย์"))
        return END
    reason = " ".join(words_of(find_days(found.group("rest"), ctx.today)[1]))[:200]
    ctx.save_draft(op="close", first=span[0].isoformat(), last=span[1].isoformat(), reason=reason)
    lines = [f"ปิดศูนย์ {len(days)} วัน: {day_list(days, 15)} ({span_text(*span)})"]
    if reason:
        lines.append(f"เหตุผล: {reason}")
    lines.append("วันปิดศูนย์จะไม่นับว่าเด็กขาดเรียน และไม่มีการแจ้งเตือนเด็กยังไม่มาถึง ยืนยันไหมคะ")
    ctx.reply(text("\n".join(lines), CONFIRM))
    return "confirm"


@flow.entry(text=REOPEN, when=is_head)
def typed_reopen(ctx):
    """'ยกเลิกปิดศูนย์ 25 พ.ย.': the closure days of the span, to confirm their removal."""
    span = days_in(ctx, REOPEN.match(ctx.text).group("rest"))
    if span is None:
        return END
    closed = closures_between(ctx.session, work_centre(ctx).id, *span)
    if not closed:
        ctx.reply(text(f"ไม่มีวันปิดศูนย์ในช่วง {span_text(*span)} ค่ะ", [say("วันปิดศูนย์")]))
        return END
    ctx.save_draft(op="reopen", first=span[0].isoformat(), last=span[1].isoformat())
    ctx.reply(text(f"ยกเลิกวันปิดศูนย์ {len(closed)} วัน: {day_list([c.day for c in closed], 15)} "
                   "(ศูนย์จะเปิดตามปกติ) ยืนยันไหมคะ", CONFIRM))
    return "confirm"


@flow.state("confirm", postback=CLOSURE_OK)
def confirmed(ctx):
    """Save the closure days (or remove them), audited, and show the coming closures."""
    d, centre = ctx.draft, work_centre(ctx)
    span = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
    existing = {c.day: c for c in closures_between(ctx.session, centre.id, *span)}
    if d["op"] == "close":
        days = school_days(*span)
        for day in days:
            row = existing.get(day) or Closure(centre_id=centre.id, day=day, set_by=ctx.user_id, set_at=ctx.now)
            row.reason = d.get("reason", "")
            ctx.session.add(row)
        lead = f"บันทึกวันปิดศูนย์แล้วค่ะ ✅ ({len(days)} วัน)"
    else:
        days = sorted(existing)
        for row in existing.values():
            ctx.session.delete(row)
        lead = f"ยกเลิกวันปิดศูนย์แล้วค่ะ ✅ ({len(days)} วัน)"
    ctx.session.flush()
    audit(ctx.session, ctx.user_id, f"centre.{d['op']}", centre.code, at=ctx.now,
          days=[day.isoformat() for day in days], reason=d.get("reason", ""))
    ctx.reply(closures_message(ctx, centre, lead))
    return END


def closures_message(ctx, centre, lead: str = "") -> dict:
    """The centre's coming closure days and the next Thai public holidays."""
    closed = next_closures(ctx.session, centre.id, ctx.today)
    lines = ([lead] if lead else []) + [f"วันปิดศูนย์ของ{centre.name}:"]
    lines += [f"• {closure_wording(c)}" for c in closed] or ["• ยังไม่ได้กำหนด"]
    holidays = upcoming_holidays(ctx.today)
    if holidays:
        lines.append("วันหยุดราชการที่จะถึง:")
        lines += [f"• {thai_date(day)} {name.split(';')[0][:40]}" for day, name in holidays]
    lines.append("ปิดศูนย์เพิ่ม พิมพ์เช่น \"ปิดศูนย์ 25 พ.ย. อบรมครู\" ยกเลิก พิมพ์ \"ยกเลิกปิดศูนย์ 25 พ.ย.\"")
    return text("\n".join(lines), [say("ตั้งค่าศูนย์")])


def register(router: Router) -> None:
    """The closure flow (heads), the list (staff), and a polite refusal for everyone else."""
    router.add_flow(flow)

    @router.on(chat="user", text=r"^(วันปิดศูนย์|ดูวันปิดศูนย์|วันหยุดศูนย์)$", when=is_staff)
    def asked_closures(ctx):
        """The coming closure days and public holidays of the sender's centre."""
        ctx.reply(closures_message(ctx, work_centre(ctx)))

    staff_or_private = lambda ctx: ctx.chat_type == "user" or is_staff(ctx)  # noqa: E731 (parents' group chatter: no)

    @router.on(text=CLOSE, when=staff_or_private)
    @router.on(text=REOPEN, when=staff_or_private)
    @router.on(text=r"^(วันปิดศูนย์|ดูวันปิดศูนย์|วันหยุดศูนย์)$", when=staff_or_private)
    def closure_refused(ctx):
        """Somebody who is not a head (or a head in a group) asked to change closure days."""
        ctx.reply(text(HEADS_ONLY))

    @router.on(postback=CLOSURE_OK)
    def stale_confirm(ctx):
        """A confirm button of a finished or expired closure change (or of somebody who is not a head)."""
        if not is_head(ctx):
            return ctx.reply(text(HEADS_ONLY))
        ctx.reply(text("รายการนี้บันทึกไปแล้วหรือหมดเวลาแล้วค่ะ", [say("วันปิดศูนย์")]))
