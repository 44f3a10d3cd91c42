"""A teacher keeps children's records in 1:1: enrol ("เพิ่มเด็ก"), edit ("แก้ไข ภูผา"), withdraw ("ย้ายออก ภูผา")
and re-admit ("รับกลับ ภูผา"), and downloads the centre's children and staff records ("ทะเบียนเด็ก"). Each change is
a short flow with buttons; nothing is saved before the last tap.

Drafts: enrol keeps the fields typed so far; edit keeps the child (`c`) and field (`f`); withdraw keeps the child,
the reason and the day.
"""
from __future__ import annotations

from datetime import date

from bot.actions import (CHILD_EDIT, CHILD_ENROL_YES, CHILD_FIELD, CHILD_READMIT, CHILD_READMIT_YES, CHILD_WITHDRAW,
                         CHILD_WITHDRAW_YES)
from bot.messages import postback, say, text
from bot.record_routes import sheet_path
from bot.router import END, Flow, Router
from bot.signed import signed_url
from domain.audit import audit
from domain.children import EDITABLE, edit, enrol, none_or, parse_guardian, parse_sex, readmit, withdraw
from domain.records_sheet import SHEETS
from domain.roster import MAX_AGE_YEARS, years_before
from domain.thai import thai_date
from domain.thaidates import DateProblem, past_day
from handlers.actors import in_private, is_recorder, work_centre
from handlers.cards import send_card
from handlers.checkin import tapped_child
from handlers.child_pick import child_command, child_step, pick_withdrawn_child
from models import Child

SEX_LABEL = {"M": "ชาย", "F": "หญิง"}
REASONS = ("ย้ายที่อยู่", "ไปเรียนอนุบาล", "ผู้ปกครองขอย้าย")
RECORDS_PRIVATE = "ข้อมูลประวัติเด็กทำในแชตส่วนตัวกับบอทนะคะ (เป็นข้อมูลส่วนตัวของเด็ก)"
IN_GROUP = (r"^(เพิ่มเด็ก|รับเด็กใหม่|ย้ายออก|รับกลับ|แก้ไข|น้ำหนัก|ชั่งน้ำหนัก|วัดส่วนสูง|ชั่งวัด|สรุปการเจริญเติบโต|"
            r"กราฟการเจริญเติบโต|วัคซีน|วัคซีนค้าง|บ้าน|ทะเบียนเด็ก|ทะเบียนครู|ดาวน์โหลดทะเบียน)(\s|$)")  # 1:1 only
CANCEL = say("ยกเลิก")


def child_of_draft(ctx) -> Child | None:
    """The child the flow is about (kept in the draft as `c`)."""
    return ctx.session.get(Child, ctx.draft.get("c", 0))


def birth_date(ctx, typed: str) -> date | str:
    """A plausible birth date (0–7 years old) or the Thai reason it is not."""
    try:
        born = past_day(typed, ctx.today, oldest=years_before(ctx.today, MAX_AGE_YEARS))
    except DateProblem as problem:
        return problem.reason
    return born


# --- enrol -------------------------------------------------------------------------------------------------

enrol_flow = Flow("child.enrol")


@enrol_flow.entry(text=r"^(เพิ่มเด็ก|รับเด็กใหม่|ลงทะเบียนเด็ก|เด็กใหม่)$", when=in_private)
def asked_enrol(ctx):
    """The teacher starts enrolling a child: ask the full name."""
    ctx.reply(text("เพิ่มเด็กใหม่ค่ะ พิมพ์ชื่อและนามสกุลของเด็ก เช่น \"ภูริ แก้วมณี\"", [CANCEL]))
    return "name"


@enrol_flow.state("name", text=r".")
def got_name(ctx):
    """Full name typed: ask the nickname."""
    words = [w for w in ctx.text.split() if w not in ("ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง")]
    if len(words) < 2:
        ctx.reply(text("กรุณาพิมพ์ทั้งชื่อและนามสกุล เว้นวรรคระหว่างกัน เช่น \"ภูริ แก้วมณี\" ค่ะ", [CANCEL]))
        return "name"
    ctx.save_draft(first_name=words[0], last_name=" ".join(words[1:]))
    ctx.reply(text(f"ชื่อเล่นของ {words[0]} คืออะไรคะ", [CANCEL]))
    return "nickname"


@enrol_flow.state("nickname", text=r".")
def got_nickname(ctx):
    """Nickname typed: ask the sex with two buttons."""
    ctx.save_draft(nickname=ctx.text.removeprefix("น้อง").strip() or ctx.text)
    ctx.reply(text("เพศของเด็กคะ", [say("ชาย"), say("หญิง"), CANCEL]))
    return "sex"


