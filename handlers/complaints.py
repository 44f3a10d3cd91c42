"""Feedback and complaints from a guardian in 1:1: the text, then to whom (the centre head, or straight to the
LAO); a tracking number; the recipient taps "รับเรื่อง" / "ดำเนินการเสร็จ" and the guardian is told; the
guardian can ask "สถานะเรื่อง" any time."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.actions import COMPLAINT_STATUS, COMPLAINT_TO
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.scope import scope_for_actor
from domain.survey import STATUS, complaint_line, file_complaint
from handlers.actors import guardian
from models import Centre, Child, ChildGuardian, Complaint, Guardian, Official, Staff

ASK = r"^(แจ้งเรื่อง|ร้องเรียน|แจ้งเรื่อง\s*/\s*ร้องเรียน|แจ้งเรื่องร้องเรียน)$"
STATUS_ASK = r"^(สถานะเรื่อง|ติดตามเรื่อง|สถานะเรื่องร้องเรียน)$"
TO = {"head": "หัวหน้าศูนย์", "lao": "อปท. (ผู้บริหารท้องถิ่น)"}
flow = Flow("complaint", timeout=timedelta(minutes=30))


def my_centre(ctx) -> Centre | None:
    """The centre of the guardian's first active child."""
    person = guardian(ctx)
    if person is None:
        return None
    return ctx.session.scalar(select(Centre).join(Child, Child.centre_id == Centre.id).join(ChildGuardian).where(
        ChildGuardian.guardian_id == person.id, Child.active).order_by(Child.code).limit(1))


@flow.entry(chat="user", text=ASK, when=lambda ctx: guardian(ctx) is not None)
def asked_to_complain(ctx):
    """A guardian wants to tell the centre something: ask for the text."""
    if my_centre(ctx) is None:
        ctx.reply(text("ยังไม่พบบุตรหลานที่เชื่อมกับบัญชีนี้ค่ะ กรุณาเชื่อมด้วยรหัสผู้ปกครองจากครูก่อนนะคะ"))
        return END
    ctx.reply(text("พิมพ์เรื่องที่ต้องการแจ้งหรือร้องเรียนได้เลยค่ะ (พิมพ์ \"ยกเลิก\" เพื่อยกเลิก)", [say("ยกเลิก")]))
    return "body"


@flow.state("body", text=r"\S")
def wrote_complaint(ctx):
    """The text: keep it, ask to whom it goes."""
    ctx.save_draft(body=ctx.text.strip()[:2000])
    ctx.reply(text("ต้องการส่งเรื่องนี้ถึงใครคะ", [
        postback("หัวหน้าศูนย์", COMPLAINT_TO, "ส่งถึงหัวหน้าศูนย์", to="head"),
        postback("อปท. โดยตรง", COMPLAINT_TO, "ส่งถึง อปท. โดยตรง", to="lao"), say("ยกเลิก")]))
    return "to"


@flow.state("to", postback=COMPLAINT_TO)
def chose_recipient(ctx):
    """Whom: file it with a number, tell the recipients (with status buttons), give the guardian the number."""
    to = ctx.postback.get("to") if ctx.postback.get("to") in TO else "head"
    centre, person = my_centre(ctx), guardian(ctx)
    found = file_complaint(ctx.session, person.id, centre.id, to, ctx.draft["body"], ctx.now)
    buttons = [postback("รับเรื่อง", COMPLAINT_STATUS, f"รับเรื่อง {found.number}", n=found.number, s="seen"),
               postback("ดำเนินการเสร็จ", COMPLAINT_STATUS, f"เสร็จ {found.number}", n=found.number, s="done")]
    body = (f"📮 เรื่องจากผู้ปกครอง {found.number}\nศูนย์: {centre.name}\nจาก: {person.name}\n\n{found.body}\n\n"
            "แตะ \"รับเรื่อง\" เมื่อรับทราบ และ \"ดำเนินการเสร็จ\" เมื่อแก้ไขแล้ว ผู้ปกครองจะได้รับแจ้งค่ะ")
    for uid in recipients(ctx, centre, to):
        ctx.push(uid, text(body, buttons), key=f"complaint:{found.number}:{uid}")
    ctx.reply(text(f"ส่งเรื่องถึง{TO[to]}แล้วค่ะ\nเลขที่เรื่อง: {found.number}\n"
                   "พิมพ์ \"สถานะเรื่อง\" เพื่อติดตามได้ตลอดค่ะ", [say("สถานะเรื่อง")]))
    return END


@flow.fallback()
def said_something_else(ctx):
    """Anything else mid-way: say what is needed."""
    ctx.reply(text("กรุณาพิมพ์เรื่องที่ต้องการแจ้ง หรือแตะปุ่มเลือกผู้รับเรื่องค่ะ (พิมพ์ \"ยกเลิก\" เพื่อยกเลิก)",
                   [say("ยกเลิก")]))
    return ctx.conversation.state


def recipients(ctx, centre: Centre, to: str) -> list[str]:
    """LINE ids of the centre's active heads, or of its LAO's officials."""
    if to == "lao":
        query = select(Official.line_user_id).where(Official.role == "lao", Official.active,
                                                    Official.scope_code == centre.lao.code)
    else:
        query = select(Staff.line_user_id).where(Staff.centre_id == centre.id, Staff.role == "head", Staff.active)
    return sorted({uid for uid in ctx.session.scalars(query) if uid})


def register(router: Router) -> None:
    """The complaint flow, the guardian's status question, and the recipient's status buttons."""
    router.add_flow(flow)

    @router.on(chat="user", text=STATUS_ASK, when=lambda ctx: guardian(ctx) is not None)
    def asked_status(ctx):
        """A guardian asks about their complaints: number, date and status of each (latest 5)."""
        found = ctx.session.scalars(select(Complaint).where(Complaint.guardian_id == guardian(ctx).id)
                                    .order_by(Complaint.id.desc()).limit(5)).all()
        body = "\n".join(complaint_line(c) for c in found) if found else "คุณยังไม่มีเรื่องที่แจ้งไว้ค่ะ"
        ctx.reply(text(body, [say("แจ้งเรื่อง")]))

    @router.on(chat="user", postback=COMPLAINT_STATUS)
    def tapped_status(ctx):
        """A head or an official moves a complaint on: only for a centre inside their scope; the guardian is told."""
        found = ctx.session.scalar(select(Complaint).where(Complaint.number == ctx.postback.get("n", "")))
        scope = scope_for_actor(ctx.session, ctx.actor)
        status = ctx.postback.get("s")
        if found is None or scope is None or found.centre_id not in scope.centre_ids or status not in ("seen", "done"):
            return ctx.reply(text("ขออภัยค่ะ ไม่พบเรื่องนี้ในขอบเขตที่คุณดูแล"))
        if found.status != "done":
            found.status, found.updated_at, found.handled_by = status, ctx.now, ctx.user_id
            uid = ctx.session.scalar(select(Guardian.line_user_id).where(Guardian.id == found.guardian_id))
            if uid:
                ctx.push(uid, text(f"อัปเดตเรื่องที่แจ้งไว้ค่ะ\n{complaint_line(found)}"),
                         key=f"complaint:{found.number}:{status}")
        ctx.reply(text(f"บันทึกแล้วค่ะ: {found.number} {STATUS[found.status]}"))
