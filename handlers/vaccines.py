"""Vaccines in 1:1: a teacher records a dose ("วัคซีน ภูผา OPV4 12/3/2568", the day defaults to today) or ticks
the due doses from a child's checklist ("วัคซีน ภูผา"); "วัคซีนค้าง" lists the centre's overdue children; a
guardian asks "วัคซีน" for their own children.
"""
from __future__ import annotations

from bot.actions import VACCINE_SHOW, VACCINE_TICK
from bot.messages import postback, say, text
from bot.router import Router
from domain.attendance import centre_children
from domain.children import find_child
from domain.thai import thai_date
from domain.thaidates import DateProblem, past_day
from domain.vaccines import DOSES, SOURCE, doses_of, dose_code, next_doses, record_dose
from handlers.checkin import tapped_child
from handlers.child_pick import child_command, pick_child
from handlers.actors import in_private, work_centre
from handlers.parents import my_children
from models import Child

CODES_HELP = "รหัสวัคซีน: " + " ".join(DOSES)


def find_code(words: list[str]) -> tuple[int | None, int]:
    """Where a dose code is among the typed words, and how many words it takes ("OPV4" 1, "opv 4" 2)."""
    for i, word in enumerate(words):
        for size in (1, 2):
            if dose_code("".join(words[i:i + size])):
                return i, size
    return None, 0


def checklist(ctx, child: Child) -> str:
    """A child's doses: given (with days), then what is due or overdue next."""
    given = doses_of(ctx.session, [child.id])[child.id]
    lines = [f"วัคซีนของ {child.display_name}"]
    if given:
        lines.append("ได้รับแล้ว: " + ", ".join(f"{code} ({thai_date(on)})" for code, on in
                                                 sorted(given.items(), key=lambda item: item[1])))
    for due in next_doses(child.birth_date, given, ctx.today):
        state = "⚠️ เลยกำหนด" if due.overdue else "ถึงกำหนด" if due.due_on <= ctx.today else "นัดถัดไป"
        lines.append(f"• {due.dose.code} {due.dose.name}: {state} {thai_date(due.due_on)}")
    lines.append(f"(ตาม{SOURCE})")
    return "\n".join(lines)


def tick_buttons(ctx, child: Child) -> list[dict]:
    """Buttons to tick the doses due now (recorded as given today)."""
    given = doses_of(ctx.session, [child.id])[child.id]
    due = [d for d in next_doses(child.birth_date, given, ctx.today) if d.due_on <= ctx.today]
    return [postback(f"✓ {d.dose.code}", VACCINE_TICK, f"ได้รับ {d.dose.code} วันนี้", c=child.id, d=d.dose.code)
            for d in due[:12]]


def show_checklist(ctx, child: Child) -> None:
    """Reply with the checklist and tick buttons."""
    ctx.reply(text(checklist(ctx, child) + "\nแตะรหัสเพื่อบันทึกว่าได้รับวันนี้ หรือพิมพ์ "
                   f"\"วัคซีน {child.short_name} รหัส วันที่\"", tick_buttons(ctx, child)))


def save_dose(ctx, child: Child, code: str, on) -> None:
    """Record the dose and show what is next."""
    record_dose(ctx.session, child, code, on, ctx.user_id, ctx.now)
    ctx.session.flush()
    ctx.reply(text(f"บันทึก {code} ({DOSES[code].name}) ของ {child.short_name} วันที่ {thai_date(on)} แล้วค่ะ\n\n"
                   + checklist(ctx, child), tick_buttons(ctx, child)))


def register(router: Router) -> None:
    """Recording doses, the checklist, the overdue list, and the guardian's view."""
    router.add_command_pattern(r"^วัคซีน\s+\S", when=in_private)

    @router.on(text=r"^(วัคซีนค้าง|วัคซีนเลยกำหนด|ใครยังไม่ได้วัคซีน)$", when=in_private)
    def asked_overdue(ctx):
        """The centre's children with overdue doses."""
        children = centre_children(ctx.session, work_centre(ctx).id)
        doses = doses_of(ctx.session, [c.id for c in children])
        lines = []
        for child in children:
            late = [d.dose.code for d in next_doses(child.birth_date, doses[child.id], ctx.today) if d.overdue]
            if late:
                lines.append(f"• {child.short_name}: {', '.join(late)}")
        ctx.reply(text(f"เด็กที่มีวัคซีนเลยกำหนด {len(lines)} คน\n" + "\n".join(lines) if lines else
                       "ไม่มีเด็กที่วัคซีนเลยกำหนดค่ะ 👍"))

    @router.on(text=r"^วัคซีน\s+\S", when=in_private)
    def typed_dose(ctx):
        """"วัคซีน ภูผา OPV4 [วันที่]" records a dose; "วัคซีน ภูผา" shows the checklist."""
        words = ctx.text.split()[1:]
        at, size = find_code(words)
        if at is None and len(words) > 1 and not find_child(ctx.session, work_centre(ctx).id, " ".join(words)).children:
            return ctx.reply(text(f"ไม่รู้จักรหัสวัคซีน \"{' '.join(words[1:])}\" ค่ะ\n{CODES_HELP}"))
        if at == 0:
            return ctx.reply(text("พิมพ์ชื่อเด็กก่อนรหัส เช่น \"วัคซีน ภูผา OPV4\" ค่ะ"))
        child = pick_child(ctx, " ".join(words[:at]), VACCINE_SHOW)
        if child is None:
            return
        if at is None:
            return show_checklist(ctx, child)
        try:
            on = past_day(" ".join(words[at + size:]) or "วันนี้", ctx.today, oldest=child.birth_date)
        except DateProblem as problem:
            return ctx.reply(text(problem.reason))
        save_dose(ctx, child, dose_code("".join(words[at:at + size])), on)

    child_command(router, VACCINE_SHOW, show_checklist)  # a child tapped among those typed_dose offered

    @router.on(postback=VACCINE_TICK, when=in_private)
    def ticked_dose(ctx):
        """A due dose ticked from the checklist: given today."""
        child, code = tapped_child(ctx), ctx.postback.get("d", "")
        if child and code in DOSES:
            save_dose(ctx, child, code, ctx.today)

    @router.on(chat="user", text=r"^(วัคซีน|วัคซีนลูก|สมุดวัคซีน)$", when=lambda ctx: bool(my_children(ctx)))
    def guardian_asked(ctx):
        """A guardian's own children's vaccines: given, due and overdue."""
        ctx.reply(text("\n\n".join(checklist(ctx, c) for c in my_children(ctx)),
                       [say("การเจริญเติบโต")]))