@enrol_flow.state("sex", text=r".")
def got_sex(ctx):
    """Sex tapped: ask the birth date."""
    sex = parse_sex(ctx.text)
    if sex is None:
        ctx.reply(text("แตะ \"ชาย\" หรือ \"หญิง\" ค่ะ", [say("ชาย"), say("หญิง"), CANCEL]))
        return "sex"
    ctx.save_draft(sex=sex)
    ctx.reply(text("วันเกิดของเด็กคะ พิมพ์ วัน/เดือน/ปี พ.ศ. เช่น \"31/05/2565\" หรือ \"31 พ.ค. 2565\"", [CANCEL]))
    return "birth"


@enrol_flow.state("birth", text=r".")
def got_birth_date(ctx):
    """Birth date typed: check it is a young child's, then ask the guardian."""
    born = birth_date(ctx, ctx.text)
    if isinstance(born, str):
        ctx.reply(text(born + f"\nเด็กเล็กต้องอายุไม่เกิน {MAX_AGE_YEARS} ปี พิมพ์วันเกิดอีกครั้งค่ะ", [CANCEL]))
        return "birth"
    ctx.save_draft(birth_date=born.isoformat())
    ctx.reply(text(f"เกิด {thai_date(born)} ค่ะ\nผู้ปกครองชื่ออะไร เบอร์โทรอะไรคะ เช่น \"สมศรี ใจดี 0812345678\"",
                   [say("ข้าม"), CANCEL]))
    return "guardian"


@enrol_flow.state("guardian", text=r".")
def got_guardian(ctx):
    """Guardian typed (or skipped): ask about allergies."""
    if ctx.text != "ข้าม":
        found = parse_guardian(ctx.text)
        if isinstance(found, str):
            ctx.reply(text(found, [say("ข้าม"), CANCEL]))
            return "guardian"
        ctx.save_draft(guardian=list(found))
    ctx.reply(text("เด็กแพ้อาหารหรือยาอะไรไหมคะ (พิมพ์ เช่น \"นมวัว, กุ้ง\")", [say("ไม่มี"), CANCEL]))
    return "allergies"


@enrol_flow.state("allergies", text=r".")
def got_allergies(ctx):
    """Allergies typed: ask about chronic conditions."""
    ctx.save_draft(allergies=none_or(ctx.text))
    ctx.reply(text("มีโรคประจำตัวไหมคะ (พิมพ์ เช่น \"หอบหืด\")", [say("ไม่มี"), CANCEL]))
    return "conditions"


@enrol_flow.state("conditions", text=r".")
def got_conditions(ctx):
    """Conditions typed: show everything and ask to confirm."""
    ctx.save_draft(chronic_conditions=none_or(ctx.text))
    d = ctx.draft
    guardian = " ".join(d["guardian"]) if d.get("guardian") else "-"
    ctx.reply(text(f"ตรวจข้อมูลก่อนบันทึกค่ะ\nชื่อ: {d['first_name']} {d['last_name']} (น้อง{d['nickname']})\n"
                   f"เพศ: {SEX_LABEL[d['sex']]}\nวันเกิด: {thai_date(date.fromisoformat(d['birth_date']))}\n"
                   f"ผู้ปกครอง: {guardian}\nแพ้อาหาร/ยา: {d['allergies'] or '-'}\n"
                   f"โรคประจำตัว: {d['chronic_conditions'] or '-'}",
                   [postback("บันทึก", CHILD_ENROL_YES, "บันทึกเด็กใหม่"), CANCEL]))
    return "confirm"


@enrol_flow.state("confirm", postback=CHILD_ENROL_YES)
def confirmed_enrol(ctx):
    """Confirmed: create the child and her QR card, and send the card at once."""
    d = ctx.draft
    values = {k: d[k] for k in ("first_name", "last_name", "nickname", "sex", "allergies", "chronic_conditions")}
    values["birth_date"] = date.fromisoformat(d["birth_date"])
    guardian = tuple(d["guardian"]) if d.get("guardian") else None
    child = enrol(ctx.session, work_centre(ctx), values, guardian, "ผู้ปกครอง", ctx.user_id, ctx.now)
    send_card(ctx, child, f"บันทึก {child.display_name} เรียบร้อยค่ะ นี่คือบัตร QR สำหรับเช็คชื่อ "
                          "(พิมพ์แล้วเคลือบพลาสติก) ขอรหัสให้ผู้ปกครองเชื่อม LINE พิมพ์ \"รหัสผู้ปกครอง "
                          f"{child.short_name}\"")
    return END


