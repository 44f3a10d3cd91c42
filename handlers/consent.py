"""Consent in chat: asked at linking (a short privacy notice, then photos, health data and the home pin, each on its
own), shown and changed any time with "ความยินยอม"; staff see whose photos must not be shared.

Every answer is a postback that names the child and the purpose, so old buttons keep working and no flow state is
needed. What each purpose allows is in domain.consent.
"""
from __future__ import annotations

from bot.actions import CONSENT_SET
from bot.messages import postback, say, text
from bot.router import Router
from domain.consent import KINDS, decisions, set_consent, without_consent
from handlers.actors import is_staff, work_centre
from handlers.parents import PARENT_QUICK, is_parent_here, my_children, name_of

ASK = r"^(ความยินยอม|ความยินยอมรูปภาพ|ยินยอมรูปภาพ|ไม่อนุญาตรูป|อนุญาตรูป|ไม่ให้ลงรูป|ไม่อนุญาตให้ลงรูป|ถอนความยินยอม)$"
SHORT = {"photo": "รูป", "health": "สุขภาพ", "home": "ที่อยู่"}
LABEL = {"photo": "ส่งรูปที่มีบุตรหลานให้ผู้ปกครองในกลุ่ม", "health": "ข้อมูลสุขภาพ", "home": "ตำแหน่งบ้าน"}
NOTICE = ("🔒 ประกาศความเป็นส่วนตัว (ฉบับย่อ)\n"
          "• ศูนย์เก็บข้อมูลบุตรหลานเท่าที่จำเป็นต่อการดูแล: ชื่อ วันเกิด การมาเรียน การลา และข้อมูลที่ท่านยินยอม\n"
          "• ครูและหัวหน้าศูนย์เห็นข้อมูลเด็กของศูนย์ เจ้าหน้าที่ อปท./อำเภอ/จังหวัดเห็นเป็นตัวเลขสรุป\n"
          "• ทุกครั้งที่มีคนเปิดดูข้อมูลเด็ก ระบบบันทึกไว้ ข้อมูลเก็บตามระยะเวลาที่กำหนด (เช่น รูปภาพ 1 ปี)\n"
          "• ขอสำเนาหรือขอลบข้อมูลได้ที่ศูนย์ และเปลี่ยนความยินยอมได้ทุกเมื่อ พิมพ์ \"ความยินยอม\"")


def question(child, kind: str) -> dict:
    """One consent question about one child, with yes/no buttons."""
    name = name_of(child)
    body = {"photo": f"1/3 รูปภาพ: อนุญาตให้ครูส่งรูปกิจกรรมหรืออาหารที่อาจเห็น{name} ในกลุ่ม LINE ผู้ปกครองของศูนย์ไหมคะ\n"
                     f"(ถ้าไม่อนุญาต ครูต้องยืนยันว่าไม่มี{name}ในรูปก่อนส่งทุกครั้ง)",
            "health": f"2/3 ข้อมูลสุขภาพ: อนุญาตให้เจ้าหน้าที่ อปท./อำเภอ/จังหวัด เห็นโรคประจำตัว อาหารที่แพ้ "
                      f"และผลตรวจสุขภาพของ{name} เมื่อจำเป็นต่อการดูแลไหมคะ\n"
                      "(ครูยังตรวจสุขภาพประจำวัน และแจ้งท่านทันทีเมื่อน้องไม่สบาย)",
            "home": f"3/3 ตำแหน่งบ้าน: อนุญาตให้ศูนย์เก็บตำแหน่งบ้านของ{name} ไว้สำหรับรถรับส่งและเหตุฉุกเฉิน "
                    "(เห็นเฉพาะครูและหัวหน้าศูนย์) ไหมคะ"}[kind]
    return text(body, [postback("ยินยอม", CONSENT_SET, f"ยินยอม{SHORT[kind]}", child=child.id, k=kind, g=1, n=1),
                       postback("ไม่ยินยอม", CONSENT_SET, f"ไม่ยินยอม{SHORT[kind]}", child=child.id, k=kind, g=0, n=1),
                       say("ยกเลิก")])


def first_questions(child) -> list[dict]:
    """What a guardian reads right after linking to a child: the notice, then the first question."""
    return [text(NOTICE), question(child, KINDS[0])]


def consent_status(ctx) -> dict:
    """The guardian's children with each decision, and one button per child and purpose to change it."""
    lines, buttons = [], []
    for child in my_children(ctx):
        found = decisions(ctx.session, child.id)
        lines.append(f"{name_of(child)}: " + ", ".join(
            f"{LABEL[k]} {'✅ ยินยอม' if found[k] else '❌ ไม่ยินยอม'}" for k in KINDS))
        short = child.short_name
        buttons += [postback(f"{'ถอน' if found[k] else 'ให้'}{SHORT[k]} {short}"[:20], CONSENT_SET,
                             f"{'ถอนความยินยอม' if found[k] else 'ยินยอม'}{LABEL[k]} {name_of(child)}",
                             child=child.id, k=k, g=0 if found[k] else 1) for k in KINDS]
    body = ("ความยินยอมของท่านค่ะ (ยังไม่ได้ตอบ = ไม่ยินยอม)\n" + "\n".join(lines)
            + "\nแตะปุ่มด้านล่างเพื่อให้หรือถอนความยินยอมได้ทุกเมื่อ")
    return text(body, buttons[:12] + [say("ยกเลิก")])


def register(router: Router) -> None:
    """Consent questions from guardians and staff, and the guardian's decisions."""

    @router.on(chat="user", text=ASK, when=is_parent_here)
    def asked_consent(ctx):
        """A guardian asked about consent: each child's decisions with buttons to change them."""
        ctx.reply(consent_status(ctx))

    @router.on(chat="user", postback=CONSENT_SET, when=is_parent_here)
    def decided_consent(ctx):
        """A guardian gave or withdrew one consent for one of their own children; at linking, ask the next one."""
        child = next((c for c in my_children(ctx) if str(c.id) == ctx.postback.get("child")), None)
        kind = ctx.postback.get("k")
        if child is None or kind not in KINDS:
            return ctx.reply(text("เปลี่ยนได้เฉพาะบุตรหลานของท่านเองค่ะ", PARENT_QUICK))
        granted = ctx.postback.get("g") == "1"
        set_consent(ctx.session, child, kind, granted, ctx.user_id, ctx.now)
        done = f"บันทึกแล้วค่ะ: {LABEL[kind]}ของ{name_of(child)} {'ยินยอม' if granted else 'ไม่ยินยอม'}"
        following = KINDS.index(kind) + 1
        if ctx.postback.get("n") and following < len(KINDS):
            return ctx.reply(text(done), question(child, KINDS[following]))
        ctx.reply(text(done + "\nเปลี่ยนได้ทุกเมื่อ พิมพ์ \"ความยินยอม\"", PARENT_QUICK))

    @router.on(chat="user", text=ASK, when=is_staff)
    def staff_asked_consent(ctx):
        """A teacher asked whose photos must not be shared at her centre."""
        centre = work_centre(ctx)
        missing = without_consent(ctx.session, centre.id, "photo") if centre else []
        names = "\n".join(f"• {c.display_name}" for c in missing) or "• ไม่มี (ทุกคนยินยอม)"
        ctx.reply(text(f"เด็กที่ผู้ปกครองยังไม่ยินยอมให้ส่งรูป ({centre.name if centre else '-'}):\n{names}"))
