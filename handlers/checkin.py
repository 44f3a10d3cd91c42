"""Morning check-in: photos of QR cards, the not-yet-arrived list, typed names, and check-out."""
from __future__ import annotations

import re

from linebot.v3.webhooks import ImageMessageContent
from sqlalchemy import select

from bot.actions import CHECKIN_ARRIVE, CHECKIN_MISSING, CHECKOUT_LEAVE, HEALTH_ALL_WELL, HEALTH_START, Action
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.absences import KIND_SHORT, late_time, notices_on
from domain.attendance import (AFTERNOON, REFUSED, attendance_of, check_cards, match_names, not_arrived,
                               record_arrival, record_departure)
from domain.glossary import ALL_HEALTHY
from domain.names import choice_label, label
from domain.thai import hhmm
from handlers.actors import bound_centre_id, is_recorder, is_registered, shares_to_parents, staff_rows, work_centre
from handlers.common import REGISTER_HELP, quick_for
from handlers.photos import offer_filing
from models import Attendance, Centre, Child, LineGroup, PhotoScan

PAGE = 10
# Linear on any text: the greedy `.*` backs off once from the end to the last "มาแล้ว" (spaces stripped after).
ARRIVED_TEXT = re.compile(r"^(?:มา(?:แล้ว)?\s++(?P<before>\S.*)|(?P<after>\S.*)มาแล้ว(?:ค่ะ|คะ|ครับ)?)$")
PHOTO_ADVICE = ("ยังอ่านบัตร QR ในรูปไม่ได้ค่ะ ลองถ่ายใหม่แบบนี้นะคะ\n"
                "• วางบัตรบนโต๊ะ ถ่ายจากด้านบน ห่างประมาณหนึ่งช่วงแขน\n"
                "• ให้เห็นบัตรครบทุกมุม ไม่มีนิ้วบัง\n"
                "• ที่สว่างพอ ไม่มีแสงสะท้อนบนบัตรเคลือบ\n"
                "• ถือโทรศัพท์นิ่ง ๆ ให้ภาพชัด")


def number(ctx, key: str) -> int:
    """A whole number from the postback's data (0 when missing or not a number: buttons can be forged)."""
    value = ctx.postback.get(key, "")
    return int(value) if value.isdigit() else 0


def same_name(options: list[Child]) -> str:
    """'ชื่อนี้มี 2 คน: ขิง (ภูริ), ภูผา (ภูริ)' — the children a typed name could mean."""
    return f"ชื่อนี้มี {len(options)} คน: " + ", ".join(choice_label(c) for c in options)


def child_button(child: Child, action: Action, display: str, **params) -> dict:
    """A button for one of several children a typed name could mean: their labels tell them apart."""
    return postback(choice_label(child), action, display, c=child.id, **params)


def paged_names(children: list[Child], page: int, tap: Action, turn: Action, said: str) -> list[dict]:
    """Quick replies: one page of tappable names (postback `tap`, bubble "<name> <said>"), with paging (`turn`)."""
    start = page * PAGE
    items = [postback(label(c), tap, f"{label(c)} {said}", c=c.id, p=page)
             for c in children[start:start + PAGE]]
    if start > 0:
        items.insert(0, postback("◀ ก่อนหน้า", turn, "ก่อนหน้า", p=page - 1))
    if start + PAGE < len(children):
        items.append(postback("ถัดไป ▶", turn, "ถัดไป", p=page + 1))
    return items


def missing_quick(children: list[Child], page: int) -> list[dict]:
    """Quick replies: one page of not-yet-arrived children (tap = arrived), with paging."""
    return paged_names(children, page, CHECKIN_ARRIVE, CHECKIN_MISSING, "มาแล้ว")