@enrol_flow.fallback(text=r".")
def enrol_other(ctx):
    """Something else typed at the confirmation: remind what to tap."""
    ctx.reply(text("แตะ \"บันทึก\" เพื่อบันทึก หรือ \"ยกเลิก\" ค่ะ",
                   [postback("บันทึก", CHILD_ENROL_YES, "บันทึกเด็กใหม่"), CANCEL]))
    return ctx.conversation.state


# --- edit --------------------------------------------------------------------------------------------------

edit_flow = Flow("child.edit")


def ask_field(ctx, child: Child) -> str:
    """Ask which field to change, one button per field."""
    ctx.save_draft(c=child.id)
    ctx.reply(text(f"แก้ไขข้อมูลของ {child.display_name} ค่ะ เลือกหัวข้อ",
                   [postback(label, CHILD_FIELD, f"แก้{label}", f=label) for label in EDITABLE] + [CANCEL]))
    return "field"


child_step(edit_flow, "which", CHILD_EDIT, ask_field, entry=r"^แก้(?:ไข)?(?:ข้อมูล)?\s+\S")  # "แก้ไข ภูผา"


@edit_flow.state("field", postback=CHILD_FIELD)
@edit_flow.state("field", text=r".")
def picked_field(ctx):
    """Field tapped (or its name typed): show its value and ask the new one."""
    label, child = ctx.postback.get("f", ctx.text or ""), child_of_draft(ctx)
    if label not in EDITABLE or child is None:
        return ask_field(ctx, child) if child else END
    ctx.save_draft(f=label)
    value = getattr(child, EDITABLE[label])
    shown = thai_date(value) if isinstance(value, date) else SEX_LABEL.get(value, value) or "-"
    hint = " (วัน/เดือน/ปี พ.ศ.)" if label == "วันเกิด" else ""
    quick = {"เพศ": [say("ชาย"), say("หญิง")], "แพ้อาหาร": [say("ไม่มี")], "โรคประจำตัว": [say("ไม่มี")]}.get(label, [])
    ctx.reply(text(f"{label}ตอนนี้: {shown}\nพิมพ์{label}ใหม่{hint}ค่ะ", quick + [CANCEL]))
    return "value"


@edit_flow.state("value", text=r".")
def got_value(ctx):
    """New value typed: check and save it."""
    label, child = ctx.draft["f"], child_of_draft(ctx)
    field, value = EDITABLE[label], ctx.text.strip()
    if field == "sex":
        value = parse_sex(value)
        if value is None:
            ctx.reply(text("แตะ \"ชาย\" หรือ \"หญิง\" ค่ะ", [say("ชาย"), say("หญิง"), CANCEL]))
            return "value"
    elif field == "birth_date":
        value = birth_date(ctx, value)
        if isinstance(value, str):
            ctx.reply(text(value + "\nพิมพ์วันเกิดอีกครั้งค่ะ", [CANCEL]))
            return "value"
    elif field in ("allergies", "chronic_conditions"):
        value = none_or(value)
    edit(ctx.session, child, field, value, ctx.user_id, ctx.now)
    ctx.reply(text(f"แก้{label}ของ {child.display_name} แล้วค่ะ", [postback("แก้หัวข้ออื่น", CHILD_EDIT, c=child.id)]))
    return END


# --- withdraw and re-admit ---------------------------------------------------------------------------------

withdraw_flow = Flow("child.withdraw")


def ask_reason(ctx, child: Child) -> str:
    """Ask the reason with buttons (or typed)."""
    ctx.save_draft(c=child.id)
    ctx.reply(text(f"{child.display_name} ย้ายออกเพราะอะไรคะ แตะปุ่มหรือพิมพ์เหตุผล",
                   [say(r) for r in REASONS] + [CANCEL]))
    return "reason"


child_step(withdraw_flow, "which", CHILD_WITHDRAW, ask_reason, entry=r"^ย้ายออก\s+\S")  # "ย้ายออก ภูผา"


@withdraw_flow.state("reason", text=r".")
def got_reason(ctx):
    """Reason given: ask from which day."""
    ctx.save_draft(reason=ctx.text[:200])
    ctx.reply(text("ย้ายออกตั้งแต่วันไหนคะ แตะปุ่ม หรือพิมพ์วันที่ เช่น \"20 พ.ย. 2569\"",
                   [say("วันนี้"), say("เมื่อวาน"), CANCEL]))
    return "day"


