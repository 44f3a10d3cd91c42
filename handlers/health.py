"""The health check on arrival: one tap "all normal", per-child exceptions, temperatures, sending a child home."""
from __future__ import annotations

import re
from datetime import timezone

from sqlalchemy import select

from bot.actions import (HEALTH_ALL_WELL, HEALTH_CHILD, HEALTH_HOME, HEALTH_HOME_YES, HEALTH_ITEM, HEALTH_PAGE,
                         HEALTH_SAVE, HEALTH_START, HEALTH_TEMP)
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.attendance import attendance_of, match_names, record_arrival
from domain.audit import audit
from domain.glossary import ALL_HEALTHY
from domain.health import CHECKLIST, FEVER_AT, LABEL, SEND_HOME_SUGGESTED, describe, parse_temperature
from domain.names import label
from domain.thai import hhmm
from handlers.actors import is_recorder, shares_to_parents, work_centre
from handlers.checkin import PAGE, child_button, number, tapped_child
from models import Attendance, Centre, ChildGuardian, Guardian, LineUser

SEND_HOME_TEXT = re.compile(r"^ส่ง(?:(?P<between>\S.*?)\s*กลับบ้าน|กลับบ้าน\s+(?P<after>\S.*))$")
TEMPERATURE_TEXT = re.compile(  # possessive \s*+: one run of spaces is read once (linear on any text)
    r"^(?:น้อง)?(?P<name>\S+?)\s*+(?:(?:มีไข้|ไข้|อุณหภูมิ|วัดไข้(?:ได้)?)\s*+)?(?P<value>\d{2}(?:[.,]\d{1,2})?)\s*+"
    r"(?:°\s?[cC]|[cC]|องศา(?:เซลเซียส)?)?$")
PRIVATE = ("ข้อมูลสุขภาพเป็นข้อมูลส่วนตัวของเด็ก กรุณาบันทึกอาการในแชตส่วนตัวกับบอทนะคะ "
           "(ในกลุ่มกด \"สุขภาพปกติทุกคน\" ได้)")


def today_rows(ctx, centre: Centre) -> list[Attendance]:
    """Today's arrivals at the centre, by the children's names."""
    rows = ctx.session.scalars(select(Attendance).where(Attendance.centre_id == centre.id,
                                                        Attendance.day == ctx.today))
    return sorted(rows, key=lambda r: (r.child.nickname, r.child.first_name))


