"""Weight and height in 1:1: typed ("น้ำหนัก ภูผา 15,5 ส่วนสูง 98"), or a measuring session walking the class
("ชั่งน้ำหนัก"); doubtful values are confirmed before saving; each linked guardian gets their own child's
figures privately; the class summary ("สรุปการเจริญเติบโต"); a guardian asks "การเจริญเติบโต"; the growth chart
("กราฟการเจริญเติบโต ภูผา", a guardian's own children without a name).

The session's draft: `ids` (the class, in list order) and `i` (whose turn); a doubtful pair waits in its
confirmation button.
"""
from __future__ import annotations

import re

from notify.alerting import guardian_recipients
from bot.actions import GROWTH_CHART, GROWTH_PICK, GROWTH_SAVE
from bot.record_routes import chart_path
from bot.messages import image, postback, say, text
from bot.router import END, Flow, Router
from bot.signed import signed_url
from domain.attendance import centre_children
from domain.measures import (NUMBER, check, last_measurement, latest_statuses, number, parse_pair, save,
                             status_lines, summary_lines)
from handlers.actors import in_private, work_centre
from handlers.checkin import tapped_child
from handlers.child_pick import child_command, pick_child
from handlers.parents import my_children
from models import Child

TYPED = re.compile(rf"^น้ำหนัก\s*(?P<name>\S+?)\s*(?P<kg>{NUMBER})\s*(?:กก\.?|กิโล(?:กรัม)?)?\s+ส่วนสูง\s*"
                   rf"(?P<cm>{NUMBER})\s*(?:ซม\.?|เซน(?:ติเมตร|ต์)?)?$")
SESSION = r"^(ชั่งน้ำหนัก|วัดส่วนสูง|ชั่งวัด|ชั่งน้ำหนักวัดส่วนสูง|บันทึกน้ำหนักส่วนสูง)$"
SUMMARY = r"^(สรุปการเจริญเติบโต|สรุปน้ำหนักส่วนสูง|ภาวะโภชนาการ)$"
CANCEL = say("ยกเลิก")


def measure(ctx, child: Child, kg: float, cm: float, confirmed: bool = False, quick: tuple = (CANCEL,)) -> str | None:
    """Check and save one measurement (the saved figures and bands as text), or explain what is wrong / ask to
    confirm (None); `quick`: the way out offered with a problem (in a session: skip this child, not cancel all)."""
    problems = check(child, ctx.today, kg, cm, last_measurement(ctx.session, child.id, ctx.today))
    if problems.wrong:
        ctx.reply(text("ยังไม่ได้บันทึกค่ะ\n" + "\n".join(problems.wrong), list(quick)))
        return None
    if problems.doubtful and not confirmed:
        ctx.reply(text(f"{child.short_name}: น้ำหนัก {kg:g} กก. ส่วนสูง {cm:g} ซม. ดูไม่ปกติค่ะ\n"
                       + "\n".join(f"• {p}" for p in problems.doubtful)
                       + "\nช่วยชั่งวัดซ้ำ ถ้าถูกต้องแล้วแตะ \"ยืนยัน\" หรือพิมพ์ค่าใหม่",
                       [postback("ยืนยัน บันทึก", GROWTH_SAVE, "ยืนยัน บันทึก", c=child.id, w=kg, h=cm), *quick]))
        return None
    status = save(ctx.session, child, ctx.today, kg, cm, ctx.user_id, ctx.now)
    lines = status_lines(child, ctx.today, kg, cm, status)
    for uid in guardian_recipients(ctx.session, child.id):
        ctx.push(uid, text("ผลการชั่งน้ำหนักวัดส่วนสูงของบุตรหลานค่ะ\n" + "\n".join(lines)),
                 key=f"growth:{child.id}:{ctx.today}:{kg}:{cm}:{uid}")
    return "\n".join(lines)


def send_chart(ctx, child: Child) -> None:
    """The child's growth chart as an image (a signed link), or say there is nothing to draw yet."""
    newest = last_measurement(ctx.session, child.id)
    if newest is None:
        return ctx.reply(text(f"ยังไม่มีข้อมูลน้ำหนักส่วนสูงของ {child.short_name} ค่ะ"))
    url = signed_url(ctx.rt.cfg, chart_path(child, newest.id), ctx.now)
    ctx.reply(image(url, url))


def class_summary(ctx) -> str:
    """The teacher's class summary, as text."""
    children = centre_children(ctx.session, work_centre(ctx).id)
    return "สรุปการเจริญเติบโต (ครั้งล่าสุดของแต่ละคน)\n" + "\n".join(
        summary_lines(children, latest_statuses(ctx.session, children)))


# --- measuring session ---------------------------------------------------------------------------------------

session_flow = Flow("growth.session")


@session_flow.entry(text=SESSION, when=in_private)
def asked_session(ctx):
    """The teacher starts measuring the class: walk the list one child at a time."""
    ids = [c.id for c in centre_children(ctx.session, work_centre(ctx).id)]
    if not ids:
        ctx.reply(text("ยังไม่มีเด็กในทะเบียนของศูนย์ค่ะ"))
        return END
    ctx.save_draft(ids=ids, i=0)
    return ask_next(ctx, f"เริ่มชั่งน้ำหนักวัดส่วนสูง {len(ids)} คนค่ะ พิมพ์ น้ำหนัก(กก.) เว้นวรรค ส่วนสูง(ซม.) "
                         "เช่น \"15.5 98\"")