@withdraw_flow.state("day", text=r".")
def got_day(ctx):
    """Day given: show what will happen and ask to confirm with a button."""
    child = child_of_draft(ctx)
    try:
        day = past_day(ctx.text, ctx.today, oldest=child.birth_date)
    except DateProblem as problem:
        ctx.reply(text(problem.reason + " (บันทึกได้เฉพาะวันนี้หรือวันที่ผ่านมา)",
                       [say("วันนี้"), say("เมื่อวาน"), CANCEL]))
        return "day"
    ctx.save_draft(day=day.isoformat())
    ctx.reply(text(f"ยืนยัน {child.display_name} ย้ายออกเมื่อ {thai_date(day)} ({ctx.draft['reason']}) ไหมคะ\n"
                   "จากนี้ระบบจะไม่นับ ไม่แจ้งเตือน และไม่รับบัตร QR ของเด็กคนนี้ (ข้อมูลเดิมยังเก็บไว้)",
                   [postback("ยืนยัน ย้ายออก", CHILD_WITHDRAW_YES, "ยืนยัน ย้ายออก"), CANCEL]))
    return "confirm"


@withdraw_flow.state("confirm", postback=CHILD_WITHDRAW_YES)
def confirmed_withdraw(ctx):
    """Confirmed: the child is withdrawn."""
    child, d = child_of_draft(ctx), ctx.draft
    withdraw(ctx.session, child, date.fromisoformat(d["day"]), d["reason"], ctx.user_id, ctx.now)
    ctx.reply(text(f"บันทึกแล้วค่ะ {child.display_name} ย้ายออกเมื่อ {thai_date(child.withdrawn_on)}\n"
                   f"ถ้ากลับมาเรียนอีก พิมพ์ \"รับกลับ {child.short_name}\""))
    return END


@withdraw_flow.fallback(text=r".")
def withdraw_other(ctx):
    """Something else typed at the confirmation: remind what to tap."""
    ctx.reply(text("แตะ \"ยืนยัน ย้ายออก\" หรือ \"ยกเลิก\" ค่ะ",
                   [postback("ยืนยัน ย้ายออก", CHILD_WITHDRAW_YES, "ยืนยัน ย้ายออก"), CANCEL]))
    return ctx.conversation.state


def register(router: Router) -> None:
    """Children's records: enrol, edit, withdraw, re-admit (1:1); in a group, say where to do it."""
    for flow in (enrol_flow, edit_flow, withdraw_flow):
        router.add_flow(flow)
    router.add_command_pattern(r"^(ย้ายออก|รับกลับ|แก้ไข)\s+\S", when=in_private)

    child_command(router, CHILD_READMIT, confirm_readmit, text=r"^รับกลับ\s+\S", pick=pick_withdrawn_child)

    @router.on(postback=CHILD_READMIT_YES, when=in_private)
    def confirmed_readmit(ctx):
        """Confirmed: the child is active again (her old card works again)."""
        child = tapped_child(ctx)
        if child is None or child.active:
            return ctx.reply(text("เด็กคนนี้อยู่ในทะเบียนอยู่แล้วค่ะ")) if child else None
        readmit(ctx.session, child, ctx.user_id, ctx.now)
        ctx.reply(text(f"รับ {child.display_name} กลับเข้าศูนย์แล้วค่ะ ใช้บัตร QR เดิมเช็คชื่อได้"))

    @router.on(text=r"^(ทะเบียนเด็ก|ทะเบียนครู|ทะเบียนบุคลากร|ดาวน์โหลดทะเบียน)$", when=in_private)
    def asked_records_download(ctx):
        """Links to the centre's children and staff records as Excel files (audited)."""
        centre = work_centre(ctx)
        links = [f"{label}: {signed_url(ctx.rt.cfg, sheet_path(centre, kind), ctx.now)}"
                 for kind, label in SHEETS.items()]
        audit(ctx.session, ctx.user_id, "view.records.download", centre.code, at=ctx.now)
        ctx.reply(text(f"ทะเบียนของ{centre.name} (ไฟล์ Excel)\n" + "\n".join(links) +
                       f"\nลิงก์ใช้ได้ {ctx.rt.cfg.LINK_HOURS} ชั่วโมง มีชื่อและเบอร์โทร กรุณาอย่าส่งต่อค่ะ"))

    @router.on(chat="group", text=IN_GROUP, when=is_recorder)
    def asked_in_group(ctx):
        """A record command (a child's record, growth, vaccines, home) typed in the parent group: kept in 1:1."""
        ctx.reply(text(RECORDS_PRIVATE))


def confirm_readmit(ctx, child: Child) -> None:
    """Ask before re-admitting."""
    ctx.reply(text(f"รับ {child.display_name} กลับเข้าศูนย์ไหมคะ (ย้ายออกเมื่อ {thai_date(child.withdrawn_on)})"
                   if child.withdrawn_on else f"รับ {child.display_name} กลับเข้าศูนย์ไหมคะ",
                   [postback("ยืนยัน รับกลับ", CHILD_READMIT_YES, "ยืนยัน รับกลับ", c=child.id), CANCEL]))