def register(router: Router) -> None:
    """'All normal', typed temperatures, sending home; the per-child checklist is the `health` flow."""

    @router.on(postback=HEALTH_ALL_WELL, when=is_recorder)
    @router.on(text=r"^(สุขภาพ)?ปกติ(ทุกคน|หมด(ทุกคน)?)$", when=is_recorder)
    def tapped_all_normal(ctx):
        """One tap: every child checked in today and not yet checked is healthy."""
        centre = work_centre(ctx)
        rows = [r for r in today_rows(ctx, centre) if r.health is None]
        for row in rows:
            row.health, row.health_by, row.health_at = "ok", ctx.user_id, ctx.now.astimezone(timezone.utc)
        if not rows:
            return ctx.reply(text("ไม่มีเด็กที่รอตรวจสุขภาพค่ะ (เช็คชื่อเด็กก่อน แล้วค่อยตรวจสุขภาพ)"))
        quick = [postback("บันทึกอาการ", HEALTH_START, "บันทึกอาการ")] if ctx.chat_type == "user" else None
        ctx.reply(text(f"บันทึกสุขภาพปกติ {len(rows)} คนแล้วค่ะ ✅\nถ้ามีเด็กที่มีอาการ แตะ \"บันทึกอาการ\" ได้ค่ะ",
                       quick))

    @router.on(chat="user", text=TEMPERATURE_TEXT, when=is_recorder)
    def typed_temperature(ctx):
        """'ภูผา 38.2' (or 'ภูผา ไข้ 38.2 องศา'): record the child's temperature (and arrival, if not in yet)."""
        found = TEMPERATURE_TEXT.match(ctx.text)
        name, value = found.group("name"), found.group("value")
        temp = parse_temperature(value)
        if temp is None:
            return ctx.reply(text("อุณหภูมิไม่ถูกต้องค่ะ พิมพ์ชื่อตามด้วยอุณหภูมิ เช่น \"ภูผา 38.2\""))
        centre = work_centre(ctx)
        matched, ambiguous, _ = match_names(ctx.session, centre.id, name)
        if ambiguous:
            return ctx.reply(text(f"ชื่อ \"{name}\" มีหลายคนค่ะ เลือกคนที่วัดไข้", [
                child_button(c, HEALTH_TEMP, f"{c.display_name} {temp}", t=temp) for c in ambiguous[0]]))
        if not matched:
            return ctx.reply(text(f"ไม่พบชื่อ \"{name}\" ในศูนย์นี้ค่ะ"))
        save_temperature(ctx, matched[0], centre, temp)

    @router.on(chat="user", postback=HEALTH_TEMP, when=is_recorder)
    def picked_temperature_child(ctx):
        """The teacher chose which child the typed temperature belongs to."""
        child = tapped_child(ctx)
        temp = parse_temperature(ctx.postback.get("t", ""))
        if child and temp is not None:
            save_temperature(ctx, child, work_centre(ctx), temp)
        elif child:
            ctx.reply(text("อุณหภูมิไม่ถูกต้องค่ะ พิมพ์ชื่อตามด้วยอุณหภูมิ เช่น \"ภูผา 38.2\""))

    @router.on(chat="user", text=SEND_HOME_TEXT, when=is_recorder)
    def typed_send_home(ctx):
        """'ส่งกลับบ้าน ภูผา' / 'ส่งภูผากลับบ้าน': confirm first (the guardians are told)."""
        found = SEND_HOME_TEXT.match(ctx.text)
        name = (found.group("after") or found.group("between") or "").strip()
        matched, ambiguous, _ = match_names(ctx.session, work_centre(ctx).id, name)
        if ambiguous or not matched:
            options = ambiguous[0] if ambiguous else []
            return ctx.reply(text("ส่งเด็กคนไหนกลับบ้านคะ" + ("" if options else f" (ไม่พบชื่อ \"{name}\")"), [
                child_button(c, HEALTH_HOME, c.display_name) for c in options] or None))
        confirm_send_home(ctx, matched[0])

    @router.on(chat="user", postback=HEALTH_HOME, when=is_recorder)
    def tapped_send_home(ctx):
        """The teacher tapped ส่งกลับบ้าน: confirm first (the guardians are told)."""
        child = tapped_child(ctx)
        if child:
            confirm_send_home(ctx, child)

    @router.on(chat="user", postback=HEALTH_HOME_YES, when=is_recorder)
    def confirmed_send_home(ctx):
        """Sending a child home: record it and tell that child's linked guardians privately."""
        child = tapped_child(ctx)
        if child is None:
            return
        row = attendance_of(ctx.session, [child.id], ctx.today).get(child.id)
        if row is None:
            return ctx.reply(text(f"{label(child)} ยังไม่ได้เช็คชื่อวันนี้ค่ะ"))
        if row.sent_home_at:
            return ctx.reply(text(f"{label(child)} ถูกส่งกลับบ้านแล้วเมื่อ "
                                  f"{hhmm(row.sent_home_at.astimezone(ctx.now.tzinfo))} ค่ะ"))
        row.sent_home_at = ctx.now.astimezone(timezone.utc)
        audit(ctx.session, ctx.user_id, "child.sent_home", child.code, at=ctx.now)
        ctx.reply(text(tell_guardians(ctx, child, row)))

    router.add_flow(health)


