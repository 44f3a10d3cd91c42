"""Always-available moves: cancel, help, and the helpful answer to anything unrecognised."""
from __future__ import annotations

from bot.messages import say, text
from bot.router import Router
from domain.access import is_revoked
from domain.invites import looks_like_code
from handlers.actors import ROLE_LABEL, driver_row, guardian, is_registered, is_staff, official
from handlers.official_menu import QUERIES

CANCEL = r"^(ยกเลิก|cancel)$"
HELP = r"^(ช่วยเหลือ|วิธีใช้|เมนู|help|\?)$"


def official_queries() -> list[str]:
    """What officials can ask, as quick-reply texts."""
    return [*QUERIES, "รายงาน"]


def quick_for(ctx) -> list[dict]:
    """The quick replies that suit the sender's role."""
    if not is_registered(ctx):
        return [say("วิธีลงทะเบียน"), say("ช่วยเหลือ")]
    if is_staff(ctx):
        return [say("เช็คชื่อ"), say("ยังไม่มา"), say("ตรวจสุขภาพ"), say("อาหารกลางวัน"), say("กิจกรรม"),
                say("บัตร QR"), say("รหัสผู้ปกครอง"), say("เชื่อมกลุ่มผู้ปกครอง"), say("ช่วยเหลือ")]
    if driver_row(ctx):
        return [say("ขึ้นรถ"), say("ถึงศูนย์แล้ว"), say("รถว่างแล้ว"), say("เปลี่ยนรถ"), say("ช่วยเหลือ")]
    if official(ctx):
        return [say(q) for q in official_queries()] + [say("ช่วยเหลือ")]
    if guardian(ctx):
        return [say("ลูกมาถึงหรือยัง"), say("แจ้งลา"), say("วันนี้กินอะไร"), say("กิจกรรมวันนี้"),
                say("ความยินยอม"), say("ช่วยเหลือ")]
    return [say("ช่วยเหลือ")]


def register(router: Router) -> None:
    """Cancel (wins over any flow) and help."""

    @router.always(text=CANCEL)
    def cancel(ctx):
        """The user typed ยกเลิก: leave any flow, keep nothing half-done."""
        was_busy = bool(ctx.conversation.flow)
        ctx.end_flow()
        ctx.reply(text("ยกเลิกแล้วค่ะ" if was_busy else "ตอนนี้ไม่มีรายการที่ค้างอยู่ค่ะ", quick_for(ctx)))

    @router.always(chat="user", when=is_revoked_here)
    def revoked_user_wrote(ctx):
        """Someone whose access the operator revoked wrote: a polite refusal (a new invite code still works)."""
        ctx.reply(text("ขออภัยค่ะ สิทธิ์การใช้งานของบัญชีนี้ถูกยกเลิกแล้ว จึงดูหรือบันทึกข้อมูลไม่ได้\n"
                       "หากคิดว่าผิดพลาด กรุณาติดต่อศูนย์หรือผู้ดูแลระบบ แล้วพิมพ์รหัสเชิญใหม่ที่ได้รับค่ะ"))

    @router.on(text=HELP)
    def asked_help(ctx):
        """The user asked for help: say what they can do in their role."""
        ctx.reply(text(help_text(ctx), quick_for(ctx)))

    @router.on(text=r"^วิธีลงทะเบียน$")
    def asked_how_to_register(ctx):
        """The user asked how to register."""
        ctx.reply(text(REGISTER_HELP, quick_for(ctx)))


def is_revoked_here(ctx) -> bool:
    """A message or button from a user whose access was revoked (a new invite code is let through)."""
    return ctx.event_type in ("message", "postback") and is_revoked(ctx.user) and not looks_like_code(ctx.text)


STALE_BUTTON = "ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว (อาจเป็นปุ่มจากข้อความเก่า) ลองเลือกจากเมนูหรือปุ่มด้านล่างอีกครั้งนะคะ"
REGISTER_HELP = ("วิธีลงทะเบียนค่ะ\n• ครูและเจ้าหน้าที่: พิมพ์รหัสเชิญ 8 ตัว (เช่น ABCD-EFGH) ที่ได้จากผู้ดูแลระบบ\n"
                 "• ผู้ปกครอง: พิมพ์รหัสผู้ปกครองที่ได้จากครูของศูนย์")