def ask_next(ctx, lead: str = "") -> str:
    """Ask for the current child's figures, or finish with the class summary."""
    d = ctx.draft
    if d["i"] >= len(d["ids"]):
        ctx.reply(text(("\n".join(filter(None, [lead, "ชั่งวัดครบทุกคนแล้วค่ะ 🎉"])) + "\n\n" + class_summary(ctx))))
        return END
    child = ctx.session.get(Child, d["ids"][d["i"]])
    ctx.reply(text("\n".join(filter(None, [lead, f"({d['i'] + 1}/{len(d['ids'])}) {child.display_name}"])),
                   [say("ข้าม"), say("จบ"), CANCEL]))
    return "figures"


def advance(ctx, lead: str = "") -> str:
    """Go to the next child."""
    ctx.save_draft(i=ctx.draft["i"] + 1)
    return ask_next(ctx, lead)


@session_flow.state("figures", text=r"^ข้าม$")
@session_flow.state("confirm", text=r"^ข้าม$")
def skipped(ctx):
    """This child is absent or not measured today: go on."""
    return advance(ctx)


@session_flow.state("figures", text=r"^(จบ|พอแล้ว|เสร็จแล้ว)$")
@session_flow.state("confirm", text=r"^(จบ|พอแล้ว|เสร็จแล้ว)$")
def finished(ctx):
    """The teacher stops: the summary of what the class has so far."""
    ctx.reply(text("จบการชั่งวัดค่ะ\n\n" + class_summary(ctx)))
    return END


@session_flow.state("figures", text=r".")
@session_flow.state("confirm", text=r".")
def got_figures(ctx):
    """Figures typed for the current child: save, question, or explain."""
    pair = parse_pair(ctx.text)
    child = ctx.session.get(Child, ctx.draft["ids"][ctx.draft["i"]])
    if pair is None:
        ctx.reply(text(f"พิมพ์น้ำหนักและส่วนสูงของ {child.short_name} เช่น \"15.5 98\" (กก. เว้นวรรค ซม.) "
                       "หรือแตะ \"ข้าม\"", [say("ข้าม"), say("จบ"), CANCEL]))
        return ctx.conversation.state
    saved = measure(ctx, child, *pair, quick=(say("ข้าม"), say("จบ")))
    if saved:
        return advance(ctx, saved)
    return "confirm"


@session_flow.state("confirm", postback=GROWTH_SAVE)
def confirmed_figures(ctx):
    """The teacher confirmed doubtful figures."""
    child = tapped_child(ctx)
    if child is None or child.id != ctx.draft["ids"][ctx.draft["i"]]:
        return ctx.conversation.state
    return advance(ctx, measure(ctx, child, float(ctx.postback["w"]), float(ctx.postback["h"]), confirmed=True))


def register(router: Router) -> None:
    """Typed measurements, the measuring session, summaries, and the guardian's view."""
    router.add_flow(session_flow)
    router.add_command_pattern(TYPED.pattern, when=in_private)

    @router.on(text=TYPED, when=in_private)
    def typed_measurement(ctx):
        """"น้ำหนัก ภูผา 15,5 ส่วนสูง 98": find the child, check, save."""
        found = TYPED.match(ctx.text)
        kg, cm = number(found["kg"]), number(found["cm"])
        child = pick_child(ctx, found["name"], GROWTH_PICK, w=kg, h=cm)
        saved = child and measure(ctx, child, kg, cm)
        if saved:
            ctx.reply(text("บันทึกแล้วค่ะ\n" + saved, [say("สรุปการเจริญเติบโต")]))

    @router.on(postback=GROWTH_PICK, when=in_private)
    def picked_child(ctx):
        """The teacher tapped which child the typed figures are for."""
        child = tapped_child(ctx)
        saved = child and measure(ctx, child, float(ctx.postback["w"]), float(ctx.postback["h"]))
        if saved:
            ctx.reply(text("บันทึกแล้วค่ะ\n" + saved))

    @router.on(postback=GROWTH_SAVE, when=in_private)
    def confirmed_typed(ctx):
        """The teacher confirmed doubtful typed figures."""
        child = tapped_child(ctx)
        saved = child and measure(ctx, child, float(ctx.postback["w"]), float(ctx.postback["h"]), confirmed=True)
        if saved:
            ctx.reply(text("บันทึกแล้วค่ะ\n" + saved))

    child_command(router, GROWTH_CHART, send_chart, text=r"^กราฟ(?:การเจริญเติบโต)?\s+\S")  # "กราฟ ภูผา"

    @router.on(chat="user", text=r"^กราฟ(?:การเจริญเติบโต)?$", when=lambda ctx: bool(my_children(ctx)))
    def guardian_asked_chart(ctx):
        """A guardian asks for their own children's charts."""
        for child in my_children(ctx)[:5]:
            send_chart(ctx, child)

    @router.on(text=SUMMARY, when=in_private)
    def asked_summary(ctx):
        """The class summary: bands and who needs attention."""
        ctx.reply(text(class_summary(ctx), [say("ชั่งน้ำหนัก")]))

    @router.on(chat="user", text=r"^(การเจริญเติบโต|น้ำหนักส่วนสูง|น้ำหนักลูก)$",
               when=lambda ctx: bool(my_children(ctx)))
    def guardian_asked(ctx):
        """A guardian asks for their own children's latest figures."""
        rows = latest_statuses(ctx.session, my_children(ctx))
        if not rows:
            return ctx.reply(text("ครูยังไม่ได้บันทึกน้ำหนักส่วนสูงของบุตรหลานค่ะ"))
        ctx.reply(text("\n\n".join("\n".join(status_lines(c, m.measured_on, m.weight_kg, m.height_cm, s))
                                   for c, m, s in rows), [say("กราฟการเจริญเติบโต")]))