def missing_message(ctx, centre: Centre, page: int = 0, lead: str = "") -> dict:
    """The not-yet-arrived list as text plus tappable names (paged for big classes).

    In a group every parent reads it: nicknames and counts only; leave reasons and late times stay in 1:1.
    """
    waiting, on_leave = not_arrived(ctx.session, centre.id, ctx.today)
    notices = notices_on(ctx.session, [c.id for c in waiting + on_leave], ctx.today)
    late = [c for c in waiting if c.id in notices and notices[c.id].kind == "late"]
    in_group = ctx.chat_type == "group"
    lines = [lead] if lead else []
    if not waiting:
        lines.append("เด็กมาครบทุกคนแล้วค่ะ 🎉")
    else:
        pages = (len(waiting) + PAGE - 1) // PAGE
        page = min(max(page, 0), pages - 1)
        shown = waiting[page * PAGE:(page + 1) * PAGE]
        head = f"ยังไม่มา {len(waiting)} คน" + (f" (หน้า {page + 1}/{pages})" if pages > 1 else "")
        lines += [head] + [f"• {label(c) if in_group else c.display_name}" for c in shown]
        lines.append("แตะชื่อเด็กที่มาแล้วเพื่อเช็คชื่อได้เลยค่ะ")
    if in_group:
        lines += [f"แจ้งมาสาย {len(late)} คน"] if late else []
        lines += [f"ลา {len(on_leave)} คน (รายละเอียดดูได้ในแชตส่วนตัวกับบอท)"] if on_leave else []
        return text("\n".join(lines), missing_quick(waiting, page) if waiting else None)
    if late:
        lines.append("แจ้งมาสาย: " + ", ".join(label(c) + (f" ({late_time(notices[c.id])})"
                                                              if late_time(notices[c.id]) else "") for c in late))
    if on_leave:
        lines.append("ลา: " + ", ".join(f"{label(c)} ({KIND_SHORT[notices[c.id].kind]})" for c in on_leave))
    return text("\n".join(lines), missing_quick(waiting, page) if waiting else None)


def after_checkin_quick(waiting: int) -> list[dict]:
    """What a teacher usually does next: the missing list, then the health check."""
    items = []
    if waiting:
        items.append(postback(f"ยังไม่มา ({waiting})", CHECKIN_MISSING, "ดูคนที่ยังไม่มา", p=0))
    items.append(postback(ALL_HEALTHY, HEALTH_ALL_WELL, ALL_HEALTHY))
    items.append(postback("บันทึกอาการ", HEALTH_START, "บันทึกอาการ"))
    return items


def register(router: Router) -> None:
    """Photo check-in (any chat), the missing list, typed names, check-out."""
    router.provide_answer("photo_set", scan_summary)

    @router.on(message=ImageMessageContent)
    def sent_photo(ctx):
        """A photo arrived: if it holds QR cards, check the children in (or out); answer photo sets together."""
        return scan_photo(ctx, purpose=None)

    @router.on(text=r"^(เช็คชื่อ|เช็กชื่อ|ลงเวลามา)$", when=is_recorder)
    def asked_checkin(ctx):
        """The teacher tapped เช็คชื่อ: how to check in, and who is still missing."""
        centre = work_centre(ctx)
        tip = "ถ่ายรูปบัตร QR ของเด็ก (หลายใบในรูปเดียวได้) แล้วส่งมาได้เลยค่ะ หรือแตะชื่อเด็กด้านล่าง"
        ctx.reply(missing_message(ctx, centre, 0, lead=tip))

    @router.on(text=r"^(ยังไม่มา|ใครยังไม่มา|คนที่ยังไม่มา)$", when=is_recorder)
    def asked_missing(ctx):
        """The teacher asked who has not arrived yet."""
        ctx.reply(missing_message(ctx, work_centre(ctx)))

    @router.on(postback=CHECKIN_MISSING, when=is_recorder)
    def paged_missing(ctx):
        """A page of the not-yet-arrived list."""
        ctx.reply(missing_message(ctx, work_centre(ctx), number(ctx, "p")))

    @router.on(postback=CHECKIN_ARRIVE)
    def tapped_arrived(ctx):
        """The teacher tapped a child's name: check them in by hand."""
        child = tapped_child(ctx)
        if child is None:
            return
        centre = ctx.session.get(Centre, child.centre_id)
        row, created = record_arrival(ctx.session, child, centre, ctx.user_id, "button", ctx.now,
                                      shared=shares_to_parents(ctx, centre.id))
        lead = arrival_line(ctx, child, row, created)
        ctx.reply(missing_message(ctx, centre, number(ctx, "p"), lead=lead))

    router.add_command_pattern(r"^มา(แล้ว)?\s+\S", when=is_recorder)  # a check-in never feeds another flow

    @router.on(text=ARRIVED_TEXT, when=is_recorder)
    def typed_arrivals(ctx):
        """The teacher typed 'มา ภูผา ข้าวปุ้น' (or 'ภูผา ข้าวปุ้น มาแล้ว'): check in each named child, ask when a
        name is ambiguous."""
        centre = work_centre(ctx)
        found = ARRIVED_TEXT.match(ctx.text)
        names = (found.group("before") or found.group("after")).strip()
        matched, ambiguous, unknown = match_names(ctx.session, centre.id, names)
        shared = shares_to_parents(ctx, centre.id)
        lines = []
        for child in matched:
            row, created = record_arrival(ctx.session, child, centre, ctx.user_id, "text", ctx.now, shared)
            lines.append(arrival_line(ctx, child, row, created))
        for word in unknown:
            lines.append(f"❓ ไม่พบชื่อ \"{word}\" ในศูนย์นี้")
        quick = []
        for options in ambiguous:
            lines.append(f"❓ {same_name(options)} กรุณาเลือกคนที่มา")
            quick += [child_button(c, CHECKIN_ARRIVE, f"{c.display_name} มาแล้ว") for c in options]
        waiting, _ = not_arrived(ctx.session, centre.id, ctx.today)
        lines.append(f"ยังไม่มา {len(waiting)} คน" if waiting else "เด็กมาครบทุกคนแล้วค่ะ 🎉")
        ctx.reply(text("\n".join(lines), quick or after_checkin_quick(len(waiting))))

    router.add_flow(checkout)


