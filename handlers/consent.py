"""Photo consent: a guardian allows or refuses sharing photos of each of their children; staff see who refused.

With no decision recorded a child's photos may be shared (the centre's default); a refusal is kept per child
and reminded to teachers whenever they post activity photos.
"""
from __future__ import annotations

from sqlalchemy import select

from bot.messages import postback, say, text
from bot.router import Router
from domain.audit import audit
from handlers.actors import is_staff, work_centre
from handlers.parents import PARENT_QUICK, is_parent_here, my_children, name_of
from handlers.photos import refused_children
from models import Consent

ASK = r"^(ความยินยอมรูปภาพ|ความยินยอม|ยินยอมรูปภาพ|ไม่อนุญาตรูป|อนุญาตรูป|ไม่ให้ลงรูป|ไม่อนุญาตให้ลงรูป)$"
DEFAULT_NOTE = "(ถ้ายังไม่เคยแจ้ง ถือว่าอนุญาตให้ครูส่งรูปที่มีบุตรหลานในกลุ่มผู้ปกครองได้)"


def photo_consent(session, child_id: int) -> Consent | None:
    """The recorded photo decision for a child, if any."""
    return session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.kind == "photo"))


def consent_status(ctx) -> dict:
    """The guardian's children with their photo decision, and buttons to change it."""
    lines, buttons = [], []
    for child in my_children(ctx):
        row = photo_consent(ctx.session, child.id)
        allowed = row is None or row.granted
        lines.append(f"• {name_of(child)}: {'อนุญาต' if allowed else 'ไม่อนุญาต'}ให้เผยแพร่รูป")
        short = child.short_name  # labels are cut at 20 characters
        buttons += [postback(f"อนุญาต {short}", "consent.photo", f"อนุญาตรูป {name_of(child)}", child=child.id, g=1),
                    postback(f"ไม่อนุญาต {short}", "consent.photo", f"ไม่อนุญาตรูป {name_of(child)}",
                             child=child.id, g=0)]
    body = "ความยินยอมให้เผยแพร่รูปภาพค่ะ\n" + "\n".join(lines) + f"\n{DEFAULT_NOTE}\nกดปุ่มด้านล่างเพื่อเปลี่ยนได้ทุกเมื่อ"
    return text(body, buttons[:12] + [say("ยกเลิก")])


def register(router: Router) -> None:
    """Consent questions from guardians and staff, and the guardian's decision."""

    @router.on(chat="user", text=ASK, when=is_parent_here)
    def asked_consent(ctx):
        """A guardian asked about photo consent: show each child's decision with buttons."""
        ctx.reply(consent_status(ctx))

    @router.on(chat="user", postback="consent.photo", when=is_parent_here)
    def decided_consent(ctx):
        """A guardian allowed or refused photo sharing for one of their own children."""
        child = next((c for c in my_children(ctx) if str(c.id) == ctx.postback.get("child")), None)
        if child is None:
            return ctx.reply(text("เปลี่ยนได้เฉพาะบุตรหลานของท่านเองค่ะ", PARENT_QUICK))
        granted = ctx.postback.get("g") == "1"
        row = photo_consent(ctx.session, child.id)
        if row is None:
            row = Consent(child_id=child.id, kind="photo", granted=granted, set_by=ctx.user_id, set_at=ctx.now)
            ctx.session.add(row)
        row.granted, row.set_by, row.set_at = granted, ctx.user_id, ctx.now
        audit(ctx.session, ctx.user_id, "consent.photo", child.code, at=ctx.now, granted=granted)
        done = f"บันทึกแล้วค่ะ: {name_of(child)} {'อนุญาต' if granted else 'ไม่อนุญาต'}ให้เผยแพร่รูป"
        warn = "\nครูจะได้รับการเตือนทุกครั้งที่ส่งรูปกิจกรรม" if not granted else ""
        ctx.reply(text(done + warn, PARENT_QUICK))

    @router.on(chat="user", text=ASK, when=is_staff)
    def staff_asked_consent(ctx):
        """A teacher asked who refused photo sharing at her centre."""
        centre = work_centre(ctx)
        refused = refused_children(ctx.session, centre.id) if centre else []
        names = "\n".join(f"• {c.display_name}" for c in refused) or "• ไม่มี (ทุกคนอนุญาต)"
        ctx.reply(text(f"เด็กที่ผู้ปกครองไม่อนุญาตให้เผยแพร่รูป ({centre.name if centre else '-'}):\n{names}"))