def help_text(ctx) -> str:
    """What the sender can do, in one short message."""
    if not is_registered(ctx):
        return REGISTER_HELP
    role = ROLE_LABEL.get(ctx.user.role, ctx.user.role)
    lines = [f"คุณลงทะเบียนเป็น{role}แล้วค่ะ"]
    if is_staff(ctx):
        lines += ["• เช็คชื่อ: ถ่ายรูปบัตร QR ของเด็ก (หลายใบในรูปเดียวได้) ส่งมา หรือพิมพ์ \"ยังไม่มา\" แล้วแตะชื่อ "
                  "หรือพิมพ์ \"มา ภูผา ข้าวหอม\"",
                  "• ตรวจสุขภาพ: \"ปกติทุกคน\" หรือ \"ตรวจสุขภาพ\" เพื่อบันทึกอาการ, พิมพ์ \"ภูผา 38.2\" บันทึกไข้",
                  "• \"บัตร QR\" ลิงก์พิมพ์บัตร, \"บัตร ภูผา\" บัตรรายคน, \"ออกบัตรใหม่ ภูผา\" เมื่อบัตรหาย",
                  "• พิมพ์ \"อาหารกลางวัน\" แล้วส่งเมนูและรูปถาดอาหาร (หรือพิมพ์ \"เมนู ข้าวสวย, ...\")",
                  "• พิมพ์ \"กิจกรรม\" แล้วส่งรูปกิจกรรม (หลายรูปพร้อมกันได้) พร้อมคำบรรยาย",
                  "• ทำในกลุ่มผู้ปกครองได้เลย ผู้ปกครองจะเห็นทันทีโดยไม่เสียค่าข้อความ",
                  "• พิมพ์ \"รหัสผู้ปกครอง\" เพื่อขอรหัสให้ผู้ปกครองเชื่อมกับเด็ก",
                  "• พิมพ์ \"เชื่อมกลุ่มผู้ปกครอง\" เพื่อเชื่อมกลุ่ม LINE ของผู้ปกครองกับศูนย์",
                  "• ผู้ปกครองโทรแจ้งลา: พิมพ์ในแชตส่วนตัว เช่น \"ลาป่วย ภูผา\", \"ภูผา ลากิจ พรุ่งนี้\", "
                  "\"มาสาย ภูผา 10 โมง\" (\"ยกเลิกการลา\" เพื่อยกเลิก)",
                  "• หลังเวลาตัดยอด เด็กที่ยังไม่มาและไม่ได้ลาจะแจ้งเตือนมาที่นี่ แตะ \"มาแล้ว\" \"ลา\" หรือ "
                  "\"ติดต่อผู้ปกครองแล้ว\" ภายในเวลาที่ศูนย์กำหนด มิฉะนั้นระบบจะแจ้งผู้ปกครองและ อปท. "
                  "(\"แจ้งเตือนที่ค้าง\" ดูรายการ)"]
        if ctx.user.role == "head":
            lines.append("• หัวหน้าศูนย์: \"ภาพรวมวันนี้\", \"รายงาน\", \"ตั้งค่าศูนย์\" (เวลาตัดยอด เวลาส่งสรุป "
                         "เวลาเตือน เช็คชื่อกลับบ้าน)")
            lines.append("• วันปิดศูนย์: \"ปิดศูนย์ 25 พ.ย. อบรมครู\", \"ยกเลิกปิดศูนย์ 25 พ.ย.\", \"วันปิดศูนย์\"")
    elif driver_row(ctx):
        lines += ["• ออกรถ: แตะ \"ขึ้นรถ\" แล้วแตะชื่อเด็กที่ขึ้นรถ หรือถ่ายรูปบัตร QR ของเด็กส่งมา",
                  "• ถึงศูนย์: แตะ \"ถึงศูนย์แล้ว\" ครูต้องเช็คชื่อเด็กทุกคนที่ขึ้นรถภายในเวลาที่ศูนย์กำหนด",
                  "• ส่งเด็กลงครบ: ตรวจทุกที่นั่ง แล้วแตะ \"รถว่างแล้ว\" (ส่งรูปในรถได้ ไม่บังคับ) "
                  "ถ้าไม่ยืนยัน ระบบจะแจ้งเตือนด่วนถึงครูและหัวหน้าศูนย์",
                  "• \"เปลี่ยนรถ\" เมื่อขับรถคันอื่น"]
    elif official(ctx):
        lines += ["• " + ", ".join(f"\"{q}\"" for q in official_queries()) + " — เฉพาะหน่วยงานในความรับผิดชอบ",
                  "• แตะปุ่มในคำตอบเพื่อดูลึกลงไป อำเภอ → อปท. → ศูนย์"]
    elif guardian(ctx):
        lines += ["• \"ลูกมาถึงหรือยัง\" ดูการมาถึงและผลตรวจสุขภาพของบุตรหลาน",
                  "• \"แจ้งลา\" หรือพิมพ์ \"ลาป่วย พรุ่งนี้\", \"ลากิจ 25-27 พ.ย.\", \"มาสาย 9 โมง\"; "
                  "\"ยกเลิกการลา\" เพื่อยกเลิก",
                  "• \"วันนี้กินอะไร\" และ \"กิจกรรมวันนี้\" ดูอาหารกลางวันและรูปกิจกรรม",
                  "• \"ความยินยอม\" ดู ให้ หรือถอนความยินยอม (รูปภาพ ข้อมูลสุขภาพ ตำแหน่งบ้าน) ได้ทุกเมื่อ "
                  "ถ้ายังไม่ได้ตอบ ถือว่าไม่ยินยอม"]
    lines.append("• พิมพ์ \"ยกเลิก\" ได้ทุกเมื่อ")
    return "\n".join(lines)


def register_default(router: Router) -> None:
    """The answer to anything no handler took."""

    @router.otherwise
    def unrecognised(ctx):
        """Something we do not understand: a short helpful answer (in groups only when addressed)."""
        if ctx.event_type == "postback":  # a button of ours, even in a group
            return ctx.reply(text(STALE_BUTTON, quick_for(ctx)))
        if ctx.chat_type == "group" and not addressed_to_bot(ctx):
            return
        if ctx.event_type != "message":
            return
        ctx.reply(text("ขออภัยค่ะ บอทยังไม่เข้าใจข้อความนี้ ลองเลือกจากปุ่มด้านล่าง หรือพิมพ์ \"ช่วยเหลือ\" นะคะ",
                       quick_for(ctx)))


def addressed_to_bot(ctx) -> bool:
    """In a group, the bot answers unknown text only when mentioned or called "บอท"."""
    mention = getattr(ctx.message, "mention", None)
    if mention and any(getattr(m, "is_self", False) for m in mention.mentionees or []):
        return True
    return bool(ctx.text and ctx.text.startswith(("บอท", "@บอท")))
