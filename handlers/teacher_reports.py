"""Teachers download their own centre's reports (attendance, health, growth, lunch) by signed link, in 1:1.

Heads and officials have the wider picker in handlers.officials; a teacher's scope is only her centre, resolved
from her staff record on the server (the postback names no unit).
"""
from __future__ import annotations

from bot.actions import TEACHER_REPORT
from bot.messages import postback, say, text
from bot.router import Router
from domain.report_catalog import CENTRE_KINDS, KINDS
from domain.scope import scope_for_actor, scope_of
from domain.thai import thai_month
from handlers.actors import staff_rows
from handlers.officials import parse_month, recent_months, send_report

TEACHER_QUICK = [say("เช็คชื่อ"), say("อาหารกลางวัน"), say("กิจกรรม"), say("รายงาน"), say("ช่วยเหลือ")]


def is_plain_teacher(ctx) -> bool:
    """A teacher with no wider scope (heads and officials use the officials' picker)."""
    return ctx.chat_type == "user" and any(s.role == "teacher" for s in staff_rows(ctx)) and \
        scope_for_actor(ctx.session, ctx.actor) is None


def register(router: Router) -> None:
    """รายงาน for teachers: kind → month → links."""

    @router.on(chat="user", text=r"^รายงาน$", when=is_plain_teacher)
    def teacher_asked_report(ctx):
        """A teacher asked for a report: which one?"""
        ctx.reply(text("ต้องการรายงานอะไรของศูนย์คะ",
                       [postback(KINDS[k], TEACHER_REPORT, KINDS[k], k=k) for k in CENTRE_KINDS]))

    @router.on(chat="user", postback=TEACHER_REPORT, when=is_plain_teacher)
    def teacher_tapped_report(ctx):
        """Kind, then month, then the links for her own centre."""
        p = ctx.postback
        kind, month = p.get("k"), parse_month(p.get("m", ""))
        if kind not in CENTRE_KINDS:
            return teacher_asked_report(ctx)
        if month is None:
            months = recent_months(ctx.today)
            return ctx.reply(text(f"{KINDS[kind]} ของเดือนไหนคะ", [
                postback(thai_month(m), TEACHER_REPORT, thai_month(m), k=kind, m=m.strftime("%Y-%m")) for m in months]))
        centre = next(s.centre for s in staff_rows(ctx) if s.role == "teacher")
        send_report(ctx, kind, scope_of(ctx.session, "centre", centre.code), month, TEACHER_QUICK)
