"""An executive nudges the centres that are behind today: their heads and teachers get a 1:1 message saying who
asked and what is missing (billed pushes, through the quota guard like any routine push)."""
from __future__ import annotations

from sqlalchemy import select

from notify import quota
from bot.messages import say, text
from bot.router import Router
from domain.dashboards import not_recorded, school_day_note
from domain.scope import LEVEL_LABEL
from handlers.actors import ROLE_LABEL, official
from handlers.official_views import KIND_LABEL
from handlers.official_menu import NUDGE
from handlers.officials import MENU, own_scope
from models import Staff


def register(router: Router) -> None:
    """The nudge move (the quick reply under ศูนย์ที่ยังไม่บันทึก, or typed)."""

    @router.on(chat="user", text=f"^{NUDGE}$")
    def asked_to_nudge(ctx):
        """Remind the heads and teachers of every centre in scope that lacks today's records, once per day."""
        scope = own_scope(ctx)
        if not scope:
            return
        if note := school_day_note(ctx.today):
            return ctx.reply(text(note, MENU))
        gaps = [g for _, unit_gaps in not_recorded(ctx.session, scope, ctx.today) for g in unit_gaps]
        staff = ctx.session.execute(select(Staff.centre_id, Staff.line_user_id).where(
            Staff.centre_id.in_([g.centre_id for g in gaps]), Staff.active, Staff.role.in_(("teacher", "head")),
            Staff.line_user_id.is_not(None))).all()
        if not gaps:
            return ctx.reply(text("ทุกศูนย์บันทึกครบแล้วค่ะ 👍 ไม่ต้องแจ้งเตือน", MENU))
        if not quota.allows(ctx.session, "nudge", len(staff), ctx.now):
            return ctx.reply(text("ขออภัยค่ะ โควตาข้อความ LINE เดือนนี้เหลือน้อย จึงงดส่งการเตือน "
                                  "(สำรองไว้สำหรับแจ้งเตือนความปลอดภัยของเด็ก)", MENU))
        asker = official(ctx)
        who = f"{asker.name} ({ROLE_LABEL[asker.role]})" if asker else f"หัวหน้าศูนย์ {scope.unit.name}"
        by_centre = {g.centre_id: g for g in gaps}
        for centre_id, uid in staff:
            missing = ", ".join(KIND_LABEL[k] for k in by_centre[centre_id].missing)
            body = (f"📣 {who} ขอให้บันทึกข้อมูลของวันนี้ค่ะ\nศูนย์: {by_centre[centre_id].name}\nยังขาด: {missing}\n"
                    "บันทึกได้จากเมนูครูค่ะ ขอบคุณค่ะ 🙏")
            ctx.push(uid, text(body, [say(k) for k in ("เช็คชื่อ", "อาหารกลางวัน", "กิจกรรม")]),
                     key=f"nudge:{ctx.today}:{ctx.user_id}:{uid}")
        reached = len({c for c, _ in staff})
        ctx.reply(text(f"ส่งแจ้งเตือนแล้วค่ะ: ครู/หัวหน้าศูนย์ {len(staff)} คน ใน {reached} จาก {len(gaps)} "
                       f"ศูนย์ที่ยังไม่บันทึก ({LEVEL_LABEL[scope.level]} {scope.unit.name})"
                       + ("" if reached == len(gaps) else "\nบางศูนย์ยังไม่มีครูลงทะเบียน จึงส่งไม่ได้"), MENU))