def tapped_child(ctx) -> Child | None:
    """The child named by a postback, if the sender records for that child's centre (else a refusal)."""
    child = ctx.session.get(Child, number(ctx, "c"))
    centre = work_centre(ctx)
    if child is None or centre is None or child.centre_id != centre.id:
        ctx.reply(text("ปุ่มนี้ใช้ได้เฉพาะครูของศูนย์ของเด็กคนนี้ค่ะ"))
        return None
    return child


def arrival_line(ctx, child: Child, row: Attendance, created: bool) -> str:
    """'✅ ภูผา มาแล้ว 07:42' or 'ภูผา เช็คชื่อแล้วเมื่อ 07:42'."""
    at = hhmm(row.arrived_at.astimezone(ctx.now.tzinfo))
    if created:
        return f"✅ {label(child)} มาแล้ว {at}" + (" (มาสาย)" if row.late else "")
    return f"{label(child)} เช็คชื่อแล้วเมื่อ {at}"


# --- photos ---------------------------------------------------------------------------------------------

def scan_photo(ctx, purpose: str | None):
    """Download, decode and record one photo; reply when its whole imageSet is in."""
    centre = work_centre(ctx)
    if centre is None and ctx.chat_type == "group":
        if staff_rows(ctx) and not bound_centre_id(ctx):
            ctx.reply(text("กลุ่มนี้ยังไม่ได้เชื่อมกับศูนย์ค่ะ ขอรหัสโดยพิมพ์ \"เชื่อมกลุ่มผู้ปกครอง\" ในแชตส่วนตัวกับบอท "
                           "แล้วพิมพ์รหัสในกลุ่มนี้ก่อนเช็คชื่อนะคะ"))
        return END  # a parent's photo in a group is chatter; only staff photos are read there
    if not is_registered(ctx):
        ctx.reply(text(REGISTER_HELP, quick_for(ctx)))  # never downloaded nor decoded for an unknown sender
        return END
    scan = record_scan(ctx, centre.id if centre else None, purpose or "arrival")
    scan.outcome = decode_and_record(ctx, scan, centre, purpose)
    ctx.session.flush()
    group = set_members(ctx, scan)
    if group is None:
        return END  # more photos of this set are on their way; the last one answers for all
    for row in group:
        row.answered_at = ctx.now
    if centre is None:
        return answer_outsider(ctx, group)
    if purpose is None and all(s.outcome.get("none") for s in group):  # no card at all: lunch/activity photos?
        offer_filing(ctx, centre.id, [s.message_id for s in group], note="ถ้าเป็นรูปบัตร QR: " + PHOTO_ADVICE)
        return END
    ctx.reply(scan_summary(ctx.session, ctx.now, centre, group))
    return END


def record_scan(ctx, centre_id: int | None, purpose: str) -> PhotoScan:
    """The PhotoScan row of the photo in ctx (with its imageSet place, if sent as one of several)."""
    msg = ctx.message
    scan = PhotoScan(message_id=msg.id, chat_id=ctx.chat_id, line_user_id=ctx.user_id or "", centre_id=centre_id,
                     purpose=purpose, received_at=ctx.now, outcome={})
    image_set = getattr(msg, "image_set", None)
    if image_set is not None:
        scan.image_set_id, scan.set_index, scan.set_total = image_set.id, image_set.index, image_set.total
    ctx.session.add(scan)
    return scan


