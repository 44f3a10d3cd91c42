"""Parents pull the day in their group: "วันนี้" is answered with the day's summary, a free reply all members see."""
from __future__ import annotations

from bot.messages import say, text
from bot.router import Router
from domain.calendar import open_centres
from handlers.actors import bound_centre_id
from notify.relay import today_for_group
from models import Centre

TODAY = r"^(@?บอท\s*)?(วันนี้|สรุปวันนี้|วันนี้เป็นยังไงบ้าง|ดูสรุปวันนี้)(ค่ะ|คะ|ครับ|จ้า)?\s*[?？]?$"
ASK_AGAIN = say("วันนี้")
PIN_NOTE = ("📌 ผู้ปกครองพิมพ์ \"วันนี้\" ในกลุ่มนี้ได้ทุกเมื่อ เพื่อดูสรุปการมาเรียน อาหารกลางวัน และกิจกรรมของวันนี้ "
            "(ไม่เสียค่าข้อความ) ครูปักหมุดข้อความนี้เป็นประกาศของกลุ่มได้ค่ะ")


def register(router: Router) -> None:
    """วันนี้ in a parent group."""

    @router.on(chat="group", text=TODAY)
    def asked_today(ctx):
        """Someone in the group asked how the day went: the day's counts, lunch and activities, as a free reply."""
        centre_id = bound_centre_id(ctx)
        if centre_id is None:
            return ctx.reply(text("กลุ่มนี้ยังไม่ได้เชื่อมกับศูนย์ค่ะ ให้ครูพิมพ์ \"เชื่อมกลุ่มผู้ปกครอง\" "
                                  "ในแชตส่วนตัวกับบอทเพื่อขอรหัส"))
        centre = ctx.session.get(Centre, centre_id)
        if not open_centres(ctx.session, [centre_id], ctx.today):
            return ctx.reply(text(f"วันนี้{centre.name}ปิดค่ะ", [ASK_AGAIN]))
        messages = today_for_group(ctx.session, ctx.rt.cfg, centre, ctx.now)
        messages[-1] = {**messages[-1], "quickReply": {"items": [{"type": "action", "action": ASK_AGAIN}]}}
        ctx.reply(*messages)