def confirm_send_home(ctx, child) -> None:
    """Ask before sending a child home (the guardians are told)."""
    ctx.reply(text(f"ยืนยันส่ง {child.display_name} กลับบ้าน และแจ้งผู้ปกครองทาง LINE ไหมคะ",
                   [postback("ยืนยัน ส่งกลับบ้าน", HEALTH_HOME_YES, "ยืนยัน ส่งกลับบ้าน", c=child.id), say("ยกเลิก")]))


def save_temperature(ctx, child, centre: Centre, temp: float) -> None:
    """Store a temperature; a fever marks a concern and offers sending the child home."""
    row, created = record_arrival(ctx.session, child, centre, ctx.user_id, "text", ctx.now,
                                  shared=shares_to_parents(ctx, centre.id))
    row.temperature = temp
    items = [i for i in row.health_items or [] if i.get("code") != "fever"]
    if temp >= FEVER_AT:
        items.append({"code": "fever"})
    row.health_items = items
    row.health = "concern" if items or row.health_note else "ok"
    row.health_by, row.health_at = ctx.user_id, ctx.now.astimezone(timezone.utc)
    lead = f"✅ เช็คชื่อ {label(child)} แล้ว {hhmm(ctx.now)}\n" if created else ""
    verdict = "⚠️ มีไข้" if temp >= FEVER_AT else "ปกติ"
    quick = [postback("ส่งกลับบ้าน", HEALTH_HOME, "ส่งกลับบ้าน", c=child.id)] if temp >= FEVER_AT else []
    ctx.reply(text(f"{lead}บันทึกอุณหภูมิ {label(child)} {temp:.1f}°C ({verdict}) แล้วค่ะ",
                   quick + [postback("บันทึกอาการอื่น", HEALTH_CHILD, "บันทึกอาการ", c=child.id)]))


def tell_guardians(ctx, child, row: Attendance) -> str:
    """Push the sent-home notice to each linked guardian who follows the OA; the teacher's answer says who."""
    links = ctx.session.scalars(select(ChildGuardian).where(ChildGuardian.child_id == child.id)).all()
    told, to_call = [], []
    centre = ctx.session.get(Centre, child.centre_id)
    notice = (f"แจ้งจาก{centre.name} 🙏\n{child.display_name} ไม่สบาย ครูขอให้ผู้ปกครองมารับกลับบ้านค่ะ\n"
              f"อาการ: {describe(row.health_items or [], row.temperature, row.health_note)}\n"
              f"เวลา {hhmm(ctx.now)} น.")
    for link in links:
        guardian: Guardian = link.guardian
        follows = guardian.line_user_id and ctx.session.scalar(select(LineUser.followed).where(
            LineUser.line_user_id == guardian.line_user_id))
        if follows:
            ctx.push(guardian.line_user_id, text(notice), key=f"sent_home:{row.id}:{guardian.id}", priority="safety")
            told.append(f"{link.relation or 'ผู้ปกครอง'} {guardian.name}")
        else:
            to_call.append(f"{link.relation or 'ผู้ปกครอง'} {guardian.name} โทร {guardian.phone or '-'}")
    lines = [f"บันทึกส่ง {label(child)} กลับบ้านแล้วค่ะ {hhmm(ctx.now)}"]
    if told:
        lines.append("แจ้งทาง LINE แล้ว: " + ", ".join(told))
    if to_call:
        lines.append("ยังไม่ได้เชื่อม LINE กรุณาโทรแจ้ง: " + "; ".join(to_call))
    if not links:
        lines.append("ไม่มีข้อมูลผู้ปกครองของเด็กคนนี้ในระบบ กรุณาติดต่อผู้ปกครองโดยตรงค่ะ")
    return "\n".join(lines)


# --- the per-child checklist ----------------------------------------------------------------------------

health = Flow("health", label="ตรวจสุขภาพ")