def decode_and_record(ctx, scan: PhotoScan, centre: Centre | None, purpose: str | None) -> dict:
    """The outcome of one photo: children checked in/out now, already done, codes refused, or why unreadable."""
    found = ctx.photo_codes(scan.message_id)
    if isinstance(found, dict):
        return found
    if centre is None:
        return {"cards": len(found)}
    check = check_cards(ctx.session, found, centre.id, ctx.rt.cfg.secret)
    outcome = {"new": [], "already": [], "out": [], "out_already": [], "refused": check.refused}
    shared = shares_to_parents(ctx, centre.id)
    today = attendance_of(ctx.session, [c.id for c in check.children], ctx.today)
    for child in check.children:
        row = today.get(child.id)
        leaving = purpose == "departure" or (
            purpose is None and centre.checkout_enabled and row is not None and ctx.now.time() >= AFTERNOON)
        if leaving and row is not None:
            done = record_departure(row, ctx.user_id, "photo", ctx.now)
            outcome["out" if done else "out_already"].append(child.id)
        elif leaving:
            outcome["refused"].append(("not_arrived", label(child)))
        else:
            row, created = record_arrival(ctx.session, child, centre, ctx.user_id, "photo", ctx.now, shared)
            outcome["new" if created else "already"].append(child.id)
    return outcome


def set_members(ctx, scan: PhotoScan) -> list[PhotoScan] | None:
    """The scans to answer now: this one alone, or its whole imageSet once every photo is in (else None)."""
    if not scan.image_set_id or not scan.set_total or scan.set_total <= 1:
        return [scan]
    rows = list(ctx.session.scalars(select(PhotoScan).where(
        PhotoScan.chat_id == scan.chat_id, PhotoScan.image_set_id == scan.image_set_id,
        PhotoScan.answered_at.is_(None)).order_by(PhotoScan.set_index)))
    seen = {r.set_index for r in ctx.session.scalars(select(PhotoScan).where(
        PhotoScan.chat_id == scan.chat_id, PhotoScan.image_set_id == scan.image_set_id))}
    return rows if len(seen) >= scan.set_total else None


def answer_outsider(ctx, scans: list[PhotoScan]):
    """A photo from someone who is not staff here: cards are refused, other photos get a short note (1:1)."""
    if any(s.outcome.get("cards") for s in scans):
        ctx.reply(text("บัตร QR ใช้เช็คชื่อได้เฉพาะครูและหัวหน้าศูนย์ของเด็กเท่านั้นค่ะ ไม่ได้บันทึกอะไร"))
    elif ctx.chat_type == "user":
        ctx.reply(text("ได้รับรูปแล้วค่ะ 🙏 บอทใช้รูปสำหรับเช็คชื่อด้วยบัตร QR ของครูเท่านั้น "
                       "หากต้องการสอบถาม พิมพ์ \"ช่วยเหลือ\" ได้นะคะ"))
    return END


def scan_summary(session, now, centre: Centre, scans: list[PhotoScan]) -> dict:
    """One answer for one photo or a whole set: checked in now, already in, refused, still missing."""
    merged = {k: [] for k in ("new", "already", "out", "out_already", "refused")}
    bad = [s.outcome["bad"] for s in scans if "bad" in s.outcome]
    unreadable = sum(1 for s in scans if s.outcome.get("none"))
    for s in scans:
        for key in merged:
            merged[key] += [x for x in s.outcome.get(key, []) if x not in merged[key]]
    kids = {c.id: c for c in session.scalars(select(Child).where(
        Child.id.in_(merged["new"] + merged["already"] + merged["out"] + merged["out_already"])))}
    rows = attendance_of(session, list(kids), now.date())
    local = lambda moment: hhmm(moment.astimezone(now.tzinfo))  # noqa: E731
    in_group = session.scalar(select(LineGroup.id).where(LineGroup.group_id == scans[0].chat_id)) is not None
    name = label if in_group else (lambda child: child.display_name)  # noqa: E731
    lines = []
    if merged["new"]:
        lines.append(f"✅ เช็คชื่อแล้ว {len(merged['new'])} คน ({hhmm(now)})")
        lines += [f"• {name(kids[i])}" + (" (มาสาย)" if rows[i].late else "") for i in merged["new"]]
    if merged["already"]:
        lines.append("เช็คชื่อไปแล้วก่อนหน้านี้:")
        lines += [f"• {label(kids[i])} เช็คชื่อแล้วเมื่อ {local(rows[i].arrived_at)}" for i in merged["already"]]
    if merged["out"]:
        lines.append(f"🏠 กลับบ้านแล้ว {len(merged['out'])} คน ({hhmm(now)})")
        lines += [f"• {name(kids[i])}" for i in merged["out"]]
    if merged["out_already"]:
        lines += [f"• {label(kids[i])} กลับบ้านไปแล้วเมื่อ {local(rows[i].left_at)}" for i in merged["out_already"]]
    if merged["refused"]:
        lines.append(f"⚠️ บัตรที่ไม่รับ {len(merged['refused'])} ใบ:")
        lines += [f"• {REFUSED.get(reason, 'ยังไม่ได้เช็คชื่อเข้า')}: {label}" for reason, label in merged["refused"]]
    if bad:
        lines.append("⚠️ เปิดรูปไม่ได้: " + "; ".join(dict.fromkeys(bad)))
    if unreadable and not any(merged.values()):
        lines = [PHOTO_ADVICE] + lines
    elif unreadable:
        lines.append(f"มี {unreadable} รูปที่อ่านบัตรไม่ได้ ถ้ายังมีเด็กที่ไม่ขึ้นชื่อ ลองถ่ายบัตรใหม่นะคะ")
    if bad and not any(merged.values()) and not unreadable:
        lines.append("ส่งรูปใหม่อีกครั้ง หรือแตะชื่อเด็กจากรายการ \"ยังไม่มา\" ได้ค่ะ")
    waiting, _ = not_arrived(session, centre.id, now.date())
    lines.append(f"ยังไม่มา {len(waiting)} คน" if waiting else "เด็กมาครบทุกคนแล้วค่ะ 🎉")
    return text("\n".join(lines), after_checkin_quick(len(waiting)))


