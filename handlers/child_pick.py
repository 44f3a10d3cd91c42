"""Naming a child in a typed command: one child goes on, several get buttons, an unknown name gets the closest."""
from __future__ import annotations

from bot.actions import Action
from bot.messages import say, text
from domain.children import find_child
from handlers.actors import work_centre
from handlers.checkin import child_button
from models import Child


def pick_child(ctx, typed: str, action: Action, withdrawn: bool = False, **params) -> Child | None:
    """The one child `typed` names at the teacher's centre; otherwise reply with buttons (postback `action`, the
    child's id as `c` plus `params`) for the children it could mean, or the closest names, and return None."""
    found = find_child(ctx.session, work_centre(ctx).id, typed, withdrawn)
    if found.one:
        return found.one
    if found.children:
        ctx.reply(text(f"ชื่อ \"{typed}\" มี {len(found.children)} คนค่ะ เลือกคนที่ต้องการ",
                       [child_button(c, action, c.display_name, **params) for c in found.children[:12]]
                       + [say("ยกเลิก")]))
        return None
    where = "เด็กที่ย้ายออกแล้ว" if withdrawn else "ศูนย์นี้"
    if found.suggestions:
        ctx.reply(text(f"ไม่พบชื่อ \"{typed}\" ใน{where}ค่ะ หมายถึงคนไหนคะ: "
                       + ", ".join(c.short_name for c in found.suggestions),
                       [child_button(c, action, c.display_name, **params) for c in found.suggestions]
                       + [say("ยกเลิก")]))
    else:
        ctx.reply(text(f"ไม่พบชื่อ \"{typed}\" ใน{where}ค่ะ ลองพิมพ์ชื่อเล่นหรือชื่อจริงอีกครั้งนะคะ"))
    return None