@health.entry(text=r"^(ตรวจสุขภาพ|บันทึกอาการ|สุขภาพ)$", when=is_recorder)
@health.entry(postback=HEALTH_START, when=is_recorder)
def asked_health(ctx):
    """The teacher opens the health check: all normal, or pick a child with symptoms."""
    if ctx.chat_type == "group":
        ctx.reply(text(PRIVATE, [postback(ALL_HEALTHY, HEALTH_ALL_WELL, ALL_HEALTHY)]))
        return END
    return show_children(ctx, 0)


@health.state("pick", postback=HEALTH_PAGE)
def paged_children(ctx):
    """Another page of today's children."""
    return show_children(ctx, number(ctx, "p"))


def show_children(ctx, page: int):
    """Today's arrivals as buttons; the ones already checked show their result."""
    rows = today_rows(ctx, work_centre(ctx))
    if not rows:
        ctx.reply(text("วันนี้ยังไม่มีเด็กเช็คชื่อค่ะ ส่งรูปบัตร QR หรือพิมพ์ \"เช็คชื่อ\" ก่อนนะคะ"))
        return END
    pending = sum(1 for r in rows if r.health is None)
    lines = [f"ตรวจสุขภาพวันนี้: ตรวจแล้ว {len(rows) - pending} จาก {len(rows)} คน",
             "แตะชื่อเด็กที่มีอาการ หรือ \"สุขภาพปกติทุกคน\" สำหรับคนที่เหลือ"]
    concerns = [r for r in rows if r.health == "concern"]
    lines += [f"⚠️ {label(r.child)}: {describe(r.health_items or [], r.temperature, r.health_note)}"
              for r in concerns]
    for r in concerns:
        audit(ctx.session, ctx.user_id, "view.child.health", r.child.code, at=ctx.now, day=ctx.today.isoformat())
    chunk = rows[page * PAGE:(page + 1) * PAGE]
    quick = [postback(ALL_HEALTHY, HEALTH_ALL_WELL, ALL_HEALTHY)] if pending else []
    quick += [postback(label(r.child), HEALTH_CHILD, f"บันทึกอาการ {label(r.child)}", c=r.child_id)
              for r in chunk]
    if (page + 1) * PAGE < len(rows):
        quick.append(postback("ถัดไป ▶", HEALTH_PAGE, "ถัดไป", p=page + 1))
    ctx.reply(text("\n".join(lines), quick))
    return "pick"


@health.entry(chat="user", postback=HEALTH_CHILD, when=is_recorder)
def picked_child(ctx):
    """The teacher picked a child: show the checklist with what is recorded so far."""
    child = tapped_child(ctx)
    if child is None:
        return END
    row = attendance_of(ctx.session, [child.id], ctx.today).get(child.id)
    if row is None:
        ctx.reply(text(f"{label(child)} ยังไม่ได้เช็คชื่อวันนี้ค่ะ"))
        return END
    audit(ctx.session, ctx.user_id, "view.child.health", child.code, at=ctx.now, day=ctx.today.isoformat())
    ctx.save_draft(child=child.id, name=label(child), items=[i["code"] for i in row.health_items or []],
                   temperature=row.temperature, note=row.health_note or "")
    return show_checklist(ctx)


def show_checklist(ctx):
    """The structured checklist; tapped items are marked ✓; บันทึก saves."""
    draft = ctx.draft
    chosen = draft.get("items", [])
    summary = describe([{"code": c} for c in chosen], draft.get("temperature"), draft.get("note", ""))
    quick = [postback(("✓ " if code in chosen else "") + label, HEALTH_ITEM, label, k=code)
             for code, label, _ in CHECKLIST]
    quick += [postback("บันทึก", HEALTH_SAVE, "บันทึก"), say("ยกเลิก")]
    ctx.reply(text(f"อาการของ {draft['name']}: {summary}\nแตะอาการที่พบ (แตะซ้ำเพื่อเอาออก) แล้วแตะ \"บันทึก\"", quick))
    return "items"


