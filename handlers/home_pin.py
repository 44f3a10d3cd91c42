"""Home pins in 1:1: a linked guardian (or a teacher) shares a LINE location → after a consent question, the
child's home pin; a teacher or head asks "บ้าน ภูผา" and gets a location message (audited). Never in a group,
never to officials.

The flow's draft: the location (`lat`, `lng`, `address`), the children it is for (`kids`), who sent it (`who`).
"""
from __future__ import annotations

from linebot.v3.webhooks import LocationMessageContent

from bot.actions import HOME_CHILD, HOME_NO, HOME_SHOW, HOME_YES
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.home import set_home_pin, viewed_home_pin
from handlers.child_pick import child_command, child_step
from handlers.actors import in_private, is_recorder
from handlers.parents import my_children, name_of
from models import Child

CANCEL = say("ยกเลิก")
NOT_ALLOWED = ("บันทึกตำแหน่งบ้านได้เฉพาะผู้ปกครองที่เชื่อม LINE กับบุตรหลานแล้ว หรือครูของศูนย์ค่ะ "
               "ผู้ปกครองขอรหัสผู้ปกครองจากครูก่อนนะคะ")
IN_GROUP = "ตำแหน่งบ้านเป็นข้อมูลส่วนตัวค่ะ กรุณาส่งหรือดูในแชตส่วนตัวกับบอทเท่านั้น"

pin = Flow("home.pin")


@pin.entry(chat="user", message=LocationMessageContent)
def shared_location(ctx):
    """A location in 1:1: a guardian's own children, or a teacher names the child; anyone else is told who may."""
    where = ctx.message
    ctx.save_draft(lat=where.latitude, lng=where.longitude, address=(where.address or "")[:200])
    if is_recorder(ctx):
        ctx.save_draft(who="staff")
        ctx.reply(text("ตำแหน่งบ้านของเด็กคนไหนคะ พิมพ์ชื่อเล่น", [CANCEL]))
        return "child"
    kids = my_children(ctx)
    if not kids:
        ctx.reply(text(NOT_ALLOWED))
        return END
    ctx.save_draft(who="guardian", kids=[c.id for c in kids])
    return ask_consent(ctx, kids)


def ask_consent(ctx, kids: list[Child]) -> str:
    """The consent question: what is kept, who sees it."""
    names = ", ".join(name_of(c) for c in kids)
    if ctx.draft["who"] == "staff":
        question = (f"บันทึกตำแหน่งนี้เป็นบ้านของ {names} ไหมคะ ผู้ปกครองยินยอมแล้วใช่ไหมคะ "
                    "(เห็นได้เฉพาะครูของศูนย์ เพื่อการรับส่งและติดตามเด็ก)")
    else:
        question = (f"ยินยอมให้ศูนย์เก็บตำแหน่งบ้านของ {names} ไหมคะ ตำแหน่งนี้เห็นได้เฉพาะครูของศูนย์ "
                    "ใช้เมื่อต้องรับส่งหรือติดตามเด็ก ไม่แสดงในกลุ่มและไม่ส่งให้หน่วยงานอื่น ยกเลิกได้ทุกเมื่อโดยแจ้งครู")
    ctx.reply(text(question, [postback("ยินยอม บันทึก", HOME_YES, "ยินยอม บันทึกตำแหน่งบ้าน"),
                              postback("ไม่บันทึก", HOME_NO, "ไม่บันทึกตำแหน่งบ้าน")]))
    return "consent"


def pin_child(ctx, child: Child) -> str:
    """The teacher named whose home the location is: ask for consent."""
    ctx.save_draft(kids=[child.id])
    return ask_consent(ctx, [child])


child_step(pin, "child", HOME_CHILD, pin_child)


@pin.state("consent", postback=HOME_YES)
def consented(ctx):
    """Yes: the pin is saved for the children, with the consent."""
    d = ctx.draft
    allowed = {c.id for c in my_children(ctx)} if d["who"] == "guardian" else None
    kids = [ctx.session.get(Child, i) for i in d["kids"] if allowed is None or i in allowed]
    for child in kids:
        set_home_pin(ctx.session, child, d["lat"], d["lng"], ctx.user_id, ctx.now, consent_by=ctx.user_id)
    ctx.reply(text("บันทึกตำแหน่งบ้านแล้วค่ะ ขอบคุณค่ะ 🙏"))
    return END


@pin.state("consent", postback=HOME_NO)
def declined(ctx):
    """No: nothing is kept."""
    ctx.reply(text("ไม่บันทึกตำแหน่งค่ะ"))
    return END


def register(router: Router) -> None:
    """Sharing a home location, and staff looking one up."""
    router.add_flow(pin)
    router.add_command_pattern(r"^บ้าน\s+\S", when=in_private)

    @router.on(chat="group", message=LocationMessageContent, when=is_recorder)
    def location_in_group(ctx):
        """A teacher shared a location in the parent group: pins are kept only in 1:1."""
        ctx.reply(text(IN_GROUP))

    child_command(router, HOME_SHOW, show_home, text=r"^บ้าน\s+\S")  # "บ้าน ภูผา": a location message (audited)


def show_home(ctx, child: Child) -> None:
    """A location message of the child's home, or say there is none yet."""
    if child.home_lat is None:
        return ctx.reply(text(f"ยังไม่มีตำแหน่งบ้านของ {child.short_name} ค่ะ ให้ผู้ปกครองแชร์ตำแหน่ง (Location) "
                              "ในแชตส่วนตัวกับบอท หรือครูแชร์ตำแหน่งแล้วพิมพ์ชื่อเด็ก"))
    viewed_home_pin(ctx.session, child, ctx.user_id, ctx.now)
    ctx.reply({"type": "location", "title": f"บ้าน{name_of(child)}"[:100],
               "address": (child.address or child.display_name)[:100],
               "latitude": child.home_lat, "longitude": child.home_lng})