# --- check-out ------------------------------------------------------------------------------------------

checkout = Flow("checkout", label="เช็คชื่อกลับบ้าน")


@checkout.entry(text=r"^(รับกลับบ้าน|เช็คชื่อกลับ|เช็คเอาท์)$", when=is_recorder)
def asked_checkout(ctx):
    """The teacher starts check-out: photos of cards or taps on the children still here."""
    centre = work_centre(ctx)
    if not centre.checkout_enabled:
        ctx.reply(text("ศูนย์นี้ยังไม่ได้เปิดการเช็คชื่อกลับบ้านค่ะ หัวหน้าศูนย์เปิดได้ที่ \"ตั้งค่าศูนย์\""))
        return END
    ctx.reply(present_message(ctx, centre, "ส่งรูปบัตร QR ของเด็กที่ผู้ปกครองมารับ หรือแตะชื่อด้านล่างค่ะ"))
    return "picking"


@checkout.state("picking", message=ImageMessageContent)
def checkout_photo(ctx):
    """A photo during check-out: the cards in it are children going home."""
    scan_photo(ctx, purpose="departure")
    return "picking"


@checkout.state("picking", text=r"^(เสร็จ|เรียบร้อย)$")
def checkout_done(ctx):
    """The teacher finished check-out."""
    ctx.reply(text("เรียบร้อยค่ะ บันทึกการรับกลับบ้านแล้ว 🙏"))
    return END


@checkout.entry(postback=CHECKOUT_LEAVE)
def tapped_leaving(ctx):
    """The teacher tapped a child who is going home."""
    child = tapped_child(ctx)
    if child is None:
        return END
    centre = ctx.session.get(Centre, child.centre_id)
    row = attendance_of(ctx.session, [child.id], ctx.today).get(child.id)
    if row is None:
        lead = f"{label(child)} ยังไม่ได้เช็คชื่อเข้าวันนี้ค่ะ"
    elif record_departure(row, ctx.user_id, "button", ctx.now):
        lead = f"🏠 {label(child)} กลับบ้านแล้ว {hhmm(ctx.now)}"
    else:
        lead = f"{label(child)} กลับบ้านไปแล้วเมื่อ {hhmm(row.left_at.astimezone(ctx.now.tzinfo))}"
    ctx.reply(present_message(ctx, centre, lead))
    return "picking"


def present_message(ctx, centre: Centre, lead: str) -> dict:
    """Children still at the centre today, as tappable names."""
    rows = list(ctx.session.scalars(select(Attendance).where(
        Attendance.centre_id == centre.id, Attendance.day == ctx.today, Attendance.left_at.is_(None))))
    kids = sorted((r.child for r in rows), key=lambda c: (c.nickname, c.first_name))
    if not kids:
        return text(f"{lead}\nไม่มีเด็กที่ยังอยู่ที่ศูนย์แล้วค่ะ", [say("เสร็จ")])
    quick = [postback(label(c), CHECKOUT_LEAVE, f"{label(c)} กลับบ้าน", c=c.id) for c in kids[:12]]
    body = f"{lead}\nยังอยู่ที่ศูนย์ {len(kids)} คน" + ("" if len(kids) <= 12 else " (แสดง 12 คนแรก)")
    return text(body, quick + [say("เสร็จ")])