@health.state("items", postback=HEALTH_ITEM)
@health.state("temperature", postback=HEALTH_ITEM)
@health.state("note", postback=HEALTH_ITEM)
def tapped_item(ctx):
    """A checklist item: fever asks the temperature, 'other' asks a note, the rest toggle."""
    code = ctx.postback.get("k")
    if code not in LABEL:
        return show_checklist(ctx)
    if code == "fever" and code not in ctx.draft.get("items", []):
        ctx.reply(text("วัดไข้ได้กี่องศาคะ (เช่น 38.2)", [say("ยกเลิก")]))
        return "temperature"
    if code == "note":
        ctx.reply(text("พิมพ์บันทึกเพิ่มเติมได้เลยค่ะ", [say("ยกเลิก")]))
        return "note"
    items = ctx.draft.get("items", [])
    items = [c for c in items if c != code] if code in items else items + [code]
    ctx.save_draft(items=items, temperature=None if code == "fever" else ctx.draft.get("temperature"))
    return show_checklist(ctx)


@health.state("temperature", text=r".")
def typed_fever(ctx):
    """The temperature for the fever item."""
    temp = parse_temperature(ctx.text)
    if temp is None:
        ctx.reply(text("ขอเป็นตัวเลของศาเซลเซียส เช่น 38.2 ค่ะ", [say("ยกเลิก")]))
        return "temperature"
    items = [c for c in ctx.draft.get("items", []) if c != "fever"] + (["fever"] if temp >= FEVER_AT else [])
    ctx.save_draft(items=items, temperature=temp)
    return show_checklist(ctx)


@health.state("note", text=r".")
def typed_note(ctx):
    """A free note about the child's health."""
    ctx.save_draft(note=ctx.text[:500], items=list(dict.fromkeys(ctx.draft.get("items", []) + ["note"])))
    return show_checklist(ctx)


@health.state("items", postback=HEALTH_SAVE)
@health.state("temperature", postback=HEALTH_SAVE)
@health.state("note", postback=HEALTH_SAVE)
def tapped_save(ctx):
    """Save the checklist for the child; a concern offers sending the child home."""
    draft = ctx.draft
    row = attendance_of(ctx.session, [draft["child"]], ctx.today).get(draft["child"])
    if row is None:
        ctx.reply(text("ไม่พบการเช็คชื่อของเด็กคนนี้วันนี้ค่ะ"))
        return END
    codes = [c for c in draft.get("items", []) if c != "note" or draft.get("note")]
    row.health_items = [{"code": c} for c in codes]
    row.temperature, row.health_note = draft.get("temperature"), draft.get("note", "")
    row.health = "concern" if codes else "ok"
    row.health_by, row.health_at = ctx.user_id, ctx.now.astimezone(timezone.utc)
    said = describe(row.health_items, row.temperature, row.health_note)
    quick = [postback("ส่งกลับบ้าน", HEALTH_HOME, "ส่งกลับบ้าน", c=row.child_id)] if codes else []
    quick.append(postback("เด็กคนอื่น", HEALTH_START, "บันทึกอาการเด็กคนอื่น"))
    hint = "\nแนะนำให้พิจารณาส่งกลับบ้านและแจ้งผู้ปกครองค่ะ" if set(codes) & SEND_HOME_SUGGESTED else ""
    ctx.reply(text(f"บันทึกสุขภาพ {draft['name']} แล้วค่ะ: {said}{hint}", quick))
    return END


@health.state("items", text=r".")
def typed_in_health(ctx):
    """Anything else typed during the checklist: say how to go on."""
    ctx.reply(text("แตะปุ่มอาการด้านล่าง แล้วแตะ \"บันทึก\" ค่ะ หรือพิมพ์ \"ยกเลิก\" เพื่อออก",
                   [postback("บันทึก", HEALTH_SAVE, "บันทึก"), say("ยกเลิก")]))
    return "items"
